import { useQuery } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { RolloutDocument, RolloutEventsDocument, type RolloutTargetStatus } from '../../../generated/graphql';

/** At most one refetch per this many milliseconds, however many events arrive. */
const REFETCH_INTERVAL_MS = 250;

/**
 * One rollout with the first page of its targets in `statuses` (all when null), kept current: each event of the
 * rollout refetches it (throttled), and a resubscription resumes after the last event seen.
 */
export function useLiveRollout(id: string, statuses: RolloutTargetStatus[] | null) {
  const result = useQuery(RolloutDocument, { variables: { id, statuses } });
  const { subscribeToMore, refetch } = result;
  const lastSequence = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    lastSequence.current = null;
    const scheduleRefetch = () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void refetch();
      }, REFETCH_INTERVAL_MS);
    };
    const unsubscribe = subscribeToMore({
      document: RolloutEventsDocument,
      variables: { rolloutId: id, afterSequence: lastSequence.current },
      // The event only says that something changed; the refetch brings the change, so the cache is left alone here.
      updateQuery: (_previous, { subscriptionData }) => {
        const event = subscriptionData.data?.rolloutEvents;
        if (event) {
          lastSequence.current = event.sequence;
          scheduleRefetch();
        }
      },
    });
    return () => {
      unsubscribe();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [id, subscribeToMore, refetch]);

  return result;
}
