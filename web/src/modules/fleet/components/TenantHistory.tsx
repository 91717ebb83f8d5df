import { useQuery } from '@apollo/client/react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { TenantHistoryDocument } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { DeploymentStatusChip } from '../../deployment/components/DeploymentStatusChip';
import { Time } from '../../ui/Time';
import { LoadErrorAlert } from '../../ui/LoadErrorAlert';

const PAGE_SIZE = 20;

/** The tenant's deployments, newest first, a page at a time; each opens the deployment drawer. */
export function TenantHistory({ tenantSlug, onOpenDeployment }: { tenantSlug: string; onOpenDeployment: (id: string) => void }) {
  const { data, loading, error, refetch, fetchMore } = useQuery(TenantHistoryDocument, {
    variables: { tenantSlug, first: PAGE_SIZE },
    notifyOnNetworkStatusChange: true,
  });
  const [moreError, setMoreError] = useState<string | null>(null);
  const connection = data?.deployments;

  const loadMore = async () => {
    setMoreError(null);
    try {
      await fetchMore({ variables: { after: connection?.pageInfo.endCursor } });
    } catch (caught) {
      setMoreError(describeError(caught));
    }
  };

  return (
    <Box>
      <Box sx={{ minHeight: 4 }}>{loading && <LinearProgress aria-label="Loading history" />}</Box>
      {error && <LoadErrorAlert what="the history" error={describeError(error)} onRetry={() => void refetch()} />}
      {connection && connection.nodes.length === 0 && (
        <Typography color="text.secondary">No deployments to this tenant yet.</Typography>
      )}
      {connection && connection.nodes.length > 0 && (
        <TableContainer component={Paper} variant="outlined">
          <Table size="small" aria-label="History">
            <TableHead>
              <TableRow>
                <TableCell>Queued</TableCell>
                <TableCell>Installation</TableCell>
                <TableCell>Deployment</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Why and who</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {connection.nodes.map((deployment) => (
                <TableRow key={deployment.id} hover>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    <Time value={deployment.queuedAt} />
                  </TableCell>
                  <TableCell>
                    <Link component={RouterLink} to={`/installations/${deployment.installation.id}`}>
                      {deployment.installation.slug}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <Link
                      component="button"
                      type="button"
                      onClick={() => onOpenDeployment(deployment.id)}
                      sx={{ textAlign: 'left' }}
                    >
                      {deployment.application.name} {deployment.artifact.version}
                      {deployment.kind === 'ROLLBACK' ? ' (rollback)' : ''}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <DeploymentStatusChip status={deployment.status} />
                  </TableCell>
                  <TableCell sx={{ overflowWrap: 'anywhere', minWidth: 160 }}>
                    {deployment.reason}
                    <Typography variant="body2" color="text.secondary">
                      {deployment.triggeredBy}
                    </Typography>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {moreError && <LoadErrorAlert what="more history" error={moreError} onRetry={() => void loadMore()} />}
      {connection && (
        <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', mt: 1 }}>
          <Typography variant="body2" color="text.secondary">
            Showing {connection.nodes.length} of {connection.totalCount}
          </Typography>
          {connection.pageInfo.hasNextPage && (
            <Button variant="outlined" onClick={() => void loadMore()} disabled={loading}>
              Older deployments
            </Button>
          )}
        </Box>
      )}
    </Box>
  );
}
