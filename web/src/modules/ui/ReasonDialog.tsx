import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useId, useState, type ReactNode } from 'react';
import { describeError } from '../apollo/errors';

/**
 * Asks why before an action whose reason is recorded (abort, reject, roll back, unlock, rescind). The reason is
 * required; the dialog closes when `onConfirm` settles, and shows its error instead when it rejects.
 */
export function ReasonDialog({
  open,
  title,
  description,
  confirmLabel,
  busyLabel,
  color = 'error',
  confirmDisabled = false,
  children,
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  description?: string;
  confirmLabel: string;
  busyLabel?: string;
  color?: 'error' | 'primary' | 'warning';
  /** When the choices above the reason (children) allow nothing yet. */
  confirmDisabled?: boolean;
  /** What the action will do, shown above the reason. */
  children?: ReactNode;
  onClose: () => void;
  onConfirm: (reason: string) => Promise<unknown> | void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const trimmed = reason.trim();

  const close = () => {
    if (busy) return;
    setReason('');
    setError(null);
    onClose();
  };

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="sm" aria-labelledby={titleId}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!trimmed) {
            setError('Give a reason: it is recorded in the audit log.');
            return;
          }
          setBusy(true);
          setError(null);
          Promise.resolve(onConfirm(trimmed)).then(
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
        <DialogTitle id={titleId}>{title}</DialogTitle>
        <DialogContent>
          {description && <DialogContentText sx={{ mb: 1 }}>{description}</DialogContentText>}
          {children}
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
          <Button type="submit" variant="contained" color={color} disabled={busy || confirmDisabled}>
            {busy ? (busyLabel ?? `${confirmLabel}…`) : confirmLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
