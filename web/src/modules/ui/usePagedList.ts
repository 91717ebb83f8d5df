import { NetworkStatus, type OperationVariables, type TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import { describeError } from '../apollo/errors';

/** What a paged list field answers (the server's connection shape). */
export interface PagedConnection<TNode> {
  nodes: TNode[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/**
 * One growing list for the given variables: the first page, then more pages on request. While new variables load,
 * the previous answer stays on screen (`stale`); a failed "load more" is kept with the variables it belongs to.
 * The list field needs a paging rule in the Apollo cache (see apollo/client.ts) so pages are appended.
 */
export function usePagedList<TData, TVariables extends OperationVariables, TNode>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  select: (data: TData) => PagedConnection<TNode> | null | undefined,
) {
  const result = useQuery(document, { variables, notifyOnNetworkStatusChange: true } as useQuery.Options<TData, TVariables>);
  const { data, previousData, loading, error, networkStatus, fetchMore, refetch } = result;
  const key = JSON.stringify(variables);
  const [loadMoreError, setLoadMoreError] = useState<{ key: string; message: string } | null>(null);
  const answer = data ?? (loading ? previousData : undefined);
  const connection = answer === undefined ? undefined : (select(answer) ?? undefined);
  const loadingMore = networkStatus === NetworkStatus.fetchMore;
  const endCursor = connection?.pageInfo.endCursor;

  const loadMore = useCallback(async () => {
    if (!endCursor) return;
    setLoadMoreError(null);
    try {
      await fetchMore({ variables: { after: endCursor } as unknown as Partial<TVariables> });
    } catch (caught) {
      setLoadMoreError({ key, message: describeError(caught) });
    }
  }, [endCursor, fetchMore, key]);

  return {
    /** The query's answer as shown (the previous one while new variables load). */
    answer,
    /** Whether the server has answered for these variables. */
    answered: data !== undefined,
    nodes: connection?.nodes ?? [],
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
