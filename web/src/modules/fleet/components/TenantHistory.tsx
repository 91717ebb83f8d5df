import { useQuery } from '@apollo/client/react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import TableContainer from '@mui/material/TableContainer';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { TenantHistoryDocument } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { DeploymentHistoryTable } from '../../deployment/components/DeploymentHistoryTable';
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
          <DeploymentHistoryTable
            label="History"
            deployments={connection.nodes}
            withInstallation
            onOpenDeployment={onOpenDeployment}
          />
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
