import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
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

export function createApolloClient(): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([sessionEndedLink, authLink, new HttpLink({ uri: '/graphql' })]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            tenants: pagedByFilter,
          },
        },
        ReleaseTrack: { fields: { releases: pagedByFilter } },
      },
    }),
  });
}
