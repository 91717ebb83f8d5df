import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

/** key=value labels as chips, on one line unless `wrap`. */
export function LabelChips({ labels, wrap = false }: { labels: readonly { key: string; value: string }[]; wrap?: boolean }) {
  if (labels.length === 0)
    return (
      <Typography component="span" color="text.secondary" aria-label="No labels">
        —
      </Typography>
    );
  const text = labels.map((label) => `${label.key}=${label.value}`);
  return (
    <Stack
      direction="row"
      spacing={0.5}
      useFlexGap
      title={wrap ? undefined : text.join(', ')}
      sx={{ flexWrap: wrap ? 'wrap' : 'nowrap', overflow: 'hidden', minWidth: 0 }}
    >
      {text.map((label) => (
        <Chip key={label} label={label} size="small" variant="outlined" />
      ))}
    </Stack>
  );
}
