import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { EventHub } from '../../src/events/event-hub';
import { createPrincipal } from '../factories/principals';
import { subscribe, until, type LiveSubscription } from '../support/subscriptions';
import { dataOf, errorCode, startReplica, startTestServer, type TestServer } from '../support/server';

// The periodic check is far away on these two, so only the announcement of a change can close a connection in time.
const NO_RECHECK = { credentialRecheckMs: 600_000 };

let server: TestServer;
let replica: TestServer;
const clients: Client[] = [];
beforeAll(async () => {
  server = await startTestServer({}, undefined, NO_RECHECK);
  replica = await startReplica(server, {}, NO_RECHECK);
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await replica.close();
  await server.close();
});

interface Socket {
  client: Client;
  /** The close codes the client saw. */
  closes: number[];
}

/** A graphql-ws connection to `target` with `token`, acknowledged before it is returned. */
async function open(target: TestServer, token: string): Promise<Socket> {
  const closes: number[] = [];
  let connected!: () => void;
  let failed!: (reason: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    connected = resolve;
    failed = reject;
  });
  const client = createClient({
    url: `${target.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    // The closes these tests cause are recorded below, not reported.
    onNonLazyError: () => undefined,
    on: {
      connected: () => connected(),
      closed: (event) => {
        closes.push((event as { code: number }).code);
        failed(event);
      },
    },
  });
  clients.push(client);
  await ready;
  return { client, closes };
}

/** Runs a query or mutation over the socket: its result, or what ended it (errors, or the close event). */
function run(socket: Socket, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    let result: Record<string, any> = {};
    socket.client.subscribe(
      { query, variables },
      { next: (value) => (result = value as Record<string, any>), error: reject, complete: () => resolve(result) },
    );
  });
}

async function createToken(name: string, role: string): Promise<{ id: string; token: string }> {
  const response = await server.gql<{ createApiToken: { id: string; token: string } }>(
    `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { id token } }`,
    { input: { name, role } },
  );
  return dataOf(response).createApiToken;
}

async function tokenNames(): Promise<string[]> {
  const response = await server.gql<{ apiTokens: { nodes: { name: string }[] } }>('{ apiTokens(first: 100) { nodes { name } } }');
  return dataOf(response).apiTokens.nodes.map((node) => node.name);
}

/** Revokes a token in the database with no announcement, as if the notification were lost. */
async function revokeUnannounced(target: TestServer, id: string): Promise<void> {
  await target.dataSource.query('UPDATE api_token SET revoked_at = now() WHERE id = $1', [id]);
}

const revoke = (id: string) => server.gql(`mutation ($id: ID!) { revokeApiToken(input: { id: $id }) { id } }`, { id });

const EVENTS = 'subscription { events { sequence } }';

/** An events subscription on `socket`, once `target` has registered it. */
async function subscribeLive(target: TestServer, socket: Socket): Promise<LiveSubscription> {
  const hub = target.app.container.resolve(EventHub);
  const before = hub.subscriberCount;
  const subscription = subscribe(socket.client, EVENTS);
  await until(() => hub.subscriberCount > before || subscription.completed, 'the subscription to register');
  expect(subscription.completed).toBe(false);
  return subscription;
}

const MINT = `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { id token } }`;

describe('operations on an open WebSocket', () => {
  it('run nothing for a token revoked since the socket opened: a revoked ADMIN token cannot mint another', async () => {
    const admin = await createToken('soon-revoked-admin', 'ADMIN');
    const socket = await open(server, admin.token);
    expect(await run(socket, '{ viewer { name role } }')).toEqual({
      data: { viewer: { name: 'soon-revoked-admin', role: 'ADMIN' } },
    });

    await revokeUnannounced(server, admin.id);
    expect(errorCode(await server.gql('{ viewer { name } }', undefined, admin.token))).toBe('UNAUTHENTICATED');

    await expect(run(socket, MINT, { input: { name: 'minted-after-revoke', role: 'ADMIN' } })).rejects.toBeDefined();
    await until(() => socket.closes.length > 0, 'the socket to close');
    expect(socket.closes).toEqual([4401]);
    expect(await tokenNames()).not.toContain('minted-after-revoke');
  });

  it('run nothing for a session that signed out', async () => {
    const user = await createPrincipal(server, 'ADMIN');
    const socket = await open(server, user.token);
    expect(await run(socket, '{ viewer { name } }')).toEqual({ data: { viewer: { name: user.username } } });

    expect(dataOf(await server.gql('mutation { signOut }', undefined, user.token))).toEqual({ signOut: true });

    await expect(run(socket, MINT, { input: { name: 'minted-after-sign-out', role: 'ADMIN' } })).rejects.toBeDefined();
    await until(() => socket.closes.length > 0, 'the socket to close');
    expect(socket.closes).toEqual([4401]);
    expect(await tokenNames()).not.toContain('minted-after-sign-out');
  });

  it('run with the credential as it is now, not as it was when the socket opened', async () => {
    const token = await createToken('still-valid', 'VIEWER');
    const socket = await open(server, token.token);
    expect(await run(socket, '{ viewer { role } }')).toEqual({ data: { viewer: { role: 'VIEWER' } } });
    // A change nobody announced: the next operation sees it all the same.
    await server.dataSource.query(`UPDATE api_token SET role = 'OPERATOR' WHERE id = $1`, [token.id]);
    expect(await run(socket, '{ viewer { role } }')).toEqual({ data: { viewer: { role: 'OPERATOR' } } });
  });
});

describe('open subscriptions', () => {
  it('end with 4401 on every replica when their token is revoked, and others stay open', async () => {
    const token = await createToken('watcher', 'VIEWER');
    const other = await createToken('bystander', 'VIEWER');
    const here = await open(server, token.token);
    const there = await open(replica, token.token);
    const bystander = await open(replica, other.token);
    const onServer = await subscribeLive(server, here);
    const onReplica = await subscribeLive(replica, there);
    const bystanding = await subscribeLive(replica, bystander);

    dataOf(await revoke(token.id));

    await onServer.waitForEnd(10_000);
    await onReplica.waitForEnd(10_000);
    await until(() => here.closes.length > 0 && there.closes.length > 0, 'both sockets to close', 10_000);
    expect([here.closes, there.closes]).toEqual([[4401], [4401]]);
    expect(bystanding.completed).toBe(false);
    expect(bystander.closes).toEqual([]);
    expect(await run(bystander, '{ viewer { name } }')).toEqual({ data: { viewer: { name: 'bystander' } } });
    bystanding.stop();
  });

  it('end with 4401 on every replica when their session signs out', async () => {
    const user = await createPrincipal(server, 'VIEWER');
    const there = await open(replica, user.token);
    const subscription = await subscribeLive(replica, there);

    dataOf(await server.gql('mutation { signOut }', undefined, user.token));

    await subscription.waitForEnd(10_000);
    await until(() => there.closes.length > 0, 'the socket to close', 10_000);
    expect(there.closes).toEqual([4401]);
  });

  it('end within seconds even when the revocation was never announced', async () => {
    const checking = await startReplica(server, {}, { credentialRecheckMs: 500 });
    try {
      const token = await createToken('quietly-revoked', 'VIEWER');
      const socket = await open(checking, token.token);
      const subscription = await subscribeLive(checking, socket);

      await revokeUnannounced(server, token.id);

      await subscription.waitForEnd(10_000);
      await until(() => socket.closes.length > 0, 'the socket to close', 10_000);
      expect(socket.closes).toEqual([4401]);
    } finally {
      await checking.close();
    }
  });
});
