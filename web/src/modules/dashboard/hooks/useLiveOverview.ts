import { useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { subscribeToWsConnection, wsConnectionState } from '../../apollo/client';
import { DeploymentStatsDocument, OverviewDocument, OverviewEventsDocument, type EventType } from '../../../generated/graphql';

/** At most one refetch per this many milliseconds, however many events arrive. */
const REFETCH_INTERVAL_MS = 1000;
/** The chart counts whole days: a slower pace is enough, and spares the database a grouped count every second. */
const STATS_REFETCH_INTERVAL_MS = 5000;
const ROLLOUT_EVENTS: EventType[] = [
  'ROLLOUT_CREATED',
  'ROLLOUT_STARTED',
  'ROLLOUT_RESUMED',
  'ROLLOUT_WAITING_FOR_PROMOTION',
  'ROLLOUT_PAUSED',
  'ROLLOUT_SUCCEEDED',
  'ROLLOUT_FAILED',
  'ROLLOUT_ABORTED',
  'TARGET_UPDATED',
  'DEPLOYMENT_UPDATED',
];
const EVENT_FILTER = { types: ROLLOUT_EVENTS };
const FAILURE_WINDOW_DAYS = 7;
export const CHART_DAYS = 28;

/**
 * The overview's data, kept current: each rollout, target or deployment event the viewer may see refetches it
 * (throttled), so progress bars, failures and the chart move while rollouts run.
 */
export function useLiveOverview() {
  // Fixed for the life of the page, so the attention list's variables (and its cached answer) stay the same.
  const [failedSince] = useState(() => new Date(Date.now() - FAILURE_WINDOW_DAYS * 24 * 3600 * 1000).toISOString());
  const overview = useQuery(OverviewDocument, { notifyOnNetworkStatusChange: false });
  const stats = useQuery(DeploymentStatsDocument, { variables: { days: CHART_DAYS } });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const statsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchOverview = overview.refetch;
  const refetchStats = stats.refetch;

  useSubscription(OverviewEventsDocument, {
    variables: { filter: EVENT_FILTER },
    onData: ({ data }) => {
      if (!timer.current) {
        timer.current = setTimeout(() => {
          timer.current = null;
          void refetchOverview();
        }, REFETCH_INTERVAL_MS);
      }
      if (data.data?.events.type === 'DEPLOYMENT_UPDATED' && !statsTimer.current) {
        statsTimer.current = setTimeout(() => {
          statsTimer.current = null;
          void refetchStats();
        }, STATS_REFETCH_INTERVAL_MS);
      }
    },
  });

  // Events missed while the socket was down are not replayed here; a reconnection refetches instead.
  useEffect(() => {
    let previous = wsConnectionState();
    return subscribeToWsConnection(() => {
      const state = wsConnectionState();
      if (state === 'connected' && previous !== 'connected') {
        void refetchOverview();
        void refetchStats();
      }
      previous = state;
    });
  }, [refetchOverview, refetchStats]);

  useEffect(
    () => () => {
      for (const pending of [timer, statsTimer]) {
        if (pending.current) clearTimeout(pending.current);
        pending.current = null;
      }
    },
    [],
  );

  return { overview, stats, failedSince, failureWindowDays: FAILURE_WINDOW_DAYS };
}
