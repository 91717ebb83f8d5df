import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import { AuditEventsDocument, type AuditEventFilter } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

export const AUDIT_PAGE_SIZE = 25;

/** The audit log for one filter, newest first: the first page, then more pages on request. */
export function useAuditEvents(filter: AuditEventFilter) {
  const { data, previousData, loading, error, networkStatus, fetchMore, refetch } = useQuery(AuditEventsDocument, {
    variables: { first: AUDIT_PAGE_SIZE, filter },
    notifyOnNetworkStatusChange: true,
  });
  const key = JSON.stringify(filter);
  const [loadMoreError, setLoadMoreError] = useState<{ key: string; message: string } | null>(null);
  const connection = (data ?? (loading ? previousData : undefined))?.auditEvents;
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
    events: connection?.nodes ?? [],
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
