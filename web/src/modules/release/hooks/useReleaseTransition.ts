import { useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { RescindReleaseDocument, UnlockReleaseDocument } from '../../../generated/graphql';

export type ReleaseTransition = 'unlock' | 'rescind';

/** Unlocks or rescinds a release with a reason; the promise rejects with the server's error. */
export function useReleaseTransition(releaseId: string) {
  const [unlock, unlocking] = useMutation(UnlockReleaseDocument);
  const [rescind, rescinding] = useMutation(RescindReleaseDocument);

  const run = useCallback(
    async (transition: ReleaseTransition, reason: string) => {
      const input = { releaseId, reason };
      if (transition === 'unlock') await unlock({ variables: { input } });
      else await rescind({ variables: { input } });
    },
    [releaseId, unlock, rescind],
  );

  return { run, busy: unlocking.loading || rescinding.loading };
}
