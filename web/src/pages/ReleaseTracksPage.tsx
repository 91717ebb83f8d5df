import { useQuery } from '@apollo/client/react';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import { ReleaseTracksDocument } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';

export default function ReleaseTracksPage() {
  const { data, loading, error, refetch } = useQuery(ReleaseTracksDocument, { notifyOnNetworkStatusChange: true });
  const tracks = data?.releaseTracks;

  return (
    <Stack spacing={2}>
      <title>Release tracks · Shiplog</title>
      <Typography variant="h4" component="h1">
        Release tracks
      </Typography>

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
              <ListItem key={track.id} divider={index < tracks.length - 1} sx={{ display: 'block', py: 1.5 }}>
                <Link component={RouterLink} to={`/tracks/${encodeURIComponent(track.slug)}`} variant="h6">
                  {track.name}
                </Link>
                <Typography variant="body2" color="text.secondary">
                  {track.slug}
                  {track.description ? ` · ${track.description}` : ''}
                </Typography>
              </ListItem>
            ))}
          </List>
        </Paper>
      )}
    </Stack>
  );
}
