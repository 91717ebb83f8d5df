import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useState } from 'react';

/** Asks why before aborting: the reason is recorded on the rollout. */
export function AbortRolloutDialog({
  open,
  onClose,
  onAbort,
}: {
  open: boolean;
  onClose: () => void;
  onAbort: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  const trimmed = reason.trim();
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="abort-rollout-title">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!trimmed) return;
          onAbort(trimmed);
          setReason('');
        }}
      >
        <DialogTitle id="abort-rollout-title">Abort rollout</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            required
            fullWidth
            margin="dense"
            label="Reason"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" color="error" variant="contained" disabled={!trimmed}>
            Abort rollout
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
