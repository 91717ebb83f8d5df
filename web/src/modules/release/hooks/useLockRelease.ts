import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { useMutation } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import { LockReleaseDocument, ReleaseDocument } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

export interface LockRefusal {
  message: string;
  /** What the server said still blocks locking, one sentence each; empty when it gave no list. */
  blockers: string[];
}

function blockersOf(error: unknown): string[] {
  if (!CombinedGraphQLErrors.is(error)) return [];
  return error.errors.flatMap((e) => {
    const blockers = e.extensions?.blockers;
    return Array.isArray(blockers) ? blockers.filter((b): b is string => typeof b === 'string') : [];
  });
}

/**
 * Locks a release's requirements; a refusal keeps the server's list of what still blocks it for as long as the
 * release stays as it was when locking was tried (`updatedAt`): once it is saved again, the refusal is old news.
 */
export function useLockRelease(releaseId: string, updatedAt: string | undefined) {
  const [mutate, { loading }] = useMutation(LockReleaseDocument, {
    // A refusal may mean the release changed under us: show its current blockers too.
    refetchQueries: [{ query: ReleaseDocument, variables: { id: releaseId } }],
  });
  const [refusal, setRefusal] = useState<{ releaseId: string; updatedAt: string | undefined; value: LockRefusal } | null>(null);

  const lock = useCallback(async () => {
    setRefusal(null);
    try {
      await mutate({ variables: { input: { releaseId } } });
    } catch (caught) {
      setRefusal({ releaseId, updatedAt, value: { message: describeError(caught), blockers: blockersOf(caught) } });
    }
  }, [mutate, releaseId, updatedAt]);

  const current = refusal !== null && refusal.releaseId === releaseId && refusal.updatedAt === updatedAt;
  return { lock, locking: loading, refusal: current ? refusal.value : null };
}
