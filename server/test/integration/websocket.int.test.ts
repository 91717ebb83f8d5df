import type { Client } from 'graphql-ws';
import { EventHub } from '../../src/events/event-hub';
import { connectWebSocket, until } from '../support/subscriptions';
import { dataOf, startTestServer, type TestServer } from '../support/server';

interface Outcome {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Runs one operation over the connection: its first result, or the errors it was refused with. */
function runOnce(client: Client, query: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const stop = client.subscribe(
      { query },
      {
        next: (result) => {
          stop();
          resolve(result as Outcome);
        },
        error: (error) => resolve({ errors: Array.isArray(error) ? error : [{ message: String(error) }] }),
        complete: () => undefined,
      },
    );
  });
}

describe('GraphQL over WebSocket', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({ SHIPLOG_INTROSPECTION: 'false', SHIPLOG_MAX_SUBSCRIPTIONS_PER_CONNECTION: '5' });
    client = await connectWebSocket(server.url, server.adminToken);
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  it('refuses introspection when it is switched off, as over HTTP', async () => {
    const overHttp = await server.gql('{ __schema { queryType { name } } }');
    expect(overHttp.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const overWebSocket = await runOnce(client, '{ __schema { queryType { name } } }');
    expect(overWebSocket.data).toBeUndefined();
    expect(overWebSocket.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(overWebSocket.errors?.[0].message).toMatch(/introspection/i);
    // __typename is not introspection.
    expect(await runOnce(client, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
  });

  it('codes parse and validation errors as HTTP does, without suggesting field names', async () => {
    const parseError = await runOnce(client, '{ viewer { name ');
    expect(parseError.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');

    const validationError = await runOnce(client, 'subscription { event { sequence } }');
    expect(validationError.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(validationError.errors?.[0].message).not.toMatch(/Did you mean/);
  });

  it('caps the subscriptions one connection runs at once, and frees a place when one ends', async () => {
    const hub = server.app.container.resolve(EventHub);
    const before = hub.subscriberCount;
    const refusals: Outcome['errors'][] = [];
    const subscribe = () =>
      client.subscribe(
        { query: 'subscription { events { sequence } }' },
        { next: () => undefined, error: (error) => refusals.push(error as Outcome['errors']), complete: () => undefined },
      );
    const running = Array.from({ length: 5 }, subscribe);
    await until(() => hub.subscriberCount === before + 5, 'five subscriptions to run');

    subscribe();
    await until(() => refusals.length === 1, 'the sixth to be refused');
    expect(refusals[0]?.[0].extensions).toEqual({ code: 'BAD_REQUEST', maxSubscriptions: 5 });
    expect(hub.subscriberCount).toBe(before + 5);

    // Another connection has places of its own, and ending one frees a place on this one.
    const other = await connectWebSocket(server.url, server.adminToken);
    try {
      expect(dataOf(await runOnce(other, '{ viewer { name } }'))).toEqual({ viewer: { name: expect.any(String) } });
    } finally {
      await other.dispose();
    }
    running[0]();
    await until(() => hub.subscriberCount === before + 4, 'one subscription to end');
    running.push(subscribe());
    await until(() => hub.subscriberCount === before + 5, 'a new subscription to run');
    expect(refusals).toHaveLength(1);
    for (const stop of running) stop();
  });
});
