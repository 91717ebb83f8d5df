import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import {
  FleetLockedReleasesDocument,
  FleetReleaseComponentsDocument,
  FleetReleaseTracksDocument,
} from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

export const TRACK_PARAM = 'track';
export const RELEASE_PARAM = 'release';

/**
 * The release the fleet is compared with, chosen in the URL: `track` (default: the first track) and `release`
 * (default: that track's newest LOCKED release).
 */
export function useReleaseChoice({ pinnable = true }: { pinnable?: boolean } = {}) {
  const [params, setParams] = useSearchParams();
  const trackParam = params.get(TRACK_PARAM) ?? '';
  const releaseParam = pinnable ? (params.get(RELEASE_PARAM) ?? '') : '';

  const tracksQuery = useQuery(FleetReleaseTracksDocument);
  const tracks = useMemo(() => tracksQuery.data?.releaseTracks ?? [], [tracksQuery.data]);
  const trackSlug = trackParam || tracks[0]?.slug || '';

  const releasesQuery = useQuery(FleetLockedReleasesDocument, { variables: { slug: trackSlug }, skip: !trackSlug });
  const track = releasesQuery.data?.releaseTrack ?? null;
  const lockedReleases = useMemo(() => track?.releases.nodes ?? [], [track]);
  const latest = lockedReleases[0] ?? null;
  const releaseId = releaseParam || latest?.id || '';

  const componentsQuery = useQuery(FleetReleaseComponentsDocument, { variables: { id: releaseId }, skip: !releaseId });
  const release = componentsQuery.data?.release ?? null;

  /** application id → the release's version for it. */
  const versions = useMemo(() => {
    const map = new Map<string, string | null>();
    for (const component of release?.components ?? []) map.set(component.application.id, component.artifact?.version ?? null);
    return map;
  }, [release]);

  const update = useCallback(
    (changes: Record<string, string>) =>
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value) updated.set(key, value);
            else updated.delete(key);
          }
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );

  // The default track goes into the URL, so a shared link keeps comparing with it when other tracks appear.
  useEffect(() => {
    if (!trackParam && trackSlug) update({ [TRACK_PARAM]: trackSlug });
  }, [trackParam, trackSlug, update]);

  const error = tracksQuery.error ?? releasesQuery.error ?? componentsQuery.error;
  return {
    tracks,
    trackSlug,
    track,
    lockedReleases,
    latest,
    releaseId,
    pinned: !!releaseParam,
    release,
    versions,
    /** True once it is known which release (if any) applies. */
    settled: !!tracksQuery.data && (!trackSlug || !!releasesQuery.data) && (!releaseId || !!componentsQuery.data),
    loading: tracksQuery.loading || releasesQuery.loading || componentsQuery.loading,
    error: error ? describeError(error) : null,
    retry: () => {
      void tracksQuery.refetch();
      if (trackSlug) void releasesQuery.refetch();
      if (releaseId) void componentsQuery.refetch();
    },
    setTrack: (slug: string) => update({ [TRACK_PARAM]: slug, [RELEASE_PARAM]: '' }),
    setRelease: (id: string) => update({ [RELEASE_PARAM]: id }),
  };
}

export type ReleaseChoice = ReturnType<typeof useReleaseChoice>;
