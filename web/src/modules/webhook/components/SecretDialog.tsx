import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useState } from 'react';

/**
 * The signing secret, shown this once (after createWebhook or rotateWebhookSecret): Shiplog never shows it again,
 * so the dialog says so and offers a copy button.
 */
export function SecretDialog({
  secret,
  onClose,
  rotated = false,
}: {
  secret: string | null;
  onClose: () => void;
  rotated?: boolean;
}) {
  const titleId = useId();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const close = () => {
    setCopied(null);
    onClose();
  };
  return (
    <Dialog open={secret !== null} onClose={close} fullWidth maxWidth="sm" aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{rotated ? 'New signing secret' : 'Signing secret'}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText>
            Receivers verify each message with this secret (Standard Webhooks). Copy it now: it is shown only this once.
            {rotated && ' The previous secret keeps signing alongside it for 24 hours.'}
          </DialogContentText>
          <TextField
            label="Signing secret"
            value={secret ?? ''}
            slotProps={{ htmlInput: { readOnly: true, spellCheck: false }, input: { sx: { fontFamily: 'monospace' } } }}
            onFocus={(event) => event.target.select()}
            fullWidth
          />
          <Typography role="status" variant="body2" color={copied === 'failed' ? 'error' : 'text.secondary'}>
            {copied === 'yes'
              ? 'Copied to the clipboard.'
              : copied === 'failed'
                ? 'Could not copy: select the secret and copy it.'
                : ''}
          </Typography>
          <Alert severity="warning">Once you close this dialog the secret cannot be shown again; rotate it if it is lost.</Alert>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button
          onClick={() => {
            navigator.clipboard.writeText(secret ?? '').then(
              () => setCopied('yes'),
              () => setCopied('failed'),
            );
          }}
        >
          Copy secret
        </Button>
        <Button variant="contained" onClick={close}>
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}
