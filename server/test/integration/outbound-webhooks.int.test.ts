import { Webhook as StandardWebhook } from 'standardwebhooks';
import { EventService, EventType } from '../../src/events/event.service';
import { WebhookDelivery } from '../../src/modules/webhook/webhook-delivery';
import {
  createApplications,
  createFleet,
  createTiers,
  lockedRelease,
  startRollout,
  waitFor,
  waitForRollout,
} from '../factories/rollouts';
import { auditEvents, createSignedInUser } from '../factories/tenants';
import { startReceiver, type Answer, type ReceivedRequest } from '../support/receiver';
import { dataOf, errorCode, startReplica, startTestServer, type TestServer } from '../support/server';

const WEBHOOK_FIELDS = 'id url description eventTypes tenantSlugs enabled disabledReason format secret';
const CREATE = `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { ${WEBHOOK_FIELDS} } }`;
const MESSAGES = `query ($id: ID!, $filter: WebhookMessageFilter) { webhook(id: $id) { ${WEBHOOK_FIELDS}
  messages(first: 100, filter: $filter) { totalCount nodes { id eventType status webhookMessageId createdAt
    attempts { at httpStatus durationMs error responseHeaders responseBody } } } } }`;

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

async function createWebhook(server: TestServer, input: Record<string, unknown>, token?: string) {
  return dataOf(await server.gql<{ createWebhook: any }>(CREATE, { input }, token)).createWebhook;
}

async function messagesOf(server: TestServer, id: string, filter?: Record<string, unknown>) {
  return dataOf(await server.gql<{ webhook: any }>(MESSAGES, { id, filter })).webhook;
}

/** Every request verifies with the secret, as a receiver using the standardwebhooks library checks it. */
function verified(secret: string, request: ReceivedRequest): any {
  return new StandardWebhook(secret).verify(request.raw, request.headers as Record<string, string>);
}

function receiverFor(answers: Answer[] = []) {
  return startReceiver((_request, earlier) => answers[earlier.length] ?? { status: 200 });
}

