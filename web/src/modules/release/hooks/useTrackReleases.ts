import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import { ReleaseTrackDocument, type ReleaseStatus } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

export const RELEASES_PAGE_SIZE = 20;

/** A track and its releases, highest version first: the first page, then more pages on request. */
export function useTrackReleases(slug: string, status: ReleaseStatus | null) {
  const { data, previousData, loading, error, networkStatus, fetchMore, refetch } = useQuery(ReleaseTrackDocument, {
    variables: { slug, first: RELEASES_PAGE_SIZE, filter: status ? { statuses: [status] } : null },
    notifyOnNetworkStatusChange: true,
  });
  const key = `${slug}|${status ?? ''}`;
  const [loadMoreError, setLoadMoreError] = useState<{ key: string; message: string } | null>(null);
  const answer = data ?? (loading ? previousData : undefined);
  const track = answer?.releaseTrack?.slug === slug ? answer.releaseTrack : undefined;
  const connection = track?.releases;
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
    track,
    notFound: data !== undefined && data.releaseTrack === null,
    releases: connection?.nodes ?? [],
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
