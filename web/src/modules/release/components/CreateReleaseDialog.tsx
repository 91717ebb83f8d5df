import { useMutation, useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { isSemver } from '@shiplog/shared';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { CreateReleaseDocument, TrackReleaseChoicesDocument } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { MarkdownEditor } from '../../ui/MarkdownEditor';
import { releaseStatusLabel } from './ReleaseStatusChip';

const CHOICES = 100;

export interface CreateReleaseDialogProps {
  open: boolean;
  onClose: () => void;
  trackSlug: string;
  /** Clone this release: the source is fixed and the dialog asks only for the new version. */
  cloneFrom?: { id: string; version: string };
}

/** Creates a release on a track, empty or cloned from another release, and opens it. */
export function CreateReleaseDialog({ open, onClose, trackSlug, cloneFrom }: CreateReleaseDialogProps) {
  const navigate = useNavigate();
  const titleId = useId();
  const [version, setVersion] = useState('');
  const [instructions, setInstructions] = useState('');
  const [source, setSource] = useState('');
  const [error, setError] = useState<string | null>(null);
  const choices = useQuery(TrackReleaseChoicesDocument, {
    variables: { slug: trackSlug, first: CHOICES },
    skip: !open || cloneFrom !== undefined,
  });
  const [create, { loading }] = useMutation(CreateReleaseDocument, {
    // The track's list and the pickers gain a release.
    refetchQueries: ['ReleaseTrack', 'TrackReleaseChoices'],
  });
  const releases = choices.data?.releaseTrack?.releases.nodes ?? [];
  const cloneFromId = cloneFrom?.id ?? (source || null);
  const trimmedVersion = version.trim();

  const close = () => {
    if (loading) return;
    setVersion('');
    setInstructions('');
    setSource('');
    setError(null);
    onClose();
  };

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="md" aria-labelledby={titleId}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!trimmedVersion) {
            setError('Give the new release a version, e.g. 2.5.0.');
            return;
          }
          setError(null);
          create({
            variables: {
              input: {
                trackSlug,
                version: trimmedVersion,
                // Left out when cloning with nothing written, so the source's instructions are kept.
                instructions: instructions.trim() ? instructions : cloneFromId ? null : '',
                cloneFromReleaseId: cloneFromId,
              },
            },
          }).then(
            ({ data }) => {
              const created = data?.createRelease;
              if (!created) return;
              setVersion('');
              setInstructions('');
              setSource('');
              onClose();
              void navigate(`/releases/${created.id}`);
            },
            (caught: unknown) => setError(describeError(caught)),
          );
        }}
      >
        <DialogTitle id={titleId}>{cloneFrom ? `Clone release ${cloneFrom.version}` : 'New release'}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              autoFocus
              required
              label="Version"
              value={version}
              onChange={(event) => setVersion(event.target.value)}
              error={error !== null && !trimmedVersion}
              helperText="Unique within the track; semantic versions are ordered by precedence."
            />
            {trimmedVersion !== '' && !isSemver(trimmedVersion) && (
              <Alert severity="warning" role="status" aria-label="Version warning">
                “{trimmedVersion}” is not a semantic version (like 2.5.0): it can be created, but it is not ordered by precedence
                among the track’s releases.
              </Alert>
            )}
            {!cloneFrom && (
              <TextField
                select
                label="Clone from"
                value={source}
                onChange={(event) => setSource(event.target.value)}
                helperText={
                  choices.error
                    ? `Could not load the track's releases: ${describeError(choices.error)}`
                    : 'Start from the components and instructions of an existing release.'
                }
                error={choices.error !== undefined}
              >
                <MenuItem value="">Nothing: start empty</MenuItem>
                {releases.map((release) => (
                  <MenuItem key={release.id} value={release.id}>
                    {release.version} ({releaseStatusLabel(release.status).toLowerCase()})
                  </MenuItem>
                ))}
              </TextField>
            )}
            <MarkdownEditor
              label={cloneFromId ? 'Instructions (leave empty to keep the source release’s)' : 'Instructions'}
              value={instructions}
              onChange={setInstructions}
              minRows={3}
            />
            {error && <Alert severity="error">{error}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={loading}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={loading}>
            {loading ? 'Creating…' : cloneFrom ? 'Clone release' : 'Create release'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
