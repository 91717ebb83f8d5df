import { useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { ReleaseDocument, type ReleaseStatus } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { useCan } from '../modules/auth/hooks/useCan';
import { CreateReleaseDialog } from '../modules/release/components/CreateReleaseDialog';
import { DeleteReleaseDialog } from '../modules/release/components/DeleteReleaseDialog';
import { ReleaseComponents } from '../modules/release/components/ReleaseComponents';
import { ArtifactSelectionChip, ReleaseStatusChip } from '../modules/release/components/ReleaseStatusChip';
import { ReleaseTransitionDialog } from '../modules/release/components/ReleaseTransitionDialog';
import { ReleaseEditor } from '../modules/release/editor/ReleaseEditor';
import { useLockRelease } from '../modules/release/hooks/useLockRelease';
import { useReleaseTransition, type ReleaseTransition } from '../modules/release/hooks/useReleaseTransition';
import { Time } from '../modules/ui/Time';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { Markdown } from '../modules/ui/Markdown';

const READ_ONLY_NOTE: Partial<Record<ReleaseStatus, string>> = {
  LOCKED: 'The requirements are locked and read-only. Unlock them to make changes.',
  ON_HOLD: 'The release is on hold: its components cannot change while it is (partly) deployed. Lock it again to resume.',
  RESCINDED: 'The release was rescinded: it is read-only and gets no new rollouts.',
};

export default function ReleasePage() {
  const id = useParams().id ?? '';
  const { data, loading, error, refetch } = useQuery(ReleaseDocument, { variables: { id } });
  const { lock, locking, refusal } = useLockRelease(id, data?.release?.updatedAt);
  const transition = useReleaseTransition(id);
  const canManage = useCan('RELEASE_MANAGER', { everyTenant: true });
  const canRollOut = useCan('RELEASE_MANAGER');
  const [dialog, setDialog] = useState<ReleaseTransition | null>(null);
  const [cloning, setCloning] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [editorDirty, setDirty] = useState(false);
  const release = data?.release;

  if (!release) {
    return (
      <Stack spacing={2}>
        <title>Release · Shiplog</title>
        <Typography variant="h4" component="h1">
          Release
        </Typography>
        {loading && <LinearProgress aria-label="Loading release" />}
        {error && <LoadErrorAlert what="the release" error={describeError(error)} onRetry={() => void refetch()} />}
        {data && !release && <Alert severity="warning">There is no such release.</Alert>}
      </Stack>
    );
  }

  const isDraft = release.status === 'DRAFT';
  const editing = isDraft && canManage;
  const canLock = canManage && (isDraft || release.status === 'ON_HOLD');
  const readOnlyNote = READ_ONLY_NOTE[release.status];
  const dirty = editing && editorDirty;

  return (
    <Stack spacing={3}>
      <title>{`${release.track.name} ${release.version} · Shiplog`}</title>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to="/tracks">
          Release tracks
        </Link>
        <Link component={RouterLink} to={`/tracks/${encodeURIComponent(release.track.slug)}`}>
          {release.track.name}
        </Link>
        <Typography color="text.primary">{release.version}</Typography>
      </Breadcrumbs>

      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'center' } }}>
        <Box sx={{ flexGrow: 1 }}>
          <Typography variant="h4" component="h1">
            {release.track.name} {release.version}
          </Typography>
          <Stack direction="row" spacing={1} sx={{ mt: 1 }} role="group" aria-label="Release status">
            <ReleaseStatusChip status={release.status} size="medium" />
            <ArtifactSelectionChip selection={release.artifactSelection} />
          </Stack>
        </Box>
        <Stack
          direction="row"
          spacing={1}
          useFlexGap
          role="group"
          aria-label="Release actions"
          sx={{ flexWrap: 'wrap', alignItems: 'center' }}
        >
          <Button component={RouterLink} to={`/releases/compare?head=${encodeURIComponent(release.id)}`}>
            Compare with…
          </Button>
          {canManage && (
            <Button variant="outlined" onClick={() => setCloning(true)}>
              Clone
            </Button>
          )}
          {canManage && isDraft && !release.firstLockedAt && (
            <Button variant="outlined" color="error" onClick={() => setDeleting(true)}>
              Delete draft…
            </Button>
          )}
          {canManage && release.status === 'LOCKED' && (
            <Button variant="outlined" onClick={() => setDialog('unlock')}>
              Unlock…
            </Button>
          )}
          {canManage && (release.status === 'LOCKED' || release.status === 'ON_HOLD') && (
            <Button variant="outlined" color="error" onClick={() => setDialog('rescind')}>
              Rescind…
            </Button>
          )}
          {canRollOut && release.status === 'LOCKED' && (
            <Button variant="contained" component={RouterLink} to={`/releases/${release.id}/rollout`}>
              Roll out…
            </Button>
          )}
          {canLock && (
            <Button
              variant="contained"
              onClick={() => void lock()}
              disabled={locking || dirty}
              title={dirty ? 'Save or discard your changes first' : undefined}
            >
              {locking ? 'Locking…' : 'Lock requirements'}
            </Button>
          )}
        </Stack>
      </Stack>

      {refusal && (
        <Alert severity="error" role="alert">
          <AlertTitle>Locking was refused</AlertTitle>
          {refusal.blockers.length > 0 ? (
            <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
              {refusal.blockers.map((blocker) => (
                <li key={blocker}>{blocker}</li>
              ))}
            </Box>
          ) : (
            refusal.message
          )}
        </Alert>
      )}

      {isDraft && release.lockBlockers.length > 0 && !refusal && (
        <Alert severity="warning" component="section" role="region" aria-label="Lock blockers">
          <AlertTitle>What still blocks locking{dirty ? ' (as saved)' : ''}</AlertTitle>
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {release.lockBlockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </Box>
        </Alert>
      )}
      {isDraft && release.lockBlockers.length === 0 && !refusal && (
        <Alert severity="success">
          Nothing blocks locking{dirty ? ' the saved requirements' : ''}: the requirements are complete.
        </Alert>
      )}
      {dirty && <Alert severity="info">You have unsaved changes: save them before locking.</Alert>}
      {readOnlyNote && (
        <Alert severity={release.status === 'LOCKED' ? 'info' : 'warning'} aria-label="Read-only">
          {readOnlyNote}
        </Alert>
      )}

      <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 3, rowGap: 1, m: 0 }}>
        <Typography component="dt" color="text.secondary">
          Created
        </Typography>
        <Typography component="dd" sx={{ m: 0 }}>
          <Time value={release.createdAt} /> by {release.createdBy}
        </Typography>
        <Typography component="dt" color="text.secondary">
          Locked
        </Typography>
        <Typography component="dd" sx={{ m: 0 }} aria-label="Locked">
          {release.lockedAt ? (
            <>
              <Time value={release.lockedAt} /> by {release.lockedBy ?? 'unknown'}
            </>
          ) : (
            'Not locked'
          )}
        </Typography>
        {release.statusReason && (
          <>
            <Typography component="dt" color="text.secondary">
              Reason
            </Typography>
            <Typography component="dd" sx={{ m: 0 }} aria-label="Reason">
              {release.statusReason}
            </Typography>
          </>
        )}
      </Box>

      {editing ? (
        <ReleaseEditor key={release.id} release={release} onDirtyChange={setDirty} />
      ) : (
        <>
          <Stack spacing={1} component="section" aria-labelledby="components-heading">
            <Typography id="components-heading" variant="h5" component="h2">
              Components
            </Typography>
            <ReleaseComponents release={release} />
          </Stack>

          <Stack spacing={1} component="section" aria-labelledby="instructions-heading">
            <Typography id="instructions-heading" variant="h5" component="h2">
              Instructions
            </Typography>
            <Paper variant="outlined" sx={{ p: 2 }}>
              <Markdown source={release.instructions} empty="No instructions." />
            </Paper>
          </Stack>
        </>
      )}

      <ReleaseTransitionDialog
        transition={dialog}
        version={release.version}
        onClose={() => setDialog(null)}
        onConfirm={transition.run}
      />
      <CreateReleaseDialog
        open={cloning}
        onClose={() => setCloning(false)}
        trackSlug={release.track.slug}
        cloneFrom={{ id: release.id, version: release.version }}
      />
      <DeleteReleaseDialog open={deleting} onClose={() => setDeleting(false)} release={release} />
    </Stack>
  );
}
