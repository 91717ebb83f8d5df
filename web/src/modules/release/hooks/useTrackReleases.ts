import { ReleaseTrackDocument, type ReleaseStatus } from '../../../generated/graphql';
import { usePagedList } from '../../ui/usePagedList';

export const RELEASES_PAGE_SIZE = 20;

/** A track and its releases, highest version first: the first page, then more pages on request. */
export function useTrackReleases(slug: string, status: ReleaseStatus | null) {
  const list = usePagedList(
    ReleaseTrackDocument,
    { slug, first: RELEASES_PAGE_SIZE, filter: status ? { statuses: [status] } : null },
    // While another track loads, the previous track's releases are not shown under its name.
    (data) => (data.releaseTrack?.slug === slug ? data.releaseTrack.releases : null),
  );
  const track = list.answer?.releaseTrack?.slug === slug ? list.answer.releaseTrack : undefined;
  return {
    ...list,
    track,
    notFound: list.answered && list.answer?.releaseTrack === null,
    releases: list.nodes,
  };
}
