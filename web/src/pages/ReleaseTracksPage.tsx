import { useQuery } from '@apollo/client/react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import { ManagedApplicationsDocument, ReleaseTracksDocument } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { ArchiveControl } from '../modules/archive/components/ArchiveControl';
import { ArchivedChip, ShowArchivedSwitch, useShowArchived } from '../modules/archive/components/ShowArchivedSwitch';
import { useCan } from '../modules/auth/hooks/useCan';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { usePagedList } from '../modules/ui/usePagedList';

const APPLICATIONS_PAGE_SIZE = 50;

function Applications({ showArchived, canArchive }: { showArchived: boolean; canArchive: boolean }) {
  const applications = usePagedList(
    ManagedApplicationsDocument,
    { first: APPLICATIONS_PAGE_SIZE, includeArchived: showArchived || null },
    (data) => data.applications,
  );
  const { nodes, totalCount } = applications;

  return (
    <Stack spacing={2} component="section" aria-labelledby="applications-heading">
      <Typography variant="h5" component="h2" id="applications-heading">
        Applications{totalCount !== undefined ? ` (${totalCount})` : ''}
      </Typography>
      <Box sx={{ minHeight: 4 }}>{applications.loading && <LinearProgress aria-label="Loading applications" />}</Box>
      {applications.error && <LoadErrorAlert what="applications" error={applications.error} onRetry={applications.retry} />}
      {totalCount === 0 && (
        <Typography color="text.secondary">Applications appear here once a release manager creates one.</Typography>
      )}
      {nodes.length > 0 && (
        <Paper variant="outlined">
          <List aria-label="Applications" disablePadding>
            {nodes.map((application, index) => (
              <ListItem
                key={application.id}
                divider={index < nodes.length - 1}
                secondaryAction={
                  canArchive ? (
                    <ArchiveControl
                      subject={{ kind: 'application', slug: application.slug }}
                      archived={!!application.archivedAt}
                    />
                  ) : undefined
                }
                sx={{ display: 'block', py: 1.5, pr: canArchive ? 14 : 2 }}
              >
                <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                  <Typography variant="subtitle1" component="span" sx={{ fontWeight: 600 }}>
                    {application.name}
                  </Typography>
                  {application.archivedAt && <ArchivedChip />}
                </Stack>
                <Typography variant="body2" color="text.secondary">
                  {application.slug}
                  {application.description ? ` · ${application.description}` : ''}
                </Typography>
              </ListItem>
            ))}
          </List>
        </Paper>
      )}
      {applications.loadMoreError && (
        <LoadErrorAlert
          what="more applications"
          error={applications.loadMoreError}
          onRetry={() => void applications.loadMore()}
        />
      )}
      {applications.hasNextPage && (
        <Button
          variant="outlined"
          onClick={() => void applications.loadMore()}
          disabled={applications.loadingMore}
          sx={{ alignSelf: 'center' }}
        >
          {applications.loadingMore ? 'Loading…' : 'More applications'}
        </Button>
      )}
    </Stack>
  );
}

export default function ReleaseTracksPage() {
  const [showArchived, setShowArchived] = useShowArchived();
  const canArchive = useCan('RELEASE_MANAGER', { everyTenant: true });
  const { data, loading, error, refetch } = useQuery(ReleaseTracksDocument, {
    variables: { includeArchived: showArchived || null },
    notifyOnNetworkStatusChange: true,
  });
  const tracks = data?.releaseTracks;

  return (
    <Stack spacing={2}>
      <title>Release tracks · Shiplog</title>
      <Typography variant="h4" component="h1">
        Release tracks
      </Typography>
      <ShowArchivedSwitch value={showArchived} onChange={setShowArchived} />

      <Box sx={{ minHeight: 4 }}>{loading && <LinearProgress aria-label="Loading release tracks" />}</Box>

      {error && <LoadErrorAlert what="release tracks" error={describeError(error)} onRetry={() => void refetch()} />}

      {tracks?.length === 0 && (
        <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }}>
          <Typography variant="h6" component="p" gutterBottom>
            No release tracks yet
          </Typography>
          <Typography color="text.secondary">Tracks appear here once a release manager creates one.</Typography>
        </Paper>
      )}

      {tracks && tracks.length > 0 && (
        <Paper variant="outlined">
          <List aria-label="Release tracks" disablePadding>
            {tracks.map((track, index) => (
              <ListItem
                key={track.id}
                divider={index < tracks.length - 1}
                secondaryAction={
                  canArchive ? (
                    <ArchiveControl subject={{ kind: 'track', slug: track.slug }} archived={!!track.archivedAt} />
                  ) : undefined
                }
                sx={{ display: 'block', py: 1.5, pr: canArchive ? 14 : 2 }}
              >
                <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                  <Link component={RouterLink} to={`/tracks/${encodeURIComponent(track.slug)}`} variant="h6">
                    {track.name}
                  </Link>
                  {track.archivedAt && <ArchivedChip />}
                </Stack>
                <Typography variant="body2" color="text.secondary">
                  {track.slug}
                  {track.description ? ` · ${track.description}` : ''}
                </Typography>
              </ListItem>
            ))}
          </List>
        </Paper>
      )}

      <Applications showArchived={showArchived} canArchive={canArchive} />
    </Stack>
  );
}
