import { useQuery } from '@apollo/client/react';
import { DisabledWebhooksDocument, type DisabledWebhooksQuery } from '../../../generated/graphql';
import { useCan } from '../../auth/hooks/useCan';

export type DisabledWebhook = DisabledWebhooksQuery['webhooks']['nodes'][number];

/**
 * Endpoints Shiplog disabled, for the overview's "Needs attention". Only admins administer webhooks, so no one else
 * asks (and no one else sees an error); a failure here leaves the rest of the overview alone.
 */
export function useDisabledWebhooks(): { nodes: DisabledWebhook[]; totalCount: number } {
  const admin = useCan('ADMIN');
  const { data } = useQuery(DisabledWebhooksDocument, { skip: !admin, errorPolicy: 'all' });
  return { nodes: data?.webhooks.nodes ?? [], totalCount: data?.webhooks.totalCount ?? 0 };
}
