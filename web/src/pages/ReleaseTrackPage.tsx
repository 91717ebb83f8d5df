import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useCallback, useState } from 'react';
import { Link as RouterLink, useParams, useSearchParams } from 'react-router';
import type { ReleaseStatus } from '../generated/graphql';
import { useCan } from '../modules/auth/hooks/useCan';
import { CreateReleaseDialog } from '../modules/release/components/CreateReleaseDialog';
import { RELEASE_STATUSES, releaseStatusLabel } from '../modules/release/components/ReleaseStatusChip';
import { ReleaseTable } from '../modules/release/components/ReleaseTable';
import { useTrackReleases } from '../modules/release/hooks/useTrackReleases';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { plural } from '../modules/ui/format';

const STATUS_PARAM = 'status';

function parseStatus(value: string | null): ReleaseStatus | null {
  return RELEASE_STATUSES.find((status) => status === value) ?? null;
}

export default function ReleaseTrackPage() {
  const slug = useParams().slug ?? '';
  const [params, setParams] = useSearchParams();
  const status = parseStatus(params.get(STATUS_PARAM));
  const releases = useTrackReleases(slug, status);
  const canManage = useCan('RELEASE_MANAGER', { everyTenant: true });
  const [creating, setCreating] = useState(false);

  const setStatus = useCallback(
    (next: ReleaseStatus | null) =>
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          if (next) updated.set(STATUS_PARAM, next);
          else updated.delete(STATUS_PARAM);
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );

  const { track, totalCount } = releases;
  const showing = releases.releases.length;
  const title = track?.name ?? slug;

  return (
    <Stack spacing={2}>
      <title>{`${title} · Releases · Shiplog`}</title>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to="/tracks">
          Release tracks
        </Link>
        <Typography color="text.primary">{title}</Typography>
      </Breadcrumbs>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'center' } }}>
        <Box sx={{ flexGrow: 1 }}>
          <Typography variant="h4" component="h1">
            {title}
          </Typography>
          {track?.description && <Typography color="text.secondary">{track.description}</Typography>}
        </Box>
        <TextField
          select
          size="small"
          label="Status"
          value={status ?? ''}
          onChange={(event) => setStatus(parseStatus(event.target.value))}
          sx={{ minWidth: 180 }}
        >
          <MenuItem value="">Any status</MenuItem>
          {RELEASE_STATUSES.map((value) => (
            <MenuItem key={value} value={value}>
              {releaseStatusLabel(value)}
            </MenuItem>
          ))}
        </TextField>
        {track && (totalCount ?? 0) > 1 && (
          <Button component={RouterLink} to={`/releases/compare?track=${encodeURIComponent(slug)}`}>
            Compare releases
          </Button>
        )}
        {canManage && track && (
          <Button variant="contained" onClick={() => setCreating(true)}>
            New release
          </Button>
        )}
      </Stack>
      <CreateReleaseDialog open={creating} onClose={() => setCreating(false)} trackSlug={slug} />

      <Typography color="text.secondary" role="status" aria-live="polite">
        {totalCount === undefined
          ? releases.loading
            ? 'Loading releases…'
            : ''
          : `${plural(totalCount, 'release')}${status ? ` ${releaseStatusLabel(status).toLowerCase()}` : ''}`}
      </Typography>

      <Box sx={{ minHeight: 4 }}>{releases.loading && <LinearProgress aria-label="Loading releases" />}</Box>

      {releases.error && <LoadErrorAlert what="releases" error={releases.error} onRetry={releases.retry} />}

      {releases.notFound && <Alert severity="warning">There is no release track “{slug}”.</Alert>}

      {totalCount === 0 && !releases.error && (
        <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }}>
          <Typography variant="h6" component="p" gutterBottom>
            {status ? `No ${releaseStatusLabel(status).toLowerCase()} releases` : 'No releases yet'}
          </Typography>
          {status ? (
            <Button onClick={() => setStatus(null)}>Show every status</Button>
          ) : (
            <Typography color="text.secondary">
              {canManage
                ? 'Create the first one with “New release”.'
                : 'Releases of this track appear here once they are created.'}
            </Typography>
          )}
        </Paper>
      )}

      {showing > 0 && <ReleaseTable releases={releases.releases} busy={releases.stale} />}

      {releases.loadMoreError && <Alert severity="error">Could not load more releases: {releases.loadMoreError}</Alert>}

      {showing > 0 && totalCount !== undefined && (
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
          <Typography variant="body2" color="text.secondary">
            Showing {showing} of {totalCount}
          </Typography>
          {releases.hasNextPage && (
            <Button variant="outlined" onClick={() => void releases.loadMore()} disabled={releases.loadingMore}>
              {releases.loadingMore ? 'Loading…' : 'Load more'}
            </Button>
          )}
        </Stack>
      )}
    </Stack>
  );
}
