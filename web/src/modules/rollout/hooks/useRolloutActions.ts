import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import {
  AbortRolloutDocument,
  PauseRolloutDocument,
  PromoteRolloutDocument,
  ResumeRolloutDocument,
  RetryRolloutTargetDocument,
} from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

/** The operator's controls of one rollout; a refusal is kept as a message for the page. */
export function useRolloutActions(rolloutId: string, refresh: () => void) {
  const [failure, setFailure] = useState<string | null>(null);
  const [pause, pauseState] = useMutation(PauseRolloutDocument);
  const [resume, resumeState] = useMutation(ResumeRolloutDocument);
  const [abort, abortState] = useMutation(AbortRolloutDocument);
  const [promote, promoteState] = useMutation(PromoteRolloutDocument);
  const [retry, retryState] = useMutation(RetryRolloutTargetDocument);

  async function run(action: () => Promise<unknown>) {
    setFailure(null);
    try {
      await action();
      refresh();
    } catch (error) {
      setFailure(describeError(error));
    }
  }

  return {
    failure,
    busy: pauseState.loading || resumeState.loading || abortState.loading || promoteState.loading,
    retrying: retryState.loading,
    pause: () => run(() => pause({ variables: { input: { rolloutId } } })),
    resume: () => run(() => resume({ variables: { input: { rolloutId } } })),
    abort: (reason: string) => run(() => abort({ variables: { input: { rolloutId, reason } } })),
    promote: () => run(() => promote({ variables: { input: { rolloutId } } })),
    retry: (targetId: string) => run(() => retry({ variables: { input: { targetId } } })),
  };
}
