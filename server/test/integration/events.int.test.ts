import type { Client } from 'graphql-ws';
import { Access } from '../../src/auth/access';
import { EventHub, SlowSubscriberError } from '../../src/events/event-hub';
import type { EventRecord } from '../../src/events/event.entity';
import { EventService, EventType, type EventInput } from '../../src/events/event.service';
import { Deployment, DeploymentStatus } from '../../src/modules/deployment/deployment.entity';
import { RolloutTarget, TargetStatus } from '../../src/modules/rollout/rollout-target.entity';
import { FailurePolicy, Rollout, RolloutStatus } from '../../src/modules/rollout/rollout.entity';
import { createLockableRelease } from '../factories/catalog';
import {
  createApiToken,
  createInstallation,
  createSignedInUser,
  createTenant,
  createTier,
  type Installation,
  type Tenant,
} from '../factories/tenants';
import { startTestServer, type TestServer } from '../support/server';
import { connectWebSocket, EVENT_FIELDS, subscribe as subscribeOn, until, type LiveSubscription } from '../support/subscriptions';

let server: TestServer;
let admin: Client;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
  admin = await connect(server.adminToken);
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await server.close();
});

async function connect(token: string): Promise<Client> {
  const client = await connectWebSocket(server.url, token);
  clients.push(client);
  return client;
}

const hub = () => server.app.container.resolve(EventHub);

const open: LiveSubscription[] = [];
function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}): LiveSubscription {
  const subscription = subscribeOn(client, query, variables);
  open.push(subscription);
  return subscription;
}
// Each test starts with no subscription registered, so a test can tell when its own one is.
afterEach(async () => {
  for (const subscription of open.splice(0)) subscription.stop();
  await until(() => hub().subscriberCount === 0, 'every subscription to be removed');
});

async function append(events: EventInput[]): Promise<void> {
  await server.dataSource.transaction((manager) => server.app.container.resolve(EventService).append(manager, events));
}

/** Events numbered from..to, one per transaction unless `perTransaction` says otherwise. */
async function appendNumbered(from: number, to: number, perTransaction = 1): Promise<void> {
  for (let start = from; start <= to; start += perTransaction) {
    const end = Math.min(start + perTransaction - 1, to);
    const batch: EventInput[] = [];
    for (let n = start; n <= end; n++) batch.push({ type: EventType.DEPLOYMENT_LOG, data: { n } });
    await append(batch);
  }
}

async function lastSequence(): Promise<string> {
  const [{ last }] = await server.dataSource.query<{ last: string }[]>(
    'SELECT coalesce(max(sequence), 0)::text AS last FROM event_record',
  );
  return last;
}

