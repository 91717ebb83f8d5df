import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import { useTheme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';
import type { DeploymentStatsQuery } from '../../../generated/graphql';
import { plural } from '../../ui/format';

type DayStat = DeploymentStatsQuery['deploymentStats'][number];

const WIDTH = 640;
const HEIGHT = 160;
const GAP = 2;

const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

function formatDay(day: string): string {
  return dayLabel.format(new Date(`${day}T00:00:00Z`));
}

function Swatch({ color, label }: { color: string; label: string }) {
  return (
    <Stack direction="row" spacing={0.75} sx={{ alignItems: 'center' }}>
      <Box sx={{ width: 12, height: 12, borderRadius: 0.5, bgcolor: color }} />
      <Typography variant="caption">{label}</Typography>
    </Stack>
  );
}

/** Succeeded and failed deployments per day, as stacked bars; the totals are in the label for screen readers. */
export function DeploymentsChart({ stats }: { stats: readonly DayStat[] }) {
  const theme = useTheme();
  const succeededColor = theme.palette.success.main;
  const failedColor = theme.palette.error.main;
  const succeeded = stats.reduce((sum, stat) => sum + stat.succeeded, 0);
  const failed = stats.reduce((sum, stat) => sum + stat.failed, 0);
  const max = Math.max(1, ...stats.map((stat) => stat.succeeded + stat.failed));
  const slot = WIDTH / Math.max(1, stats.length);
  const plotHeight = HEIGHT;
  const scale = (count: number) => (count / max) * (plotHeight - 4);
  const summary =
    stats.length > 0
      ? `Deployments per day from ${formatDay(stats[0].day)} to ${formatDay(stats[stats.length - 1].day)}: ${succeeded} succeeded, ${failed} failed`
      : 'No deployment statistics';

  return (
    <Stack spacing={1}>
      <Box
        component="svg"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={summary}
        preserveAspectRatio="none"
        sx={{ width: '100%', height: HEIGHT, display: 'block' }}
      >
        <line x1={0} x2={WIDTH} y1={plotHeight - 0.5} y2={plotHeight - 0.5} stroke={theme.palette.divider} />
        {stats.map((stat, index) => {
          const x = index * slot + GAP / 2;
          const width = Math.max(1, slot - GAP);
          const okHeight = scale(stat.succeeded);
          const failHeight = scale(stat.failed);
          return (
            <g key={stat.day}>
              <title>{`${formatDay(stat.day)}: ${stat.succeeded} succeeded, ${stat.failed} failed`}</title>
              {/* A transparent full-height bar, so the tooltip shows on quiet days too. */}
              <rect x={x} y={0} width={width} height={plotHeight} fill="transparent" />
              {okHeight > 0 && (
                <rect x={x} y={plotHeight - okHeight} width={width} height={okHeight} fill={succeededColor} rx={1} />
              )}
              {failHeight > 0 && (
                <rect x={x} y={plotHeight - okHeight - failHeight} width={width} height={failHeight} fill={failedColor} rx={1} />
              )}
            </g>
          );
        })}
      </Box>
      {/* Dates in HTML, as the bars stretch with the width and SVG text would stretch with them. */}
      <Stack direction="row" aria-hidden sx={{ justifyContent: 'space-between' }}>
        {stats
          .filter((_, index) => index % 7 === 0 || index === stats.length - 1)
          .map((stat) => (
            <Typography key={stat.day} variant="caption" color="text.secondary">
              {formatDay(stat.day)}
            </Typography>
          ))}
      </Stack>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Swatch color={succeededColor} label={`Succeeded (${succeeded})`} />
        <Swatch color={failedColor} label={`Failed (${failed})`} />
        <Typography variant="caption" color="text.secondary">
          Busiest day: {max === 1 && succeeded + failed === 0 ? 'none' : plural(max, 'deployment')}
        </Typography>
      </Stack>
    </Stack>
  );
}
