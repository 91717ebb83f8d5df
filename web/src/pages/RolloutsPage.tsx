import { useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import { RolloutsDocument, type RolloutStatus } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { RolloutProgressBar } from '../modules/rollout/components/RolloutProgressBar';
import { RolloutStatusChip } from '../modules/rollout/components/RolloutStatusChip';
import { Time } from '../modules/ui/Time';
import { FilterChips, useFilterChoice } from '../modules/ui/FilterChips';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { useIsScoped } from '../modules/auth/hooks/useCan';

const PAGE_SIZE = 25;

const FILTERS: { key: string; label: string; statuses: RolloutStatus[] | null }[] = [
  { key: 'all', label: 'All', statuses: null },
  { key: 'active', label: 'In progress', statuses: ['PENDING', 'RUNNING', 'WAITING_FOR_PROMOTION', 'PAUSED'] },
  { key: 'succeeded', label: 'Succeeded', statuses: ['SUCCEEDED'] },
  { key: 'failed', label: 'Failed or aborted', statuses: ['FAILED', 'ABORTED'] },
];

export default function RolloutsPage() {
  const filter = useFilterChoice('status', FILTERS);
  const scoped = useIsScoped();
  const { data, loading, error, refetch, fetchMore } = useQuery(RolloutsDocument, {
    variables: { first: PAGE_SIZE, filter: filter.statuses ? { statuses: filter.statuses } : null },
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.rollouts;

  return (
    <Stack spacing={2}>
      <title>Rollouts · Shiplog</title>
      <Typography variant="h4" component="h1">
        Rollouts
      </Typography>
      <FilterChips label="Show rollouts" param="status" choices={FILTERS} />
      {loading && <LinearProgress aria-label="Loading rollouts" />}
      {error && <LoadErrorAlert what="the rollouts" error={describeError(error)} onRetry={() => void refetch()} />}
      {connection && connection.nodes.length === 0 && (
        <Alert severity="info">{filter.statuses ? 'No rollouts match.' : 'No rollouts yet.'}</Alert>
      )}
      {connection && connection.nodes.length > 0 && (
        <TableContainer component={Paper} variant="outlined">
          <Table aria-label="Rollouts" size="small">
            <TableHead>
              <TableRow>
                <TableCell>Release</TableCell>
                <TableCell>Status</TableCell>
                <TableCell sx={{ width: '40%' }}>Progress</TableCell>
                <TableCell>Started</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {connection.nodes.map((rollout) => (
                <TableRow key={rollout.id} hover>
                  <TableCell>
                    <Link component={RouterLink} to={`/rollouts/${rollout.id}`} sx={{ fontWeight: 600 }}>
                      {rollout.release.track.name} {rollout.release.version}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <RolloutStatusChip status={rollout.status} />
                  </TableCell>
                  <TableCell>
                    <RolloutProgressBar progress={rollout.progress} label="Progress" yours={scoped} />
                  </TableCell>
                  <TableCell>
                    <Time value={rollout.createdAt} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {connection?.pageInfo.hasNextPage && (
        <Button
          onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}
          disabled={loading}
          sx={{ alignSelf: 'center' }}
        >
          Show more
        </Button>
      )}
    </Stack>
  );
}
