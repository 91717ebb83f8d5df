import { useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { DeploymentChangesDocument, DeploymentDetailDocument, type EventType } from '../../../generated/graphql';

const REFETCH_INTERVAL_MS = 250;
const DEPLOYMENT_EVENTS: EventType[] = ['DEPLOYMENT_UPDATED', 'DEPLOYMENT_LOG', 'DEPLOYMENT_VERIFIED'];

/**
 * One deployment, kept current while it is shown: its status, log lines and verifications arrive as events of its
 * tenant, and each one of this deployment refetches it (at most four times a second).
 */
export function useLiveDeployment(id: string | null) {
  const result = useQuery(DeploymentDetailDocument, { variables: { id: id ?? '' }, skip: !id });
  const { refetch } = result;
  const tenantSlug = result.data?.deployment?.installation.tenant.slug;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useSubscription(DeploymentChangesDocument, {
    variables: { filter: { types: DEPLOYMENT_EVENTS, tenantSlugs: tenantSlug ? [tenantSlug] : null } },
    skip: !id || !tenantSlug,
    onData: ({ data }) => {
      if (data.data?.events.deploymentId !== id || timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        void refetch();
      }, REFETCH_INTERVAL_MS);
    },
  });

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [id],
  );

  return result;
}
