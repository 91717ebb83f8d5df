import { useMutation } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { DeleteReleaseDocument } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

/** Asks before deleting a draft that was never locked, then opens its track. */
export function DeleteReleaseDialog({
  open,
  onClose,
  release,
}: {
  open: boolean;
  onClose: () => void;
  release: { id: string; version: string; track: { id: string; slug: string } };
}) {
  const navigate = useNavigate();
  const titleId = useId();
  const [error, setError] = useState<string | null>(null);
  const [remove, { loading }] = useMutation(DeleteReleaseDocument, {
    // The release is gone from every list: drop it, and the track's lists (and counts) that held it, from the cache.
    update(cache) {
      cache.evict({ id: cache.identify({ __typename: 'Release', id: release.id }) });
      cache.evict({ id: cache.identify({ __typename: 'ReleaseTrack', id: release.track.id }), fieldName: 'releases' });
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'releases' });
      cache.gc();
    },
  });

  const close = () => {
    if (loading) return;
    setError(null);
    onClose();
  };

  const confirm = () => {
    setError(null);
    remove({ variables: { input: { releaseId: release.id } } }).then(
      () => {
        onClose();
        void navigate(`/tracks/${encodeURIComponent(release.track.slug)}`, { replace: true });
      },
      (caught: unknown) => setError(describeError(caught)),
    );
  };

  return (
    <Dialog open={open} onClose={close} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>Delete draft {release.version}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          The draft, its components and its instructions are deleted; this cannot be undone. The deletion is recorded in the audit
          log.
        </DialogContentText>
        {error && (
          <Alert severity="error" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={loading}>
          Cancel
        </Button>
        <Button color="error" variant="contained" onClick={confirm} disabled={loading}>
          {loading ? 'Deleting…' : 'Delete'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