describe('outbound webhooks', () => {
  let server: TestServer;
  const receivers: Receiver[] = [];
  const receiver = async (answers: Answer[] = []) => {
    const started = await receiverFor(answers);
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    server = await startTestServer({ SHIPLOG_WEBHOOK_RETRY_SCHEDULE: '0s,1s,1s', SHIPLOG_PUBLIC_URL: 'https://shiplog.example' });
    await createTiers(server);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await server.close();
  });

  it('sends signed messages of a rollout, each webhook only what its tenants may see', async () => {
    const all = await receiver();
    const scoped = await receiver();
    const fleet = await createFleet(server, [
      { tenant: 'alpha', slug: 'prod', tier: 'prod' },
      { tenant: 'beta', slug: 'prod', tier: 'prod' },
    ]);
    const everything = await createWebhook(server, { url: `${all.url}/all`, description: 'everything' });
    const alphaOnly = await createWebhook(server, { url: `${scoped.url}/alpha`, tenantSlugs: ['alpha'] });
    expect(everything.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(everything).toMatchObject({ eventTypes: [], tenantSlugs: [], enabled: true, format: 'STANDARD' });
    expect(alphaOnly.tenantSlugs).toEqual(['alpha']);

    await createApplications(server, ['api'], ['1.0.0']);
    const releaseId = await lockedRelease(server, '1.0.0', [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const rollout = dataOf(
      await startRollout(server, { releaseId, installationIds: [fleet['alpha/prod'], fleet['beta/prod']] }),
    ).startRollout;
    await waitForRollout(server, rollout.id, (r) => r.status === 'SUCCEEDED');

    const types = (r: Receiver) => r.requests.map((request) => (request.body as { type: string }).type);
    await waitFor(
      'the rollout to reach both receivers',
      async () => [types(all), types(scoped)],
      ([a, s]) =>
        a.includes('rollout.succeeded') &&
        s.includes('rollout.succeeded') &&
        a.filter((t) => t === 'deployment.succeeded').length === 2,
    );
    const payloads = all.requests.map((request) => verified(everything.secret, request));
    expect(types(all)).toEqual(
      expect.arrayContaining(['artifact.registered', 'release.locked', 'rollout.started', 'rollout.wave_completed']),
    );
    const deployed = payloads.filter((p) => p.type === 'deployment.succeeded');
    expect(deployed.map((p) => p.data.tenant.slug).sort()).toEqual(['alpha', 'beta']);
    expect(deployed[0].data).toMatchObject({
      application: { slug: 'api' },
      artifact: { version: '1.0.0' },
      release: { version: '1.0.0', track: { slug: 'product' } },
      rollout: { id: rollout.id, url: `https://shiplog.example/rollouts/${rollout.id}` },
    });
    for (const request of all.requests) {
      expect(request.headers['webhook-id']).toMatch(/^msg_/);
      expect(Number(request.headers['webhook-timestamp'])).toBeGreaterThan(1_700_000_000);
      expect(request.raw).not.toContain(everything.secret);
    }

    const scopedPayloads = scoped.requests.map((request) => verified(alphaOnly.secret, request));
    expect(scopedPayloads.some((p) => p.type === 'rollout.started')).toBe(true);
    expect(scopedPayloads.some((p) => p.type === 'release.locked' || p.type === 'artifact.registered')).toBe(false);
    expect(scopedPayloads.filter((p) => p.data.tenant).every((p) => p.data.tenant.slug === 'alpha')).toBe(true);
    expect(JSON.stringify(scopedPayloads)).not.toContain('beta');

    // The receiver has the request before the sender records its answer: wait for the log to say so.
    const log = await waitFor(
      'both deployment messages to be logged as delivered',
      () => messagesOf(server, everything.id, { eventType: 'DEPLOYMENT_SUCCEEDED' }),
      (found) => found.messages.nodes.every((node: { status: string }) => node.status !== 'PENDING'),
    );
    expect(log.secret).toBeNull();
    expect(log.messages.totalCount).toBe(2);
    expect(log.messages.nodes[0]).toMatchObject({ status: 'SUCCEEDED', eventType: 'DEPLOYMENT_SUCCEEDED' });
    expect(log.messages.nodes[0].attempts[0].httpStatus).toBe(200);

    // A whole rollout's event with a reason naming beta: both endpoints get the same data, the alpha-only one
    // without the reason.
    const events = server.app.container.resolve(EventService);
    await server.dataSource.transaction((manager) =>
      events.append(manager, [
        { type: EventType.ROLLOUT_FAILED, rolloutId: rollout.id, data: { status: 'FAILED', reason: 'beta / prod failed' } },
      ]),
    );
    const failedOf = (r: Receiver, secret: string) =>
      r.requests.map((request) => verified(secret, request)).find((p) => p.type === 'rollout.failed');
    await waitFor(
      'rollout.failed at both endpoints',
      async () => [failedOf(all, everything.secret), failedOf(scoped, alphaOnly.secret)],
      (both) => both.every(Boolean),
    );
    const [full, limited] = [failedOf(all, everything.secret), failedOf(scoped, alphaOnly.secret)];
    expect(full.data.reason).toBe('beta / prod failed');
    expect(limited.data).not.toHaveProperty('reason');
    const { reason: _reason, ...shared } = full.data;
    expect(limited.data).toEqual(shared);
    expect(limited.data.rollout).toMatchObject({ id: rollout.id });
  });

  it('retries a failing message under the same webhook-id, honouring Retry-After', async () => {
    const endpoint = await receiver([{ status: 429, headers: { 'retry-after': '2' } }, { status: 500 }, { status: 200 }]);
    const webhook = await createWebhook(server, { url: endpoint.url, eventTypes: ['WEBHOOK_TEST'] });
    const message = dataOf(
      await server.gql(`mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id status webhookMessageId } }`, {
        id: webhook.id,
      }),
    ).testWebhook;
    // Failing from the first refusal until a delivery succeeds.
    const failingSince = async () =>
      dataOf(await server.gql<{ webhook: any }>(`query ($id: ID!) { webhook(id: $id) { failingSince } }`, { id: webhook.id }))
        .webhook.failingSince;
    await waitFor('the endpoint to count as failing', failingSince, (at) => at !== null);
    const done = await waitFor(
      'the message to be delivered',
      async () => (await messagesOf(server, webhook.id)).messages.nodes[0],
      (node) => node.status === 'SUCCEEDED',
    );
    expect(await failingSince()).toBeNull();
    expect(endpoint.requests.map((r) => r.headers['webhook-id'])).toEqual(Array(3).fill(message.webhookMessageId));
    endpoint.requests.forEach((request) => expect(verified(webhook.secret, request)).toMatchObject({ type: 'webhook.test' }));
    expect(done.attempts.map((a: any) => a.httpStatus)).toEqual([429, 500, 200]);
    expect(done.attempts[0].responseHeaders['retry-after']).toBe('2');
    const gap = Date.parse(done.attempts[1].at) - Date.parse(done.attempts[0].at);
    expect(gap).toBeGreaterThanOrEqual(2000);
  });

  it('never follows a redirect, and marks the message failed when every attempt is spent', async () => {
    const elsewhere = await receiver();
    const endpoint = await receiver(Array(10).fill({ status: 302, headers: { location: elsewhere.url } }));
    const webhook = await createWebhook(server, { url: endpoint.url });
    dataOf(await server.gql(`mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id } }`, { id: webhook.id }));
    const failed = await waitFor(
      'the message to fail',
      async () => (await messagesOf(server, webhook.id)).messages.nodes[0],
      (node) => node.status === 'FAILED',
    );
    expect(failed.attempts.map((a: any) => [a.httpStatus, a.error])).toEqual(Array(3).fill([302, 'Redirects are not followed']));
    expect(elsewhere.requests).toHaveLength(0);

    // Redelivery sends it again under the same id; replay queues the range again.
    const redelivered = dataOf(
      await server.gql(`mutation ($id: ID!) { redeliverWebhookMessage(input: { messageId: $id }) { id status } }`, {
        id: failed.id,
      }),
    ).redeliverWebhookMessage;
    expect(redelivered.status).toBe('PENDING');
    await waitFor(
      'the redelivery',
      async () => endpoint.requests.length,
      (n) => n === 4,
    );
    expect(new Set(endpoint.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    await waitFor(
      'the redelivery to fail again',
      async () => (await messagesOf(server, webhook.id)).messages.nodes[0],
      (n) => n.status === 'FAILED',
    );
    const replay = dataOf(
      await server.gql(
        `mutation ($id: ID!, $since: DateTime!) { replayWebhook(input: { webhookId: $id, since: $since }) { queued webhook { id } } }`,
        { id: webhook.id, since: new Date(Date.now() - 3_600_000).toISOString() },
      ),
    ).replayWebhook;
    expect(replay.queued).toBe(1);
    await waitFor(
      'the replay',
      async () => endpoint.requests.length,
      (n) => n >= 5,
    );
  });

  it('lists each endpoint with its recent deliveries by status and its last attempt', async () => {
    const healthy = await receiver();
    const broken = await receiver(Array(10).fill({ status: 500 }));
    const good = await createWebhook(server, { url: healthy.url, description: 'recent good' });
    const bad = await createWebhook(server, { url: broken.url, description: 'recent bad' });
    const idle = await createWebhook(server, { url: healthy.url, description: 'recent idle' });
    const test = `mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id } }`;
    for (const id of [good.id, good.id, bad.id]) dataOf(await server.gql(test, { id }));
    const recent = async () =>
      dataOf(
        await server.gql<{ webhooks: any }>(
          `{ webhooks(first: 100) { nodes { id recentDeliveries { succeeded failed pending lastDeliveryAt } } } }`,
        ),
      ).webhooks.nodes as { id: string; recentDeliveries: any }[];
    const listed = await waitFor(
      'both tested endpoints to settle',
      recent,
      (nodes) =>
        nodes.find((n) => n.id === good.id)?.recentDeliveries.succeeded === 2 &&
        nodes.find((n) => n.id === bad.id)?.recentDeliveries.failed === 1,
    );
    const of = (id: string) => listed.find((n) => n.id === id)!.recentDeliveries;
    expect(of(good.id)).toMatchObject({ succeeded: 2, failed: 0, pending: 0 });
    expect(of(bad.id)).toMatchObject({ succeeded: 0, failed: 1, pending: 0 });
    expect(of(idle.id)).toEqual({ succeeded: 0, failed: 0, pending: 0, lastDeliveryAt: null });
    const badMessages = (await messagesOf(server, bad.id)).messages.nodes;
    const lastAttempt = badMessages[0].attempts.at(-1).at;
    expect(of(bad.id).lastDeliveryAt).toBe(lastAttempt);
  });

  it('drops delivered and failed messages older than the retention with their attempts, and keeps pending ones', async () => {
    const healthy = await receiver();
    const webhook = await createWebhook(server, { url: healthy.url, description: 'retention' });
    const test = `mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id } }`;
    for (let n = 0; n < 3; n++) dataOf(await server.gql(test, { id: webhook.id }));
    const settled = await waitFor(
      'three delivered test messages',
      async () => (await messagesOf(server, webhook.id)).messages.nodes as { id: string; status: string }[],
      (nodes) => nodes.length === 3 && nodes.every((n) => n.status === 'SUCCEEDED'),
    );
    const [kept, old, oldPending] = settled.map((n) => n.id);
    // One delivered 31 days ago, one still pending from 40 days ago (its retries are not over).
    await server.dataSource.query(`UPDATE webhook_message SET created_at = now() - interval '31 days' WHERE id = $1`, [old]);
    await server.dataSource.query(
      `UPDATE webhook_message SET created_at = now() - interval '40 days', status = 'PENDING', next_attempt_at = now() + interval '1 day'
        WHERE id = $1`,
      [oldPending],
    );
    await server.app.container.resolve(WebhookDelivery).maintain();
    const left = (await messagesOf(server, webhook.id)).messages.nodes.map((n: { id: string }) => n.id);
    expect(left.sort()).toEqual([kept, oldPending].sort());
    const [{ attempts }] = await server.dataSource.query<{ attempts: number }[]>(
      'SELECT count(*)::int AS attempts FROM webhook_attempt WHERE message_id = $1',
      [old],
    );
    expect(attempts).toBe(0);
  });

  it('disables an endpoint that answers 410 Gone, in the open', async () => {
    const endpoint = await receiver([{ status: 410 }]);
    const webhook = await createWebhook(server, { url: endpoint.url });
    dataOf(await server.gql(`mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id } }`, { id: webhook.id }));
    const disabled = await waitFor(
      'the webhook to be disabled',
      async () => messagesOf(server, webhook.id),
      (w) => w.enabled === false,
    );
    expect(disabled.disabledReason).toContain('410');
    expect(disabled.messages.nodes[0]).toMatchObject({ status: 'FAILED' });
    expect(endpoint.requests).toHaveLength(1);
    const audit = await auditEvents(server, { action: 'webhook.disable', subjectId: webhook.id });
    expect(audit.nodes).toHaveLength(1);
    const attention = dataOf(
      await server.gql(`{ webhooks(first: 50, filter: { disabledByShiplog: true }) { nodes { id disabledReason } } }`),
    ).webhooks.nodes;
    expect(attention.map((w: any) => w.id)).toContain(webhook.id);

    const reEnabled = dataOf(
      await server.gql(`mutation ($id: ID!) { updateWebhook(input: { id: $id, enabled: true }) { enabled disabledReason } }`, {
        id: webhook.id,
      }),
    ).updateWebhook;
    expect(reEnabled).toEqual({ enabled: true, disabledReason: null });
  });

  it('signs with both secrets for a day after a rotation, and never reads a secret back', async () => {
    const endpoint = await receiver();
    const webhook = await createWebhook(server, { url: endpoint.url });
    const rotated = dataOf(
      await server.gql(`mutation ($id: ID!) { rotateWebhookSecret(input: { id: $id }) { id secret } }`, { id: webhook.id }),
    ).rotateWebhookSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(webhook.secret);
    dataOf(await server.gql(`mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id } }`, { id: webhook.id }));
    await waitFor(
      'the test message',
      async () => endpoint.requests.length,
      (n) => n === 1,
    );
    const [request] = endpoint.requests;
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verified(webhook.secret, request)).toMatchObject({ type: 'webhook.test' });
    expect(verified(rotated.secret, request)).toMatchObject({ type: 'webhook.test' });

    const read = dataOf(await server.gql(`{ webhooks(first: 100) { nodes { id secret } } }`)).webhooks.nodes;
    expect(read.every((w: any) => w.secret === null)).toBe(true);
    const audit = JSON.stringify(await auditEvents(server, { subjectId: webhook.id }));
    expect(audit).toContain('webhook.rotate_secret');
    expect(audit).not.toContain(webhook.secret.slice(6));
    expect(audit).not.toContain(rotated.secret.slice(6));
  });

  it('lets a tenant-scoped admin manage only webhooks of its tenants', async () => {
    await createFleet(server, [{ tenant: 'gamma', slug: 'prod', tier: 'prod' }]);
    const admin = await createSignedInUser(server, { role: 'ADMIN', tenantSlugs: ['gamma'] });
    const endpoint = await receiver();
    const unscoped = await createWebhook(server, { url: endpoint.url });
    const own = await createWebhook(server, { url: endpoint.url, tenantSlugs: ['gamma'] }, admin.token);
    expect(own.tenantSlugs).toEqual(['gamma']);

    expect(errorCode(await server.gql(CREATE, { input: { url: endpoint.url } }, admin.token))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(CREATE, { input: { url: endpoint.url, tenantSlugs: ['alpha'] } }, admin.token))).toBe(
      'NOT_FOUND',
    );
    const widen = await server.gql(
      `mutation ($id: ID!) { updateWebhook(input: { id: $id, tenantSlugs: ["gamma", "alpha"] }) { id } }`,
      { id: own.id },
      admin.token,
    );
    expect(errorCode(widen)).toBe('NOT_FOUND');
    const other = await server.gql(`mutation ($id: ID!) { deleteWebhook(input: { id: $id }) }`, { id: unscoped.id }, admin.token);
    const missing = await server.gql(
      `mutation { deleteWebhook(input: { id: "00000000-0000-0000-0000-000000000000" }) }`,
      {},
      admin.token,
    );
    expect(errorCode(other)).toBe('NOT_FOUND');
    expect(other.errors![0].message.replace(unscoped.id, 'X')).toBe(
      missing.errors![0].message.replace('00000000-0000-0000-0000-000000000000', 'X'),
    );
    expect(
      dataOf(await server.gql(`query ($id: ID!) { webhook(id: $id) { id } }`, { id: unscoped.id }, admin.token)).webhook,
    ).toBeNull();
    const listed = dataOf(await server.gql(`{ webhooks(first: 100) { nodes { id } } }`, {}, admin.token)).webhooks.nodes;
    expect(listed.map((w: any) => w.id)).toEqual([own.id]);
  });

  it('delivers to a fast endpoint while a slow one holds every request open, and to the slow one after', async () => {
    let holding = true;
    const slow = await startReceiver(() => ({ status: 200, hold: holding }));
    receivers.push(slow);
    const fast = await receiver();
    const slowHook = await createWebhook(server, { url: slow.url, eventTypes: ['WEBHOOK_TEST'], description: 'slow' });
    const fastHook = await createWebhook(server, { url: fast.url, eventTypes: ['WEBHOOK_TEST'], description: 'fast' });
    const test = `mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id } }`;
    // The slow endpoint's messages first: they are at the head of the queue when the fast one's arrive.
    const count = 20;
    for (let i = 0; i < count; i++) dataOf(await server.gql(test, { id: slowHook.id }));
    for (let i = 0; i < count; i++) dataOf(await server.gql(test, { id: fastHook.id }));
    const statuses = async (id: string) =>
      (await messagesOf(server, id)).messages.nodes as { status: string; webhookMessageId: string; attempts: any[] }[];

    // Every fast message is delivered while the slow endpoint still holds its first requests open: only as many
    // as one endpoint may have under way at once, none of them answered or given up on.
    const [fastDone] = await waitFor(
      'the fast endpoint to get everything while the slow one holds its requests',
      async () => [await statuses(fastHook.id), slow.held()] as const,
      ([nodes, held]) => nodes.length === count && nodes.every((n) => n.status === 'SUCCEEDED') && held === 8,
    );
    const slowWaiting = await statuses(slowHook.id);
    expect(slowWaiting).toHaveLength(count);
    expect(slowWaiting.every((n) => n.status === 'PENDING' && n.attempts.length === 0)).toBe(true);
    expect(slow.requests).toHaveLength(8);
    expect(slow.held()).toBe(8);
    expect(fast.requests).toHaveLength(count);
    expect(fast.requests.map((r) => r.headers['webhook-id']).sort()).toEqual(fastDone.map((n) => n.webhookMessageId).sort());

    // Released, the held requests succeed and the rest follow: each message once, as the log says.
    holding = false;
    slow.release();
    const slowDone = await waitFor(
      'the slow endpoint to get everything',
      () => statuses(slowHook.id),
      (nodes) => nodes.every((n) => n.status === 'SUCCEEDED'),
    );
    expect(slowDone.every((n) => n.attempts.length === 1 && n.attempts[0].httpStatus === 200)).toBe(true);
    expect(slow.requests).toHaveLength(count);
    expect(slow.requests.map((r) => r.headers['webhook-id']).sort()).toEqual(slowDone.map((n) => n.webhookMessageId).sort());
    slow.requests.forEach((request) => expect(verified(slowHook.secret, request)).toMatchObject({ type: 'webhook.test' }));
    expect(fast.requests).toHaveLength(count);
  });

  it('refuses link-local targets and writes no message for a rolled-back transaction', async () => {
    const refused = await server.gql(CREATE, { input: { url: 'http://169.254.169.254/latest' } });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');

    const endpoint = await receiver();
    const hook = await createWebhook(server, { url: endpoint.url, eventTypes: ['ROLLOUT_FAILED'] });
    const messages = () =>
      server.dataSource.query<{ reason: string }[]>(
        `SELECT e.data->>'reason' AS reason FROM webhook_message m JOIN event_record e ON e.sequence = m.event_sequence
          WHERE m.webhook_id = $1 ORDER BY m.event_sequence`,
        [hook.id],
      );
    const before = (await messages()).length;
    const events = server.app.container.resolve(EventService);
    await expect(
      server.dataSource.transaction(async (manager) => {
        await events.append(manager, [{ type: EventType.ROLLOUT_FAILED, data: { status: 'FAILED', reason: 'rolled back' } }]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // An event committed after it: once its message is written, the fan-out has passed the rolled-back one.
    await server.dataSource.transaction((manager) =>
      events.append(manager, [{ type: EventType.ROLLOUT_FAILED, data: { status: 'FAILED', reason: 'committed' } }]),
    );
    const after = await waitFor('the committed event to make its message', messages, (rows) => rows.length > before);
    expect(after.slice(before).map((row) => row.reason)).toEqual(['committed']);
  });
});

describe('outbound webhooks, messages made by two replicas', () => {
  let server: TestServer;
  let replica: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    replica = await startReplica(server);
  });
  afterAll(async () => {
    await replica.close();
    await server.close();
  });

  it('writes exactly one message per committed event and webhook, whichever replica appended it', async () => {
    const endpoint = await receiverFor();
    try {
      const append = (on: TestServer, index: number) =>
        on.dataSource.transaction((manager) =>
          on.app.container.resolve(EventService).append(
            manager,
            Array.from({ length: 10 }, (_, n) => ({
              type: EventType.ROLLOUT_FAILED,
              data: { status: 'FAILED', n: index * 10 + n },
            })),
          ),
        );
      // Events from before the webhook existed make no message for it.
      await append(server, 100);
      const hook = await createWebhook(server, { url: endpoint.url, eventTypes: ['ROLLOUT_FAILED'] });
      // 40 transactions of 10 events, from both replicas at once, while both fan out.
      await Promise.all(Array.from({ length: 40 }, (_, index) => append(index % 2 === 0 ? server : replica, index)));
      const counted = async () =>
        (
          await server.dataSource.query(
            `SELECT count(*)::int AS messages, count(DISTINCT event_sequence)::int AS events FROM webhook_message
              WHERE webhook_id = $1`,
            [hook.id],
          )
        )[0] as { messages: number; events: number };
      await waitFor('every event to make its message', counted, (c) => c.messages >= 400);
      // One more event afterwards: once it has its message, the fan-out has passed every earlier one.
      await append(replica, 40);
      expect(await waitFor('the last events', counted, (c) => c.messages >= 410)).toEqual({ messages: 410, events: 410 });
    } finally {
      await endpoint.close();
    }
  });
});

describe('outbound webhooks failing for too long', () => {
  let server: TestServer;
  let failing: Receiver;
  let watcher: Receiver;
  beforeAll(async () => {
    server = await startTestServer({ SHIPLOG_WEBHOOK_RETRY_SCHEDULE: '0s,2s', SHIPLOG_WEBHOOK_DISABLE_AFTER: '1s' });
    failing = await receiverFor(Array(10).fill({ status: 500 }));
    watcher = await receiverFor();
  });
  afterAll(async () => {
    await failing.close();
    await watcher.close();
    await server.close();
  });

  it('disables the endpoint, announces webhook.disabled and records it in the audit', async () => {
    const watching = await createWebhook(server, { url: watcher.url, eventTypes: ['WEBHOOK_DISABLED'] });
    const webhook = await createWebhook(server, { url: failing.url, description: 'pager' });
    dataOf(await server.gql(`mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id } }`, { id: webhook.id }));
    const disabled = await waitFor(
      'the webhook to be disabled',
      async () => messagesOf(server, webhook.id),
      (w) => !w.enabled,
    );
    expect(disabled.disabledReason).toMatch(/Every message failed for more than 1 second/);
    expect(disabled.messages.nodes[0].status).toBe('FAILED');
    expect(failing.requests).toHaveLength(2);

    await waitFor(
      'webhook.disabled to reach the watcher',
      async () => watcher.requests.length,
      (n) => n === 1,
    );
    const announced = verified(watching.secret, watcher.requests[0]);
    expect(announced).toMatchObject({ type: 'webhook.disabled', data: { webhook: { id: webhook.id, description: 'pager' } } });
    expect(JSON.stringify(announced)).not.toContain(failing.url);
    const audit = await auditEvents(server, { action: 'webhook.disable', subjectId: webhook.id });
    expect(audit.nodes).toHaveLength(1);
    const attention = dataOf(await server.gql(`{ webhooks(first: 10, filter: { disabledByShiplog: true }) { nodes { id } } }`));
    expect(attention.webhooks.nodes).toEqual([{ id: webhook.id }]);
  });
});

describe('outbound webhooks, a replica stopping mid-request', () => {
  let server: TestServer;
  let endpoint: Receiver;
  beforeAll(async () => {
    // This server sends nothing itself: which replica sends is the test's choice.
    server = await startTestServer({ SHIPLOG_ENGINE: 'false' });
    // The first request is held open; every later one is answered at once.
    endpoint = await startReceiver((_request, earlier) => ({ status: 200, hold: earlier.length === 0 }));
  });
  afterAll(async () => {
    await endpoint.close();
    await server.close();
  });

  it('leaves the message to the next replica, unrecorded, under the same webhook-id', async () => {
    const webhook = await createWebhook(server, { url: endpoint.url, eventTypes: ['WEBHOOK_TEST'] });
    const sender = await startReplica(server, { SHIPLOG_WEBHOOK_RETRY_SCHEDULE: '0s,1s' });
    const message = dataOf(
      await server.gql(`mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id webhookMessageId } }`, {
        id: webhook.id,
      }),
    ).testWebhook;
    await waitFor(
      'the request to be held open',
      async () => endpoint.held(),
      (n) => n === 1,
    );
    // The stop abandons the request under way: no attempt is recorded, and the message is due again at once.
    await sender.close();
    const [row] = await server.dataSource.query(
      `SELECT status, claimed_until, next_attempt_at <= now() AS due,
              (SELECT count(*)::int FROM webhook_attempt a WHERE a.message_id = m.id) AS attempts
         FROM webhook_message m WHERE id = $1`,
      [message.id],
    );
    expect(row).toEqual({ status: 'PENDING', claimed_until: null, due: true, attempts: 0 });
    await waitFor(
      'the held request to be given up',
      async () => endpoint.held(),
      (n) => n === 0,
    );

    const next = await startReplica(server, { SHIPLOG_WEBHOOK_RETRY_SCHEDULE: '0s,1s' });
    try {
      const delivered = await waitFor(
        'the next replica to deliver it',
        async () => (await messagesOf(server, webhook.id)).messages.nodes[0],
        (node) => node.status === 'SUCCEEDED',
      );
      expect(delivered.attempts.map((a: any) => a.httpStatus)).toEqual([200]);
      expect(endpoint.requests.map((r) => r.headers['webhook-id'])).toEqual([message.webhookMessageId, message.webhookMessageId]);
      expect(verified(webhook.secret, endpoint.requests[1])).toMatchObject({ type: 'webhook.test' });
    } finally {
      await next.close();
    }
  });
});
