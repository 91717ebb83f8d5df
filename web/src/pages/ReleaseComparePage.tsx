import { useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useCallback, useMemo } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { ReleaseCompareSideDocument, TrackReleaseChoicesDocument } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { compareReleases } from '../modules/release/compare';
import { ReleaseDiffTables } from '../modules/release/components/ReleaseDiffTables';
import { releaseStatusLabel } from '../modules/release/components/ReleaseStatusChip';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';

const CHOICES = 100;
type Side = 'base' | 'head';

function useSide(id: string) {
  const query = useQuery(ReleaseCompareSideDocument, { variables: { id }, skip: !id });
  return {
    release: id ? query.data?.release : undefined,
    missing: Boolean(id) && query.data !== undefined && query.data.release === null,
    loading: query.loading,
    error: query.error ? describeError(query.error) : null,
    retry: () => void query.refetch(),
  };
}

/** Two releases side by side: `/releases/compare?base=<id>&head=<id>` (optionally `track=<slug>` before choosing). */
export default function ReleaseComparePage() {
  const [params, setParams] = useSearchParams();
  const baseId = params.get('base') ?? '';
  const headId = params.get('head') ?? '';
  const base = useSide(baseId);
  const head = useSide(headId);
  const trackSlug = head.release?.track.slug ?? base.release?.track.slug ?? params.get('track') ?? '';
  const choices = useQuery(TrackReleaseChoicesDocument, {
    variables: { slug: trackSlug, first: CHOICES },
    skip: !trackSlug,
  });
  const track = choices.data?.releaseTrack;
  const releases = track?.releases.nodes ?? [];

  const choose = useCallback(
    (side: Side, id: string) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (id) next.set(side, id);
          else next.delete(side);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const diff = useMemo(
    () => (base.release && head.release ? compareReleases(base.release, head.release) : null),
    [base.release, head.release],
  );
  const trackName = track?.name ?? head.release?.track.name ?? base.release?.track.name;
  const loading = base.loading || head.loading || choices.loading;
  const title = base.release && head.release ? `Compare ${base.release.version} → ${head.release.version}` : 'Compare releases';

  const picker = (side: Side, id: string, label: string) => {
    const known = releases.some((release) => release.id === id);
    const current = side === 'base' ? base.release : head.release;
    return (
      <TextField
        select
        size="small"
        label={label}
        value={known || (current && current.id === id) ? id : ''}
        onChange={(event) => choose(side, event.target.value)}
        disabled={!trackSlug}
        sx={{ minWidth: 220 }}
        helperText={!trackSlug ? 'Open this page from a release or a track' : undefined}
      >
        <MenuItem value="">Choose a release</MenuItem>
        {current && !known && <MenuItem value={current.id}>{current.version}</MenuItem>}
        {releases.map((release) => (
          <MenuItem key={release.id} value={release.id}>
            {release.version} ({releaseStatusLabel(release.status).toLowerCase()})
          </MenuItem>
        ))}
      </TextField>
    );
  };

  return (
    <Stack spacing={3}>
      <title>{`${title} · Shiplog`}</title>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to="/tracks">
          Release tracks
        </Link>
        {trackSlug && (
          <Link component={RouterLink} to={`/tracks/${encodeURIComponent(trackSlug)}`}>
            {trackName ?? trackSlug}
          </Link>
        )}
        <Typography color="text.primary">Compare</Typography>
      </Breadcrumbs>
      <Typography variant="h4" component="h1">
        {title}
      </Typography>

      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'flex-start' } }}>
        {picker('base', baseId, 'Base release')}
        <Button
          onClick={() =>
            setParams(
              (current) => {
                const next = new URLSearchParams(current);
                if (headId) next.set('base', headId);
                else next.delete('base');
                if (baseId) next.set('head', baseId);
                else next.delete('head');
                return next;
              },
              { replace: true },
            )
          }
          disabled={!baseId && !headId}
          aria-label="Swap base and head"
          sx={{ mt: { sm: 0.5 } }}
        >
          ⇄ Swap
        </Button>
        {picker('head', headId, 'Head release')}
        {base.release && head.release && (
          <Stack direction="row" spacing={1} sx={{ alignSelf: { sm: 'center' } }}>
            <Link component={RouterLink} to={`/releases/${base.release.id}`}>
              Open {base.release.version}
            </Link>
            <Link component={RouterLink} to={`/releases/${head.release.id}`}>
              Open {head.release.version}
            </Link>
          </Stack>
        )}
      </Stack>

      {loading && <LinearProgress aria-label="Loading releases" />}
      {base.error && <LoadErrorAlert what="the base release" error={base.error} onRetry={base.retry} />}
      {head.error && <LoadErrorAlert what="the head release" error={head.error} onRetry={head.retry} />}
      {choices.error && (
        <LoadErrorAlert what="the track's releases" error={describeError(choices.error)} onRetry={() => void choices.refetch()} />
      )}
      {base.missing && <Alert severity="warning">The base release does not exist.</Alert>}
      {head.missing && <Alert severity="warning">The head release does not exist.</Alert>}
      {choices.data && !track && <Alert severity="warning">There is no release track “{trackSlug}”.</Alert>}

      {(!baseId || !headId) && !loading && (
        <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }}>
          <Typography variant="h6" component="p" gutterBottom>
            Choose two releases
          </Typography>
          <Typography color="text.secondary">
            {releases.length < 2 && track
              ? 'This track needs at least two releases to compare.'
              : 'Pick a base and a head release to see which components were added, removed or changed.'}
          </Typography>
        </Paper>
      )}

      {baseId && baseId === headId && <Alert severity="info">Base and head are the same release.</Alert>}
      {base.release && head.release && base.release.track.id !== head.release.track.id && (
        <Alert severity="info">
          The releases belong to different tracks ({base.release.track.name} and {head.release.track.name}).
        </Alert>
      )}

      {diff && base.release && head.release && (
        <Stack spacing={2}>
          <Typography role="status" sx={{ fontWeight: 500 }}>
            {diff.added.length + diff.removed.length + diff.changed.length + diff.moved.length === 0
              ? `${head.release.version} has the same components as ${base.release.version}.`
              : `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.moved.length} moved, ${diff.unchanged.length} unchanged`}
          </Typography>
          <ReleaseDiffTables diff={diff} baseVersion={base.release.version} headVersion={head.release.version} />
        </Stack>
      )}
    </Stack>
  );
}
