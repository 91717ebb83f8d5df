import { NetworkStatus } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useCallback, useRef, useState } from 'react';
import type { FleetInstallationsQueryVariables, InstallationFilter, InstallationOrder } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

interface InstallationsData {
  installations: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor?: string | null };
    nodes: readonly unknown[];
  };
}

/**
 * Installations for a filter as one growing list: the server pages them, `loadMore` appends the next page
 * (a virtualized list calls it as the reader nears the end). Only one page is requested at a time.
 */
export function useInstallationPages<TData extends InstallationsData>(
  document: TypedDocumentNode<TData, FleetInstallationsQueryVariables & { orderBy?: InstallationOrder | null }>,
  filter: InstallationFilter | null,
  pageSize: number,
  orderBy?: InstallationOrder,
) {
  const { data, previousData, loading, error, networkStatus, fetchMore, refetch } = useQuery(document, {
    variables: orderBy ? { first: pageSize, filter, orderBy } : { first: pageSize, filter },
    notifyOnNetworkStatusChange: true,
  });
  const filterKey = JSON.stringify([filter, orderBy]);
  const [loadMoreError, setLoadMoreError] = useState<{ filterKey: string; message: string } | null>(null);
  const fetching = useRef(false);
  // While a new filter loads, the previous answer stays on screen, dimmed.
  const connection = (data ?? (loading ? previousData : undefined))?.installations as TData['installations'] | undefined;
  const loadingMore = networkStatus === NetworkStatus.fetchMore;
  const endCursor = data?.installations.pageInfo.endCursor;
  const hasNextPage = data?.installations.pageInfo.hasNextPage ?? false;

  const failed = loadMoreError?.filterKey === filterKey;
  /** After a failure, scrolling does not retry by itself: `retry` must be true (the Retry button). */
  const loadMore = useCallback(
    async (retry = false) => {
      if (!endCursor || !hasNextPage || fetching.current || (failed && !retry)) return;
      fetching.current = true;
      setLoadMoreError(null);
      try {
        await fetchMore({ variables: { after: endCursor } });
      } catch (caught) {
        setLoadMoreError({ filterKey, message: describeError(caught) });
      } finally {
        fetching.current = false;
      }
    },
    [endCursor, hasNextPage, fetchMore, filterKey, failed],
  );

  return {
    nodes: (connection?.nodes ?? []) as TData['installations']['nodes'],
    totalCount: connection?.totalCount,
    hasNextPage,
    loading: loading && !loadingMore,
    stale: connection !== undefined && data === undefined,
    loadingMore,
    error: error ? describeError(error) : null,
    loadMoreError: loadMoreError && failed ? loadMoreError.message : null,
    loadMore,
    retry: () => void refetch(),
  };
}
