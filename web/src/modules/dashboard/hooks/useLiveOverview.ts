import { useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { subscribeToWsConnection, wsConnectionState } from '../../apollo/client';
import { DeploymentStatsDocument, OverviewDocument, OverviewEventsDocument } from '../../../generated/graphql';

/** At most one refetch per this many milliseconds, however many events arrive. */
const REFETCH_INTERVAL_MS = 1000;
const FAILURE_WINDOW_DAYS = 7;
export const CHART_DAYS = 28;

/**
 * The overview's data, kept current: any event the viewer may see refetches it (throttled), so progress bars,
 * failures and the chart move while rollouts run.
 */
export function useLiveOverview() {
  // Fixed for the life of the page, so the variables (and the cached answer) stay the same across refetches.
  const [failedSince] = useState(() => new Date(Date.now() - FAILURE_WINDOW_DAYS * 24 * 3600 * 1000).toISOString());
  const overview = useQuery(OverviewDocument, { variables: { failedSince }, notifyOnNetworkStatusChange: false });
  const stats = useQuery(DeploymentStatsDocument, { variables: { days: CHART_DAYS } });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchOverview = overview.refetch;
  const refetchStats = stats.refetch;

  useSubscription(OverviewEventsDocument, {
    onData: () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void refetchOverview();
        void refetchStats();
      }, REFETCH_INTERVAL_MS);
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
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );

  return { overview, stats, failureWindowDays: FAILURE_WINDOW_DAYS };
}
