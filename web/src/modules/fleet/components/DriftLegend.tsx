import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { DRIFT_LOOK, type Drift } from '../compare';

export function DriftSwatch({ drift }: { drift: Drift }) {
  const look = DRIFT_LOOK[drift];
  return (
    <Box
      component="span"
      aria-hidden
      sx={{
        display: 'inline-block',
        width: 14,
        height: 14,
        borderRadius: 0.5,
        bgcolor: look.background,
        border: `1px solid ${look.border}`,
        flexShrink: 0,
      }}
    />
  );
}

/** What each cell colour means. */
export function DriftLegend({
  states,
  title = 'Legend',
  words,
}: {
  states: readonly Drift[];
  title?: string;
  /** Overrides the legend's words, e.g. "behind" for "older" where the page says so. */
  words?: Partial<Record<Drift, string>>;
}) {
  return (
    <Stack
      component="ul"
      aria-label={title}
      direction="row"
      useFlexGap
      spacing={2}
      sx={{ flexWrap: 'wrap', listStyle: 'none', m: 0, p: 0, alignItems: 'center' }}
    >
      {states.map((drift) => (
        <Stack key={drift} component="li" direction="row" spacing={0.75} sx={{ alignItems: 'center' }}>
          <DriftSwatch drift={drift} />
          <Typography variant="body2">{words?.[drift] ?? DRIFT_LOOK[drift].label}</Typography>
        </Stack>
      ))}
    </Stack>
  );
}
