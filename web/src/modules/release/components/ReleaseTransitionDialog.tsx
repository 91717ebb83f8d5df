import { ReasonDialog } from '../../ui/ReasonDialog';
import type { ReleaseTransition } from '../hooks/useReleaseTransition';

const COPY: Record<ReleaseTransition, { title: string; action: string; busy: string; explain: string }> = {
  unlock: {
    title: 'Unlock requirements',
    action: 'Unlock',
    busy: 'Unlocking…',
    explain:
      'An undeployed release returns to draft so its components can change again; one that is already (partly) deployed goes on hold.',
  },
  rescind: {
    title: 'Rescind release',
    action: 'Rescind',
    busy: 'Rescinding…',
    explain: 'A rescinded release gets no new rollouts; the installations running it are listed for rollback.',
  },
};

/** Asks why before unlocking or rescinding: the reason is required and recorded in the audit log. */
export function ReleaseTransitionDialog({
  transition,
  version,
  onClose,
  onConfirm,
}: {
  /** The dialog is open while this is set. */
  transition: ReleaseTransition | null;
  version: string;
  onClose: () => void;
  onConfirm: (transition: ReleaseTransition, reason: string) => Promise<void>;
}) {
  const copy = COPY[transition ?? 'unlock'];
  return (
    <ReasonDialog
      open={transition !== null}
      title={`${copy.title} ${version}`}
      description={copy.explain}
      confirmLabel={copy.action}
      busyLabel={copy.busy}
      color={transition === 'rescind' ? 'error' : 'primary'}
      onClose={onClose}
      onConfirm={(reason) => (transition ? onConfirm(transition, reason) : undefined)}
    />
  );
}
