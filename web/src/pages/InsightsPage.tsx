import { useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';
import { InsightsDocument, type InsightsPeriod, type InsightsQuery } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { formatDuration } from '../modules/insights/components/format';
import { SuccessRateTable } from '../modules/insights/components/SuccessRateTable';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { useSearchParam } from '../modules/ui/useSearchParam';

/** The periods offered, by the value kept in the URL (`?period=7`). */
const PERIODS: { value: string; label: string; period: InsightsPeriod }[] = [
  { value: '7', label: 'Last 7 days', period: 'LAST_7_DAYS' },
  { value: '30', label: 'Last 30 days', period: 'LAST_30_DAYS' },
  { value: '90', label: 'Last 90 days', period: 'LAST_90_DAYS' },
];
const DEFAULT_PERIOD = PERIODS[1];
/** Rows per table; the server orders the worst first, so the rows that need attention are always shown. */
const ROWS = 100;

type Arrival = InsightsQuery['insights']['arrivals'][number];

function ArrivalTable({ arrivals }: { arrivals: Arrival[] }) {
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table aria-label="Lock to arrival" size="small">
        <TableHead>
          <TableRow>
            <TableCell>Release</TableCell>
            <TableCell>Tier</TableCell>
            <TableCell align="right">Installations reached</TableCell>
            <TableCell align="right">Median</TableCell>
            <TableCell align="right">Longest</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {arrivals.map((arrival) => (
            <TableRow key={`${arrival.release.id}/${arrival.tier.id}`}>
              <TableCell component="th" scope="row">
                <Link component={RouterLink} to={`/releases/${arrival.release.id}`}>
                  {arrival.release.track.name} {arrival.release.version}
                </Link>
              </TableCell>
              <TableCell>{arrival.tier.name}</TableCell>
              <TableCell align="right">{arrival.installationsReached}</TableCell>
              <TableCell align="right">{formatDuration(arrival.medianSeconds)}</TableCell>
              <TableCell align="right">{formatDuration(arrival.maxSeconds)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Stack spacing={1} component="section" aria-label={title}>
      <Typography variant="h6" component="h2">
        {title}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {description}
      </Typography>
      {children}
    </Stack>
  );
}

function Capped({ count }: { count: number }) {
  return count >= ROWS ? (
    <Typography variant="caption" color="text.secondary">
      The first {ROWS} rows, lowest first.
    </Typography>
  ) : null;
}

export default function InsightsPage() {
  const [periodParam, setPeriodParam] = useSearchParam('period');
  const chosen = PERIODS.find((option) => option.value === periodParam) ?? DEFAULT_PERIOD;
  const { data, loading, error, refetch } = useQuery(InsightsDocument, {
    variables: { period: chosen.period, first: ROWS },
  });
  const insights = data?.insights;
  const periodText = chosen.label.toLowerCase();

  return (
    <Stack spacing={3}>
      <title>Insights · Shiplog</title>
      <Typography variant="h4" component="h1">
        Insights
      </Typography>
      <FormControl>
        <FormLabel id="insights-period">Period</FormLabel>
        <RadioGroup
          row
          aria-labelledby="insights-period"
          name="period"
          value={chosen.value}
          onChange={(event) => setPeriodParam(event.target.value === DEFAULT_PERIOD.value ? '' : event.target.value)}
        >
          {PERIODS.map((option) => (
            <FormControlLabel key={option.value} value={option.value} control={<Radio />} label={option.label} />
          ))}
        </RadioGroup>
      </FormControl>
      {loading && <LinearProgress aria-label="Loading insights" />}
      {error && <LoadErrorAlert what="the insights" error={describeError(error)} onRetry={() => void refetch()} />}
      {insights && (
        <>
          <Section
            title="Success rate by tenant"
            description="Succeeded ÷ (succeeded + failed) rollout deployments that finished in the period; every retry counts, rollbacks do not."
          >
            {insights.tenants.length === 0 ? (
              <Alert severity="info">No rollout deployment finished in the {periodText}.</Alert>
            ) : (
              <>
                <SuccessRateTable
                  label="Success rate by tenant"
                  subject="Tenant"
                  rows={insights.tenants.map((row) => ({
                    key: row.tenant.id,
                    name: row.tenant.name,
                    to: `/tenants/${row.tenant.slug}`,
                    successRate: row.successRate,
                    succeeded: row.succeeded,
                    failed: row.failed,
                  }))}
                />
                <Capped count={insights.tenants.length} />
              </>
            )}
          </Section>
          <Section title="Success rate by application" description="The same deployments, counted per application.">
            {insights.applications.length === 0 ? (
              <Alert severity="info">No rollout deployment finished in the {periodText}.</Alert>
            ) : (
              <>
                <SuccessRateTable
                  label="Success rate by application"
                  subject="Application"
                  rows={insights.applications.map((row) => ({
                    key: row.application.id,
                    name: row.application.name,
                    successRate: row.successRate,
                    succeeded: row.succeeded,
                    failed: row.failed,
                  }))}
                />
                <Capped count={insights.applications.length} />
              </>
            )}
          </Section>
          <Section
            title="Lock to arrival"
            description="From a release's first lock until an installation of the tier had all of its components, over the installations it reached in the period."
          >
            {insights.arrivals.length === 0 ? (
              <Alert severity="info">No release reached an installation in the {periodText}.</Alert>
            ) : (
              <>
                <ArrivalTable arrivals={insights.arrivals} />
                <Capped count={insights.arrivals.length} />
              </>
            )}
          </Section>
        </>
      )}
    </Stack>
  );
}
