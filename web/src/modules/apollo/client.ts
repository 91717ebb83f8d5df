import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { endSession, sessionToken } from '../auth/session';
import { hasErrorCode } from './errors';

/** Operations that run without a session; a refusal there is an answer for the form, not an ended session. */
const PUBLIC_OPERATIONS = new Set(['SignIn']);

const authLink = new SetContextLink((context) => {
  const token = sessionToken();
  const headers = context.headers as Record<string, string> | undefined;
  return token ? { headers: { ...headers, authorization: `Bearer ${token}` } } : {};
});

const sessionEndedLink = new ErrorLink(({ error, operation }) => {
  if (PUBLIC_OPERATIONS.has(operation.operationName ?? '')) return;
  if (CombinedGraphQLErrors.is(error) && hasErrorCode(error, 'UNAUTHENTICATED')) {
    const message = error.errors.find((e) => e.extensions?.code === 'UNAUTHENTICATED')?.message;
    endSession(message ?? 'Your session has ended; sign in again');
  }
});

interface ConnectionPage {
  nodes: readonly unknown[];
}

/** Pages of one filter form one list: `after` appends to it, a request without `after` starts over. */
const pagedByFilter = {
  keyArgs: ['filter'],
  merge(existing: ConnectionPage | undefined, incoming: ConnectionPage, { args }: { args: Record<string, unknown> | null }) {
    if (!existing || !args?.after) return incoming;
    return { ...incoming, nodes: [...existing.nodes, ...incoming.nodes] };
  },
};

export type WsConnectionState = 'connecting' | 'connected' | 'closed';

let wsState: WsConnectionState = 'closed';
const wsListeners = new Set<() => void>();

function setWsState(state: WsConnectionState) {
  wsState = state;
  for (const listener of wsListeners) listener();
}

/** The state of the subscription socket, for useSyncExternalStore. */
export function wsConnectionState(): WsConnectionState {
  return wsState;
}

export function subscribeToWsConnection(listener: () => void): () => void {
  wsListeners.add(listener);
  return () => wsListeners.delete(listener);
}

function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/graphql`;
}

/** Subscriptions go over graphql-ws; the socket opens lazily, with the session token of the moment it connects. */
const wsLink = new GraphQLWsLink(
  createClient({
    url: socketUrl,
    lazy: true,
    retryAttempts: 10,
    connectionParams: () => {
      const token = sessionToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      connecting: () => setWsState('connecting'),
      connected: () => setWsState('connected'),
      closed: (event) => {
        setWsState('closed');
        // The server closes a live connection when the session it was opened with ends.
        if ((event as { code?: number } | undefined)?.code === 4401) endSession('Your session has expired; sign in again');
      },
    },
  }),
);

const httpLink = ApolloLink.from([authLink, new HttpLink({ uri: '/graphql' })]);

const transportLink = ApolloLink.split(({ query }) => isSubscriptionOperation(query), wsLink, httpLink);

export function createApolloClient(): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([sessionEndedLink, transportLink]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            tenants: pagedByFilter,
            rollouts: pagedByFilter,
            installations: { ...pagedByFilter, keyArgs: ['filter', 'orderBy'] },
            deployments: pagedByFilter,
            auditEvents: pagedByFilter,
            releases: pagedByFilter,
            applications: { ...pagedByFilter, keyArgs: ['includeArchived'] },
            webhooks: pagedByFilter,
          },
        },
        Tenant: { fields: { installations: pagedByFilter } },
        Installation: { fields: { rolloutTargets: pagedByFilter } },
        ReleaseTrack: { fields: { releases: pagedByFilter } },
        Application: { fields: { artifacts: pagedByFilter } },
        Webhook: { fields: { messages: pagedByFilter } },
      },
    }),
  });
}
