import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { RolloutProgress_ProgressFragment } from '../../../generated/graphql';

type Count = keyof Omit<RolloutProgress_ProgressFragment, '__typename' | 'total' | 'finished' | 'percentComplete'>;

/** Each status's share of the bar, in this order; what is left of the bar is pending. */
const SEGMENTS: { key: Count; label: string; color: string }[] = [
  { key: 'succeeded', label: 'Succeeded', color: 'success.main' },
  { key: 'skipped', label: 'Skipped', color: 'success.light' },
  { key: 'failed', label: 'Failed', color: 'error.main' },
  { key: 'rolledBack', label: 'Rolled back', color: 'warning.dark' },
  { key: 'rejected', label: 'Rejected', color: 'warning.main' },
  { key: 'cancelled', label: 'Cancelled', color: 'grey.500' },
  { key: 'excluded', label: 'Excluded', color: 'grey.400' },
  { key: 'running', label: 'Running', color: 'info.main' },
  { key: 'awaitingApproval', label: 'Awaiting approval', color: 'secondary.main' },
];

const COUNTS: { key: Count; label: string }[] = [
  { key: 'succeeded', label: 'succeeded' },
  { key: 'failed', label: 'failed' },
  { key: 'excluded', label: 'excluded' },
  { key: 'running', label: 'running' },
  { key: 'awaitingApproval', label: 'awaiting approval' },
  { key: 'pending', label: 'pending' },
];

/**
 * How far a rollout is: a bar split by status in proportion (10 of 11 succeeded is mostly green, one red sliver)
 * and the counts. `yours`: the viewer sees only their tenants' installations, so the counts say so.
 */
export function RolloutProgressBar({
  progress,
  label,
  yours = false,
}: {
  progress: RolloutProgress_ProgressFragment;
  label: string;
  yours?: boolean;
}) {
  const of = yours ? ' of your installations' : '';
  const shown = SEGMENTS.filter(({ key }) => progress[key] > 0);
  const counts =
    COUNTS.filter(({ key }) => progress[key] > 0)
      .map(({ key, label: name }) => `${progress[key]} ${name}`)
      .join(' · ') || 'No installations';
  return (
    <Stack spacing={0.5} sx={{ minWidth: 200 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Box
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={progress.percentComplete}
          aria-valuetext={`${progress.finished} of ${progress.total}${of} finished: ${counts}`}
          sx={{ flexGrow: 1, display: 'flex', height: 8, borderRadius: 1, overflow: 'hidden', bgcolor: 'grey.200' }}
        >
          {progress.total > 0 &&
            shown.map(({ key, label: name, color }) => (
              <Box
                key={key}
                title={`${name}: ${progress[key]} of ${progress.total}${of}`}
                sx={{ width: `${(progress[key] / progress.total) * 100}%`, bgcolor: color }}
              />
            ))}
        </Box>
        <Typography variant="body2" color="text.secondary">
          {progress.finished}/{progress.total}
          {of}
        </Typography>
      </Stack>
      <Typography variant="caption" color="text.secondary" aria-label={`${label} counts`}>
        {counts}
      </Typography>
    </Stack>
  );
}
