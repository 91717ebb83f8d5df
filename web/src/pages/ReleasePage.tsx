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
import { Link as RouterLink, useParams } from 'react-router';
import { ReleaseDocument } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { ReleaseComponents } from '../modules/release/components/ReleaseComponents';
import { ArtifactSelectionChip, ReleaseStatusChip } from '../modules/release/components/ReleaseStatusChip';
import { useLockRelease } from '../modules/release/hooks/useLockRelease';
import { formatDateTime } from '../modules/ui/format';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';

export default function ReleasePage() {
  const id = useParams().id ?? '';
  const { data, loading, error, refetch } = useQuery(ReleaseDocument, { variables: { id } });
  const { lock, locking, refusal } = useLockRelease(id);
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

      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'center' } }}>
        <Box sx={{ flexGrow: 1 }}>
          <Typography variant="h4" component="h1">
            {release.track.name} {release.version}
          </Typography>
          <Stack direction="row" spacing={1} sx={{ mt: 1 }} role="group" aria-label="Release status">
            <ReleaseStatusChip status={release.status} size="medium" />
            <ArtifactSelectionChip selection={release.artifactSelection} />
          </Stack>
        </Box>
        {isDraft && (
          <Button variant="contained" onClick={() => void lock()} disabled={locking}>
            {locking ? 'Locking…' : 'Lock requirements'}
          </Button>
        )}
        {release.status === 'LOCKED' && (
          <Button variant="contained" component={RouterLink} to={`/releases/${release.id}/rollout`}>
            Roll out…
          </Button>
        )}
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
          <AlertTitle>What still blocks locking</AlertTitle>
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {release.lockBlockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </Box>
        </Alert>
      )}
      {isDraft && release.lockBlockers.length === 0 && !refusal && (
        <Alert severity="success">Nothing blocks locking: the requirements are complete.</Alert>
      )}

      <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 3, rowGap: 1, m: 0 }}>
        <Typography component="dt" color="text.secondary">
          Created
        </Typography>
        <Typography component="dd" sx={{ m: 0 }}>
          {formatDateTime(release.createdAt)} by {release.createdBy}
        </Typography>
        <Typography component="dt" color="text.secondary">
          Locked
        </Typography>
        <Typography component="dd" sx={{ m: 0 }} aria-label="Locked">
          {release.lockedAt ? `${formatDateTime(release.lockedAt)} by ${release.lockedBy ?? 'unknown'}` : 'Not locked'}
        </Typography>
        {release.statusReason && (
          <>
            <Typography component="dt" color="text.secondary">
              Reason
            </Typography>
            <Typography component="dd" sx={{ m: 0 }}>
              {release.statusReason}
            </Typography>
          </>
        )}
      </Box>

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
          {release.instructions ? (
            <Typography component="div" sx={{ whiteSpace: 'pre-wrap' }}>
              {release.instructions}
            </Typography>
          ) : (
            <Typography color="text.secondary">No instructions.</Typography>
          )}
        </Paper>
      </Stack>
    </Stack>
  );
}
