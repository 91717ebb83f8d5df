import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import { DeploymentsDocument, type DeploymentFilter } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

export const DEPLOYMENTS_PAGE_SIZE = 25;

/** The ledger for one filter, newest first: the first page, then more pages on request. */
export function useDeployments(filter: DeploymentFilter) {
  const { data, previousData, loading, error, networkStatus, fetchMore, refetch } = useQuery(DeploymentsDocument, {
    variables: { first: DEPLOYMENTS_PAGE_SIZE, filter },
    notifyOnNetworkStatusChange: true,
  });
  const key = JSON.stringify(filter);
  const [loadMoreError, setLoadMoreError] = useState<{ key: string; message: string } | null>(null);
  const connection = (data ?? (loading ? previousData : undefined))?.deployments;
  const loadingMore = networkStatus === NetworkStatus.fetchMore;

  const loadMore = useCallback(async () => {
    const endCursor = connection?.pageInfo.endCursor;
    if (!endCursor) return;
    setLoadMoreError(null);
    try {
      await fetchMore({ variables: { after: endCursor } });
    } catch (caught) {
      setLoadMoreError({ key, message: describeError(caught) });
    }
  }, [connection?.pageInfo.endCursor, fetchMore, key]);

  return {
    deployments: connection?.nodes ?? [],
    totalCount: connection?.totalCount,
    hasNextPage: connection?.pageInfo.hasNextPage ?? false,
    loading: loading && !loadingMore,
    stale: connection !== undefined && data === undefined,
    loadingMore,
    error: error ? describeError(error) : null,
    loadMoreError: loadMoreError?.key === key ? loadMoreError.message : null,
    loadMore,
    retry: () => void refetch(),
  };
}
