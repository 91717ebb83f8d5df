import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import type { ReleaseChoice } from '../hooks/useReleaseChoice';

const LATEST = 'latest';

/** Chooses the track, and where `pinnable`, one of its locked releases (the newest by default). */
export function ReleasePicker({ choice, pinnable = true }: { choice: ReleaseChoice; pinnable?: boolean }) {
  const { tracks, trackSlug, lockedReleases, latest, release } = choice;
  // A release pinned by a shared link that is no longer (or never was) locked still shows what it is.
  const pinnedElsewhere = choice.pinned && release && !lockedReleases.some((r) => r.id === release.id) ? release : null;
  if (tracks.length === 0) return null;
  return (
    <Stack direction="row" spacing={1.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
      <TextField
        select
        size="small"
        label="Release track"
        value={tracks.some((t) => t.slug === trackSlug) ? trackSlug : ''}
        onChange={(event) => choice.setTrack(event.target.value)}
        sx={{ minWidth: 200 }}
      >
        {tracks.map((track) => (
          <MenuItem key={track.id} value={track.slug}>
            {track.name}
          </MenuItem>
        ))}
      </TextField>
      {pinnable && lockedReleases.length > 0 && (
        <TextField
          select
          size="small"
          label="Compare with release"
          value={
            choice.pinned && (pinnedElsewhere || lockedReleases.some((r) => r.id === choice.releaseId))
              ? choice.releaseId
              : LATEST
          }
          onChange={(event) => choice.setRelease(event.target.value === LATEST ? '' : event.target.value)}
          sx={{ minWidth: 220 }}
        >
          <MenuItem value={LATEST}>Latest locked ({latest?.version})</MenuItem>
          {pinnedElsewhere && (
            <MenuItem value={pinnedElsewhere.id}>
              {pinnedElsewhere.version} ({pinnedElsewhere.status.toLowerCase().replace('_', ' ')})
            </MenuItem>
          )}
          {lockedReleases.map((release) => (
            <MenuItem key={release.id} value={release.id}>
              {release.version}
            </MenuItem>
          ))}
        </TextField>
      )}
    </Stack>
  );
}
