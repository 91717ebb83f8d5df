import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import {
  AbortRolloutDocument,
  ApproveRolloutTargetDocument,
  ExcludeRolloutTargetDocument,
  PauseRolloutDocument,
  PromoteRolloutDocument,
  RejectRolloutTargetDocument,
  ResumeRolloutDocument,
  RetryRolloutTargetDocument,
  RollbackInstallationDocument,
} from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { plural } from '../../ui/format';

/** The operator's controls of one rollout; a refusal is kept as a message for the page, a success as a notice. */
export function useRolloutActions(rolloutId: string, refresh: () => void) {
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pause, pauseState] = useMutation(PauseRolloutDocument);
  const [resume, resumeState] = useMutation(ResumeRolloutDocument);
  const [abort, abortState] = useMutation(AbortRolloutDocument);
  const [promote, promoteState] = useMutation(PromoteRolloutDocument);
  const [retry, retryState] = useMutation(RetryRolloutTargetDocument);
  const [approve, approveState] = useMutation(ApproveRolloutTargetDocument);
  const [reject, rejectState] = useMutation(RejectRolloutTargetDocument);
  const [rollback, rollbackState] = useMutation(RollbackInstallationDocument);
  const [exclude, excludeState] = useMutation(ExcludeRolloutTargetDocument);

  async function run(action: () => Promise<string | null | void>) {
    setFailure(null);
    setNotice(null);
    try {
      const message = await action();
      if (message) setNotice(message);
      refresh();
    } catch (error) {
      setFailure(describeError(error));
    }
  }

  return {
    failure,
    notice,
    busy: pauseState.loading || resumeState.loading || abortState.loading || promoteState.loading,
    targetBusy:
      retryState.loading || approveState.loading || rejectState.loading || rollbackState.loading || excludeState.loading,
    pause: () => run(async () => void (await pause({ variables: { input: { rolloutId } } }))),
    resume: (skipTargetIds: string[] = []) =>
      run(async () => {
        await resume({ variables: { input: { rolloutId, skipTargetIds } } });
        return skipTargetIds.length > 0 ? `Resumed without ${plural(skipTargetIds.length, 'installation')}.` : null;
      }),
    abort: (reason: string) => run(async () => void (await abort({ variables: { input: { rolloutId, reason } } }))),
    promote: () => run(async () => void (await promote({ variables: { input: { rolloutId } } }))),
    retry: (targetId: string, name: string, resume: boolean) =>
      run(async () => {
        const { data } = await retry({ variables: { input: { targetId, resume } } });
        if (data?.retryRolloutTarget.rollout.status === 'PAUSED') return `Retrying ${name}; the rollout stays paused.`;
        return resume ? `Retrying ${name}; the rollout resumed.` : `Retrying ${name}.`;
      }),
    approve: (targetId: string) => run(async () => void (await approve({ variables: { input: { targetId } } }))),
    reject: (targetId: string, reason: string) =>
      run(async () => void (await reject({ variables: { input: { targetId, reason } } }))),
    exclude: (targetId: string, name: string, reason: string) =>
      run(async () => {
        await exclude({ variables: { input: { targetId, reason } } });
        return `Excluded ${name} from this rollout; resume the rollout to go on without it.`;
      }),
    /** Rejects with the refusal, which the dialog shows; on success the page shows what is being restored. */
    rollback: async (installationId: string, name: string, applicationSlugs: string[], reason: string) => {
      setFailure(null);
      setNotice(null);
      const { data } = await rollback({ variables: { input: { installationId, applicationSlugs, reason } } });
      const deployments = data?.rollbackInstallation ?? [];
      const what = deployments.map((d) => `${d.application.name} ${d.artifact.version}`).join(', ');
      setNotice(`Rolling back ${name}: ${what}.`);
      refresh();
    },
  };
}
