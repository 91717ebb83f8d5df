import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useId, useState } from 'react';
import { describeError } from '../../apollo/errors';
import type { ReleaseTransition } from '../hooks/useReleaseTransition';

const COPY: Record<ReleaseTransition, { title: string; action: string; explain: string }> = {
  unlock: {
    title: 'Unlock requirements',
    action: 'Unlock',
    explain:
      'An undeployed release returns to draft so its components can change again; one that is already (partly) deployed goes on hold.',
  },
  rescind: {
    title: 'Rescind release',
    action: 'Rescind',
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
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const copy = COPY[transition ?? 'unlock'];
  const trimmed = reason.trim();

  const close = () => {
    if (busy) return;
    setReason('');
    setError(null);
    onClose();
  };

  return (
    <Dialog open={transition !== null} onClose={close} fullWidth maxWidth="sm" aria-labelledby={titleId}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!transition) return;
          if (!trimmed) {
            setError('Give a reason: it is recorded in the audit log.');
            return;
          }
          setBusy(true);
          setError(null);
          onConfirm(transition, trimmed).then(
            () => {
              setBusy(false);
              setReason('');
              onClose();
            },
            (caught: unknown) => {
              setBusy(false);
              setError(describeError(caught));
            },
          );
        }}
      >
        <DialogTitle id={titleId}>
          {copy.title} {version}
        </DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 1 }}>{copy.explain}</DialogContentText>
          <TextField
            autoFocus
            required
            fullWidth
            multiline
            minRows={2}
            margin="dense"
            label="Reason"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            error={error !== null && !trimmed}
          />
          {error && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" color={transition === 'rescind' ? 'error' : 'primary'} disabled={busy}>
            {busy ? `${copy.action}ing…` : copy.action}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
