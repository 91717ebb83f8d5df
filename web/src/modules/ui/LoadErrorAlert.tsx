import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';

/** A query that failed: what could not be loaded, why, and a way to try again. */
export function LoadErrorAlert({ what, error, onRetry }: { what: string; error: string; onRetry: () => void }) {
  return (
    <Alert
      severity="error"
      action={
        <Button color="inherit" size="small" onClick={onRetry}>
          Retry
        </Button>
      }
    >
      Could not load {what}: {error}
    </Alert>
  );
}
