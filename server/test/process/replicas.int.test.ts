import type { Client as GraphQLWsClient } from 'graphql-ws';
import { Client } from 'pg';
import { freePort } from '../../src/db/embedded';
import { createTestDatabase } from '../support/database';
import { gqlAt, startShiplog, type ShiplogProcess } from '../support/process';
import { connectWebSocket, EVENT_FIELDS, subscribe, type LiveSubscription } from '../support/subscriptions';

const ADMIN_TOKEN = 'replicas-test-admin-token-0123456789';
const EVENTS = `subscription ($after: Sequence) { events(afterSequence: $after) { ${EVENT_FIELDS} } }`;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Client;
let first: ShiplogProcess;
let second: ShiplogProcess;
const clients: GraphQLWsClient[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Client({ connectionString: database.url });
  const env = { ...process.env, DATABASE_URL: database.url, SHIPLOG_ADMIN_TOKEN: ADMIN_TOKEN, SHIPLOG_DEMO_DATA: 'false' };
  // One after the other: the first applies the migrations.
  first = await startShiplog({ ...env, PORT: String(await freePort()) });
  second = await startShiplog({ ...env, PORT: String(await freePort()) });
  await db.connect();
}, 120_000);

afterAll(async () => {
  for (const client of clients) await client.dispose();
  const codes = await Promise.all([first, second].filter(Boolean).map((server) => server.stop()));
  await db?.end();
  await database?.drop();
  expect(codes).toEqual([0, 0]);
}, 60_000);

async function connect(server: ShiplogProcess): Promise<GraphQLWsClient> {
  const client = await connectWebSocket(server.url, ADMIN_TOKEN);
  clients.push(client);
  return client;
}

/**
 * Commits events the way EventService.append does (ordering lock, insert, notify) from outside both
 * processes; neither process hears of them except through the database.
 */
async function commitEvents(numbers: (number | string)[], options: { rollBack?: boolean } = {}): Promise<void> {
  await db.query('BEGIN');
  try {
    await db.query('SELECT pg_advisory_xact_lock(7315001)');
    const { rows } = await db.query<{ sequence: string }>(
      `INSERT INTO event_record (type, data) SELECT 'deployment.log', jsonb_build_object('n', n) FROM unnest($1::text[]) AS n
       RETURNING sequence`,
      [numbers.map(String)],
    );
    await db.query('SELECT pg_notify($1, $2)', ['shiplog_events', rows[rows.length - 1].sequence]);
    await db.query(options.rollBack ? 'ROLLBACK' : 'COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}

async function lastSequence(): Promise<string> {
  const { rows } = await db.query<{ last: string }>('SELECT coalesce(max(sequence), 0)::text AS last FROM event_record');
  return rows[0].last;
}

const numbers = (subscription: LiveSubscription) => subscription.events.map((event) => event.data.n as unknown);

describe('two Shiplog processes on one database', () => {
  it('deliver every committed event to subscribers on both, in the same order', async () => {
    const after = await lastSequence();
    const onFirst = subscribe(await connect(first), EVENTS, { after });
    const onSecond = subscribe(await connect(second), EVENTS, { after });

    // Once both have this one, both subscriptions are registered: what follows arrives live.
    await commitEvents(['ready']);
    await onFirst.waitForEvents(1);
    await onSecond.waitForEvents(1);

    await commitEvents([1, 2]);
    await commitEvents(['rolled back'], { rollBack: true });
    await commitEvents([3]);

    await onFirst.waitForEvents(4);
    await onSecond.waitForEvents(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(numbers(onFirst)).toEqual(['ready', '1', '2', '3']);
    expect(numbers(onSecond)).toEqual(['ready', '1', '2', '3']);
    expect(onSecond.events.map((event) => event.sequence)).toEqual(onFirst.events.map((event) => event.sequence));
    onFirst.stop();
    onSecond.stop();
  });

  it('deliver the events of a rollout started on one to a subscriber on the other', async () => {
    const q = (query: string, variables: Record<string, unknown> = {}) => gqlAt(first.url, query, variables, ADMIN_TOKEN);
    await q(`mutation { createEnvironmentTier(input: { name: "prod", rank: 1 }) { id } }`);
    await q(`mutation { createTenant(input: { slug: "acme", name: "Acme" }) { id } }`);
    await q(
      `mutation { createInstallation(input: { tenantSlug: "acme", slug: "prod", name: "Prod", tier: "prod", driverConfig: { delayMs: 0 } }) { id } }`,
    );
    await q(`mutation { createApplication(input: { slug: "api", name: "API" }) { id } }`);
    await q(`mutation { registerArtifact(input: { applicationSlug: "api", version: "1.0.0", imageRef: "img" }) { id } }`);
    await q(`mutation { createReleaseTrack(input: { slug: "p", name: "P" }) { id } }`);
    const { createRelease } = await q(`mutation { createRelease(input: { trackSlug: "p", version: "1.0.0" }) { id } }`);
    await q(
      `mutation ($id: ID!) { setReleaseComponents(input: { releaseId: $id, components: [{ applicationSlug: "api", artifactVersion: "1.0.0", stage: 1 }] }) { id } }`,
      {
        id: createRelease.id,
      },
    );
    await q(`mutation ($id: ID!) { lockRelease(input: { releaseId: $id }) { id } }`, { id: createRelease.id });

    const onSecond = subscribe(await connect(second), EVENTS, { after: await lastSequence() });
    await commitEvents(['ready']);
    await onSecond.waitForEvents(1);
    const { startRollout } = await q(
      `mutation ($id: ID!) { startRollout(input: { releaseId: $id, selector: { tiers: ["prod"] }, reason: "replicas" }) { id } }`,
      { id: createRelease.id },
    );
    // After 'ready': rollout.started, the target running, the deployment queued, the deployment succeeded,
    // the target succeeded, the rollout succeeded.
    const received = await onSecond.waitForEvents(7, 30_000);
    const ofRollout = received.filter((event) => event.rolloutId === startRollout.id).map((event) => event.type);
    expect(ofRollout[0]).toBe('rollout.started');
    expect(ofRollout).toContain('deployment.updated');
    expect(ofRollout[ofRollout.length - 1]).toBe('rollout.succeeded');
    onSecond.stop();
  });

  it('let a client that moves to the other process resume where it left off', async () => {
    const onFirst = subscribe(await connect(first), EVENTS, { after: await lastSequence() });
    await commitEvents([1, 2]);
    const seen = await onFirst.waitForEvents(2);
    onFirst.stop();

    await commitEvents([3, 4]);
    const onSecond = subscribe(await connect(second), EVENTS, { after: seen[1].sequence });
    await commitEvents([5]);
    await onSecond.waitForEvents(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(numbers(onSecond)).toEqual(['3', '4', '5']);
    onSecond.stop();
  });
});
