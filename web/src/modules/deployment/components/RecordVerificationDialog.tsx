import { useMutation } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import { useId, useState } from 'react';
import { RecordVerificationDocument, type VerificationStatus } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Records a check of a succeeded deployment (PASSED or FAILED, what checked it, a link to the run). The caller
 * refetches what shows verifications through `onRecorded`.
 */
export function RecordVerificationDialog({
  deployment,
  open,
  onClose,
  onRecorded,
}: {
  deployment: { id: string; what: string };
  open: boolean;
  onClose: () => void;
  onRecorded?: () => unknown;
}) {
  const [status, setStatus] = useState<VerificationStatus>('PASSED');
  const [source, setSource] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [record, { loading }] = useMutation(RecordVerificationDocument);
  const titleId = useId();
  const urlProblem = url.trim() && !isHttpUrl(url.trim()) ? 'Give an http(s) link, or leave it empty' : null;

  const close = () => {
    if (loading) return;
    setStatus('PASSED');
    setSource('');
    setUrl('');
    setError(null);
    onClose();
  };

  const submit = async () => {
    if (!source.trim()) {
      setError('Say what checked it, e.g. "jenkins e2e #5".');
      return;
    }
    if (urlProblem) return;
    setError(null);
    try {
      await record({
        variables: { input: { deploymentId: deployment.id, status, source: source.trim(), url: url.trim() || null } },
      });
      await onRecorded?.();
      setStatus('PASSED');
      setSource('');
      setUrl('');
      onClose();
    } catch (caught) {
      setError(describeError(caught));
    }
  };

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="sm" aria-labelledby={titleId}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <DialogTitle id={titleId}>Record a verification</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 1 }}>{deployment.what}</DialogContentText>
          <FormControl>
            <FormLabel id={`${titleId}-result`}>Result</FormLabel>
            <RadioGroup
              row
              aria-labelledby={`${titleId}-result`}
              value={status}
              onChange={(event) => setStatus(event.target.value as VerificationStatus)}
            >
              <FormControlLabel value="PASSED" control={<Radio />} label="Passed" />
              <FormControlLabel value="FAILED" control={<Radio />} label="Failed" />
            </RadioGroup>
          </FormControl>
          <TextField
            autoFocus
            required
            fullWidth
            margin="dense"
            label="Source"
            helperText='What checked it, e.g. "jenkins e2e #5"'
            value={source}
            onChange={(event) => setSource(event.target.value)}
            error={error !== null && !source.trim()}
            slotProps={{ htmlInput: { maxLength: 200 } }}
          />
          <TextField
            fullWidth
            margin="dense"
            label="Link (optional)"
            type="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            error={urlProblem !== null}
            helperText={urlProblem ?? 'The run or report, http(s)'}
          />
          {error && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={loading}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={loading}>
            {loading ? 'Recording…' : 'Record verification'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