/** Subscribes and waits until this process's hub has registered the subscription. */
async function subscribeLive(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<LiveSubscription> {
  const before = hub().subscriberCount;
  const subscription = subscribe(client, query, variables);
  await until(() => hub().subscriberCount > before || subscription.completed, 'the subscription to register');
  return subscription;
}

const EVENTS = `subscription ($after: Sequence, $filter: EventFilter) { events(afterSequence: $after, filter: $filter) { ${EVENT_FIELDS} } }`;

const numbers = (subscription: LiveSubscription) => subscription.events.map((event) => event.data.n as unknown);

function expectIncreasingSequences(events: { sequence: string }[]) {
  for (let i = 1; i < events.length; i++) expect(BigInt(events[i].sequence)).toBeGreaterThan(BigInt(events[i - 1].sequence));
}

describe('the events subscription', () => {
  it('delivers committed events to a subscriber in sequence order', async () => {
    const subscription = await subscribeLive(admin, EVENTS);
    await append([
      { type: EventType.ROLLOUT_CREATED, data: { n: 1 } },
      { type: EventType.ROLLOUT_STARTED, data: { n: 2 } },
    ]);
    await append([{ type: EventType.TARGET_UPDATED, data: { n: 3 } }]);
    await append([
      { type: EventType.DEPLOYMENT_UPDATED, data: { n: 4 } },
      { type: EventType.DEPLOYMENT_LOG, data: { n: 5 } },
    ]);

    const events = await subscription.waitForEvents(5);
    expect(events.map((event) => [event.type, event.data.n])).toEqual([
      ['rollout.created', 1],
      ['rollout.started', 2],
      ['target.updated', 3],
      ['deployment.updated', 4],
      ['deployment.log', 5],
    ]);
    expectIncreasingSequences(events);
    expect(new Date(events[0].at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    subscription.stop();
  });

  it('without afterSequence, sends only events committed after it started', async () => {
    await appendNumbered(1, 2);
    const subscription = await subscribeLive(admin, EVENTS);
    await appendNumbered(3, 4);
    await subscription.waitForEvents(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(numbers(subscription)).toEqual([3, 4]);
    subscription.stop();
  });

  it('gives a reconnecting client everything it missed, in order, then live events, with no duplicates', async () => {
    const start = await lastSequence();
    const first = subscribe(admin, EVENTS, { after: start });
    await appendNumbered(1, 3);
    const seen = await first.waitForEvents(3);
    first.stop();
    const resumeAfter = seen[2].sequence;

    // Missed while away: more than one page of the log, committed in large and small transactions.
    await appendNumbered(4, 703, 350);
    await appendNumbered(704, 1203, 25);

    const second = await subscribeLive(admin, EVENTS, { after: resumeAfter });
    // Committed while the replay is being read: these must follow it, once each.
    await appendNumbered(1204, 1210);

    const events = await second.waitForEvents(1207);
    expect(numbers(second)).toEqual(Array.from({ length: 1207 }, (_, i) => i + 4));
    expectIncreasingSequences(events);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second.events).toHaveLength(1207);
    second.stop();
  });

  it('emits nothing for a rolled-back transaction', async () => {
    const subscription = subscribe(admin, EVENTS, { after: await lastSequence() });
    await expect(
      server.dataSource.transaction(async (manager) => {
        await server.app.container
          .resolve(EventService)
          .append(manager, [{ type: EventType.ROLLOUT_CREATED, data: { n: 'rolled back' } }]);
        throw new Error('the command failed after appending its event');
      }),
    ).rejects.toThrow('the command failed');
    await append([{ type: EventType.ROLLOUT_CREATED, data: { n: 'committed' } }]);

    await subscription.waitForEvents(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(numbers(subscription)).toEqual(['committed']);
    subscription.stop();
  });

  it('delivers an event whose notification never came, by reading the log periodically', async () => {
    const subscription = await subscribeLive(admin, EVENTS);
    const runner = server.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query('SELECT pg_advisory_xact_lock(7315001)');
      await runner.query(`INSERT INTO event_record (type, data) VALUES ('deployment.log', '{"n": "unannounced"}')`);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    await subscription.waitForEvents(1, 5000);
    expect(numbers(subscription)).toEqual(['unannounced']);
    subscription.stop();
  });

  it('filters by event type', async () => {
    const subscription = subscribe(admin, EVENTS, { after: await lastSequence(), filter: { types: ['TARGET_UPDATED'] } });
    await append([
      { type: EventType.DEPLOYMENT_UPDATED, data: { n: 1 } },
      { type: EventType.TARGET_UPDATED, data: { n: 2 } },
    ]);
    await append([{ type: EventType.TARGET_UPDATED, data: { n: 3 } }]);
    await subscription.waitForEvents(2);
    expect(numbers(subscription)).toEqual([2, 3]);
    subscription.stop();
  });

  it('takes afterSequence as an Int or as a String, written in the query or passed as a variable', async () => {
    const start = await lastSequence();
    await appendNumbered(1, 2);
    const forms = [
      subscribe(admin, `subscription { events(afterSequence: ${start}) { ${EVENT_FIELDS} } }`),
      subscribe(admin, `subscription { events(afterSequence: "${start}") { ${EVENT_FIELDS} } }`),
      subscribe(admin, EVENTS, { after: Number(start) }),
      subscribe(admin, EVENTS, { after: start }),
    ];
    for (const subscription of forms) {
      await subscription.waitForEvents(2);
      expect(numbers(subscription)).toEqual([1, 2]);
      subscription.stop();
    }
    const fromTheStart = subscribe(
      admin,
      `subscription { events(afterSequence: 0, filter: { types: [ROLLOUT_CREATED] }) { sequence } }`,
    );
    await fromTheStart.waitForEvents(1);
    expect(fromTheStart.errors).toEqual([]);
    fromTheStart.stop();
  });

  it('refuses an afterSequence that is not a sequence', async () => {
    const literal = subscribe(admin, `subscription { events(afterSequence: -1) { sequence } }`);
    await literal.waitForEnd();
    expect(literal.errors[0].message).toContain('An event sequence is a whole number');
    const subscription = subscribe(admin, EVENTS, { after: 'yesterday' });
    await subscription.waitForEnd();
    expect(subscription.errors[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('stops following the log for a subscription the client ended or whose connection closed', async () => {
    const before = hub().subscriberCount;
    const subscription = await subscribeLive(admin, EVENTS);
    expect(hub().subscriberCount).toBe(before + 1);
    subscription.stop();
    await until(() => hub().subscriberCount === before, 'the subscription to be removed');

    const leaving = await connectWebSocket(server.url, server.adminToken);
    await subscribeLive(leaving, EVENTS);
    await leaving.dispose();
    await until(() => hub().subscriberCount === before, 'the subscription of a closed connection to be removed');
  });
});

describe('a subscriber that cannot keep up', () => {
  let slowHub: EventHub;
  beforeAll(async () => {
    slowHub = new EventHub(server.dataSource, { maxBuffered: 5, pageSize: 2, pollIntervalMs: 100 });
    await slowHub.start();
  });
  afterAll(() => slowHub.stop());

  it('is ended with the sequence to resume from, and does not hold up the others', async () => {
    const slow = slowHub.subscribe({ access: Access.system() });
    const fast = slowHub.subscribe({ access: Access.system() });
    const fastReceived: EventRecord[] = [];
    const fastReading = (async () => {
      for await (const event of fast) {
        fastReceived.push(event);
        if (fastReceived.length === 12) break;
      }
    })();

    await appendNumbered(1, 12, 12);
    await fastReading;
    expect(fastReceived.map((event) => event.data.n)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));

    // The slow one still gets what was queued for it, then the error naming the last event it got.
    const slowReceived: EventRecord[] = [];
    const error = await (async () => {
      try {
        for await (const event of slow) slowReceived.push(event);
      } catch (caught) {
        return caught;
      }
    })();
    expect(slowReceived.map((event) => event.data.n)).toEqual([1, 2, 3, 4, 5]);
    expect(error).toBeInstanceOf(SlowSubscriberError);
    expect((error as SlowSubscriberError).lastSequence).toBe(slowReceived[4].sequence);
    expect((error as SlowSubscriberError).message).toContain(`afterSequence "${slowReceived[4].sequence}"`);
    expect(slowHub.subscriberCount).toBe(0);

    // Resuming from there gives the rest.
    const resumed = slowHub.subscribe({ access: Access.system(), afterSequence: slowReceived[4].sequence });
    const rest: unknown[] = [];
    for await (const event of resumed) {
      rest.push(event.data.n);
      if (rest.length === 7) break;
    }
    expect(rest).toEqual([6, 7, 8, 9, 10, 11, 12]);
  });

  it('is ended as too slow by the size of what waits for it, not only by the number of events', async () => {
    // Far fewer events than the count limit, but each of them large.
    const byteHub = new EventHub(server.dataSource, {
      maxBuffered: 1000,
      maxBufferedBytes: 20_000,
      pageSize: 2,
      pollIntervalMs: 100,
    });
    await byteHub.start();
    try {
      const slow = byteHub.subscribe({ access: Access.system() });
      const fast = byteHub.subscribe({ access: Access.system() });
      const fastReceived: unknown[] = [];
      const fastReading = (async () => {
        for await (const event of fast) {
          fastReceived.push(event.data.n);
          if (fastReceived.length === 12) break;
        }
      })();
      const large: EventInput[] = Array.from({ length: 12 }, (_, i) => ({
        type: EventType.DEPLOYMENT_LOG,
        data: { n: i + 1, lines: ['x'.repeat(5_000)] },
      }));
      await append(large);
      await fastReading;
      expect(fastReceived).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));

      const slowReceived: unknown[] = [];
      const error = await (async () => {
        try {
          for await (const event of slow) slowReceived.push(event.data.n);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(SlowSubscriberError);
      // What fitted in 20 KB: three or four of the 5 KB events, in order.
      expect(slowReceived.length).toBeGreaterThanOrEqual(3);
      expect(slowReceived.length).toBeLessThanOrEqual(4);
      expect(slowReceived).toEqual(Array.from({ length: slowReceived.length }, (_, i) => i + 1));
    } finally {
      await byteHub.stop();
    }
  });

  it('hears of commits through LISTEN, and listens again after losing its connection', async () => {
    const listening = async () =>
      server.dataSource.query<{ pid: number }[]>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'shiplog-events'
           AND state = 'idle' AND query LIKE 'LISTEN%'`,
      );
    // No periodic reads: whatever arrives came through a notification.
    const quietHub = new EventHub(server.dataSource, { pollIntervalMs: 3_600_000 });
    await quietHub.start();
    try {
      const subscription = quietHub.subscribe({ access: Access.system() });
      await appendNumbered(1, 1);
      expect((await subscription.next()).value?.data).toEqual({ n: 1 });

      const before = (await listening()).map((row) => row.pid);
      expect(before.length).toBeGreaterThanOrEqual(2);
      await server.dataSource.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
      for (const deadline = Date.now() + 10_000; ;) {
        const now = (await listening()).map((row) => row.pid);
        if (now.length === before.length && !now.some((pid) => before.includes(pid))) break;
        if (Date.now() > deadline) throw new Error('The listeners did not reconnect');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await appendNumbered(2, 2);
      expect((await subscription.next()).value?.data).toEqual({ n: 2 });
    } finally {
      await quietHub.stop();
    }
  });

  it('hands out events in order to a consumer that asks again before an answer came', async () => {
    const after = await lastSequence();
    await appendNumbered(1, 5);
    // Five to replay (pages of two), then five live ones, all asked for at once.
    const subscription = slowHub.subscribe({ access: Access.system(), afterSequence: after });
    const reads = Array.from({ length: 10 }, () => subscription.next());
    await appendNumbered(6, 8);
    await appendNumbered(9, 10, 2);
    const results = await Promise.all(reads);
    expect(results.map((result) => (result.done ? 'done' : result.value.data.n))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const waiting = subscription.next();
    await subscription.return!();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    expect(slowHub.subscriberCount).toBe(0);
  });

  it('ends its subscriptions when the hub stops', async () => {
    const otherHub = new EventHub(server.dataSource);
    await otherHub.start();
    const subscription = otherHub.subscribe({ access: Access.system() });
    const pending = subscription.next();
    await otherHub.stop();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });
});

describe('authorization of each event', () => {
  let tenantA: Tenant;
  let tenantB: Tenant;
  let rolloutA: Rollout;
  let rolloutB: Rollout;
  let targetA: RolloutTarget;
  let deploymentA: Deployment;
  let scopedToA: Client;
  let installationA: Installation;
  let installationB: Installation;
  let newRollout: () => Promise<Rollout>;

  /** Rollouts, targets and a deployment written directly: the engine that makes them is tested elsewhere. */
  beforeAll(async () => {
    await createTier(server, { name: 'prod', rank: 10 });
    tenantA = await createTenant(server);
    tenantB = await createTenant(server);
    installationA = await createInstallation(server, { tenantSlug: tenantA.slug, tier: 'prod' });
    installationB = await createInstallation(server, { tenantSlug: tenantB.slug, tier: 'prod' });
    const { release, applications, artifacts } = await createLockableRelease(server);
    const rollouts = server.dataSource.getRepository(Rollout);
    newRollout = () =>
      rollouts.save(
        rollouts.create({
          releaseId: release.id,
          status: RolloutStatus.RUNNING,
          failurePolicy: FailurePolicy.PAUSE,
          maxParallel: 1,
          waveCount: 1,
          reason: 'events test',
          createdBy: 'test',
        }),
      );
    rolloutA = await newRollout();
    rolloutB = await newRollout();
    const targets = server.dataSource.getRepository(RolloutTarget);
    targetA = await targets.save(
      targets.create({
        rolloutId: rolloutA.id,
        installationId: installationA.id,
        tenantId: tenantA.id,
        wave: 1,
        position: 1,
        status: TargetStatus.RUNNING,
      }),
    );
    await targets.save(
      targets.create({
        rolloutId: rolloutB.id,
        installationId: installationB.id,
        tenantId: tenantB.id,
        wave: 1,
        position: 1,
        status: TargetStatus.RUNNING,
      }),
    );
    const deployments = server.dataSource.getRepository(Deployment);
    deploymentA = await deployments.save(
      deployments.create({
        installationId: installationA.id,
        tenantId: tenantA.id,
        applicationId: applications[0].id,
        artifactId: artifacts[0].id,
        rolloutId: rolloutA.id,
        targetId: targetA.id,
        stage: 1,
        status: DeploymentStatus.IN_PROGRESS,
        reason: 'events test',
        triggeredBy: 'system',
      }),
    );
    const user = await createSignedInUser(server, { role: 'VIEWER', tenantSlugs: [tenantA.slug] });
    scopedToA = await connect(user.token);
  });

  /** One event of each kind of audience, then a marker in tenant A that everyone who may see A receives last. */
  async function appendOneOfEach(): Promise<void> {
    await append([
      {
        type: EventType.DEPLOYMENT_UPDATED,
        tenantId: tenantA.id,
        rolloutId: rolloutA.id,
        deploymentId: deploymentA.id,
        data: { n: 'A' },
      },
    ]);
    await append([{ type: EventType.DEPLOYMENT_UPDATED, tenantId: tenantB.id, rolloutId: rolloutB.id, data: { n: 'B' } }]);
    await append([
      { type: EventType.ROLLOUT_STARTED, rolloutId: rolloutA.id, data: { n: 'rollout A' } },
      { type: EventType.ROLLOUT_STARTED, rolloutId: rolloutB.id, data: { n: 'rollout B' } },
    ]);
    await append([{ type: EventType.ROLLOUT_CREATED, data: { n: 'no tenant, no rollout' } }]);
    await append([
      { type: EventType.TARGET_UPDATED, tenantId: tenantA.id, rolloutId: rolloutA.id, targetId: targetA.id, data: { n: 'end' } },
    ]);
  }

  it('a tenant-scoped subscriber never receives another tenant’s event', async () => {
    const after = await lastSequence();
    const everything = subscribe(admin, EVENTS, { after });
    const scoped = subscribe(scopedToA, EVENTS, { after });
    const token = await createApiToken(server, { role: 'VIEWER', tenantSlugs: [tenantB.slug] });
    const scopedToB = subscribe(await connect(token.token), EVENTS, { after });
    await appendOneOfEach();

    await everything.waitForEvents(6);
    expect(numbers(everything)).toEqual(['A', 'B', 'rollout A', 'rollout B', 'no tenant, no rollout', 'end']);
    await scoped.waitForEvents(3);
    await scopedToB.waitForEvents(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(numbers(scoped)).toEqual(['A', 'rollout A', 'end']);
    expect(numbers(scopedToB)).toEqual(['B', 'rollout B']);
    for (const subscription of [everything, scoped, scopedToB]) subscription.stop();
  });

  it('replays to a tenant-scoped subscriber only what it may see', async () => {
    const after = await lastSequence();
    await appendOneOfEach();
    const scoped = subscribe(scopedToA, EVENTS, { after });
    await scoped.waitForEvents(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(numbers(scoped)).toEqual(['A', 'rollout A', 'end']);
    scoped.stop();
  });

  it('filters by tenant slugs, within what the caller may see', async () => {
    const after = await lastSequence();
    const onlyB = subscribe(admin, EVENTS, { after, filter: { tenantSlugs: [tenantB.slug] } });
    const scopedAskingForB = subscribe(scopedToA, EVENTS, { after, filter: { tenantSlugs: [tenantB.slug, tenantA.slug] } });
    await appendOneOfEach();
    await onlyB.waitForEvents(2);
    await scopedAskingForB.waitForEvents(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(numbers(onlyB)).toEqual(['B', 'rollout B']);
    expect(numbers(scopedAskingForB)).toEqual(['A', 'rollout A', 'end']);
    onlyB.stop();
    scopedAskingForB.stop();
  });

  it('rolloutEvents delivers the events of one rollout, with the rollout, target and deployment', async () => {
    const after = await lastSequence();
    const subscription = subscribe(
      admin,
      `subscription ($rolloutId: ID!, $after: Sequence) {
        rolloutEvents(rolloutId: $rolloutId, afterSequence: $after) {
          ${EVENT_FIELDS} rollout { id status } target { id wave status } deployment { id status }
        }
      }`,
      { rolloutId: rolloutA.id, after },
    );
    await appendOneOfEach();
    const events = await subscription.waitForEvents(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(numbers(subscription)).toEqual(['A', 'rollout A', 'end']);
    expect(events[0]).toMatchObject({
      rollout: { id: rolloutA.id, status: 'RUNNING' },
      target: null,
      deployment: { id: deploymentA.id, status: 'IN_PROGRESS' },
    });
    expect(events[2]).toMatchObject({ target: { id: targetA.id, wave: 1, status: 'RUNNING' }, deployment: null });
    subscription.stop();
  });

  it('rolloutEvents and an events filter by rollout give the same events to a scoped caller', async () => {
    const after = await lastSequence();
    const byRollout = subscribe(
      scopedToA,
      `subscription ($id: ID!, $after: Sequence) { rolloutEvents(rolloutId: $id, afterSequence: $after) { ${EVENT_FIELDS} } }`,
      {
        id: rolloutA.id,
        after,
      },
    );
    const byFilter = subscribe(scopedToA, EVENTS, { after, filter: { rolloutId: rolloutA.id } });
    await appendOneOfEach();
    await byRollout.waitForEvents(3);
    await byFilter.waitForEvents(3);
    expect(numbers(byRollout)).toEqual(['A', 'rollout A', 'end']);
    expect(numbers(byFilter)).toEqual(['A', 'rollout A', 'end']);
    byRollout.stop();
    byFilter.stop();
  });

  it('gives subscribers of one operation each the answer their own scope allows', async () => {
    // A rollout that reaches both tenants: its rollout-wide events go to both, but each sees only its own targets.
    const rollout = await newRollout();
    const targets = server.dataSource.getRepository(RolloutTarget);
    const [inA, inB] = await targets.save(
      (
        [
          [installationA, tenantA],
          [installationB, tenantB],
        ] as const
      ).map(([installation, tenant], position) =>
        targets.create({
          rolloutId: rollout.id,
          installationId: installation.id,
          tenantId: tenant.id,
          wave: 1,
          position: position + 1,
          status: TargetStatus.PENDING,
        }),
      ),
    );
    const query = `subscription { events(filter: { types: [ROLLOUT_STARTED] }) { data rollout { id targets { id } } } }`;
    const otherScopedToA = await connect((await createApiToken(server, { role: 'VIEWER', tenantSlugs: [tenantA.slug] })).token);
    const scopedToB = await connect((await createApiToken(server, { role: 'VIEWER', tenantSlugs: [tenantB.slug] })).token);
    const subscribers = {
      admin: await subscribeLive(admin, query),
      secondAdmin: await subscribeLive(admin, query),
      scopedToA: await subscribeLive(scopedToA, query),
      otherScopedToA: await subscribeLive(otherScopedToA, query),
      scopedToB: await subscribeLive(scopedToB, query),
    };
    await append([{ type: EventType.ROLLOUT_STARTED, rolloutId: rollout.id, data: { n: 'both' } }]);

    const targetsSeen = async (subscription: LiveSubscription) => {
      const [event] = await subscription.waitForEvents(1);
      expect(event.data).toEqual({ n: 'both' });
      expect((event.rollout as { id: string }).id).toBe(rollout.id);
      return (event.rollout as { targets: { id: string }[] }).targets.map((target) => target.id).sort();
    };
    expect(await targetsSeen(subscribers.admin)).toEqual([inA.id, inB.id].sort());
    expect(await targetsSeen(subscribers.secondAdmin)).toEqual([inA.id, inB.id].sort());
    expect(await targetsSeen(subscribers.scopedToA)).toEqual([inA.id]);
    expect(await targetsSeen(subscribers.otherScopedToA)).toEqual([inA.id]);
    expect(await targetsSeen(subscribers.scopedToB)).toEqual([inB.id]);
    for (const subscription of Object.values(subscribers)) subscription.stop();
  });

  it('reads the related records afresh for every event', async () => {
    const query = `subscription ($filter: EventFilter) { events(filter: $filter) { data deployment { id status } } }`;
    const subscriptions = [
      await subscribeLive(admin, query, { filter: { rolloutId: rolloutA.id } }),
      await subscribeLive(scopedToA, query, { filter: { rolloutId: rolloutA.id } }),
    ];
    const deployments = server.dataSource.getRepository(Deployment);
    const event = (n: string) => ({
      type: EventType.DEPLOYMENT_UPDATED as const,
      tenantId: tenantA.id,
      rolloutId: rolloutA.id,
      deploymentId: deploymentA.id,
      data: { n },
    });
    try {
      await append([event('before')]);
      for (const subscription of subscriptions) await subscription.waitForEvents(1);
      await deployments.update(deploymentA.id, { status: DeploymentStatus.SUCCEEDED });
      await append([event('after')]);
      for (const subscription of subscriptions) {
        const events = await subscription.waitForEvents(2);
        expect(events.map((received) => [received.data.n, (received.deployment as { status: string }).status])).toEqual([
          ['before', 'IN_PROGRESS'],
          ['after', 'SUCCEEDED'],
        ]);
      }
    } finally {
      await deployments.update(deploymentA.id, { status: DeploymentStatus.IN_PROGRESS });
      for (const subscription of subscriptions) subscription.stop();
    }
  });

  it('answers NOT_FOUND for a rollout the caller cannot see, exactly as for one that does not exist', async () => {
    const query = `subscription ($id: ID!) { rolloutEvents(rolloutId: $id) { sequence } }`;
    for (const id of [rolloutB.id, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const subscription = subscribe(scopedToA, query, { id });
      await subscription.waitForEnd();
      expect(subscription.errors).toHaveLength(1);
      expect(subscription.errors[0].extensions?.code).toBe('NOT_FOUND');
      expect(subscription.errors[0].message).toBe(`Rollout '${id}' not found`);
    }
    const filtered = subscribe(scopedToA, EVENTS, { filter: { rolloutId: rolloutB.id } });
    await filtered.waitForEnd();
    expect(filtered.errors[0].extensions?.code).toBe('NOT_FOUND');
  });
});
