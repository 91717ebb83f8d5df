import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import { TenantsDocument, type TenantFilter } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

export const TENANTS_PAGE_SIZE = 20;

/** One growing list of tenants for a filter: the first page, then more pages on request. */
export function useTenants(filter: TenantFilter | null) {
  const { data, previousData, loading, error, networkStatus, fetchMore, refetch } = useQuery(TenantsDocument, {
    variables: { first: TENANTS_PAGE_SIZE, filter },
    notifyOnNetworkStatusChange: true,
  });
  const search = JSON.stringify(filter);
  // Kept with the filter it belongs to, so a new filter starts without it.
  const [loadMoreError, setLoadMoreError] = useState<{ search: string; message: string } | null>(null);
  // While a new search loads, keep showing the previous answer instead of an empty page.
  const connection = (data ?? (loading ? previousData : undefined))?.tenants;
  const loadingMore = networkStatus === NetworkStatus.fetchMore;

  const loadMore = useCallback(async () => {
    const endCursor = connection?.pageInfo.endCursor;
    if (!endCursor) return;
    setLoadMoreError(null);
    try {
      await fetchMore({ variables: { after: endCursor } });
    } catch (caught) {
      setLoadMoreError({ search, message: describeError(caught) });
    }
  }, [connection?.pageInfo.endCursor, fetchMore, search]);

  return {
    tenants: connection?.nodes ?? [],
    totalCount: connection?.totalCount,
    hasNextPage: connection?.pageInfo.hasNextPage ?? false,
    loading: loading && !loadingMore,
    stale: connection !== undefined && data === undefined,
    loadingMore,
    error: error ? describeError(error) : null,
    loadMoreError: loadMoreError?.search === search ? loadMoreError.message : null,
    loadMore,
    retry: () => void refetch(),
  };
}
