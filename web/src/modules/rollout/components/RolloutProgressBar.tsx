import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { RolloutProgress_ProgressFragment } from '../../../generated/graphql';

const COUNTS: { key: keyof Omit<RolloutProgress_ProgressFragment, '__typename'>; label: string }[] = [
  { key: 'succeeded', label: 'succeeded' },
  { key: 'failed', label: 'failed' },
  { key: 'running', label: 'running' },
  { key: 'awaitingApproval', label: 'awaiting approval' },
  { key: 'pending', label: 'pending' },
];

/** How far a rollout is: a bar of finished installations and the counts by status. */
export function RolloutProgressBar({ progress, label }: { progress: RolloutProgress_ProgressFragment; label: string }) {
  return (
    <Stack spacing={0.5} sx={{ minWidth: 200 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Box sx={{ flexGrow: 1 }}>
          <LinearProgress
            variant="determinate"
            value={progress.percentComplete}
            aria-label={label}
            color={progress.failed > 0 ? 'error' : 'primary'}
          />
        </Box>
        <Typography variant="body2" color="text.secondary">
          {progress.finished}/{progress.total}
        </Typography>
      </Stack>
      <Typography variant="caption" color="text.secondary" aria-label={`${label} counts`}>
        {COUNTS.filter(({ key }) => progress[key] > 0)
          .map(({ key, label: name }) => `${progress[key]} ${name}`)
          .join(' · ') || 'No installations'}
      </Typography>
    </Stack>
  );
}
