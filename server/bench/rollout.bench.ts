/**
 * `pnpm bench`: the rollout engine's throughput and the live-event latency, each beside the raw limit measured
 * in the same run on the same database. Not a test: it prints figures.
 */
import 'reflect-metadata';
import { versionSortKey } from '@shiplog/shared';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket, { WebSocketServer } from 'ws';
import { createApp, type App } from '../src/app';
import { Access } from '../src/auth/access';
import { AuthService } from '../src/auth/auth.service';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded';
import { EventService, EventType } from '../src/events/event.service';
import { log } from '../src/log';
import { ReleaseService } from '../src/modules/release/release.service';
import { RolloutService } from '../src/modules/rollout/rollout.service';
import { webhookEventTypeOf } from '../src/modules/webhook/webhook-event-type';
import { WebhookService } from '../src/modules/webhook/webhook.service';

const INSTALLATIONS = Number(process.env.BENCH_INSTALLATIONS ?? 2000);
const APPLICATIONS = 10;
const STAGES = 3;
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100);
const RAW_CONNECTIONS = 8;
/** The slow webhook receiver answers after this long. */
const SLOW_RECEIVER_MS = 2000;
const TOKEN = `bench-${randomBytes(12).toString('hex')}`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function database(): Promise<{ url: string; cleanup(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const name = `shiplog_bench_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      cleanup: async () => {
        const again = new Client({ connectionString: process.env.DATABASE_URL });
        await again.connect();
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await again.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-bench-'));
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres(dir);
  return {
    url: embedded.url,
    cleanup: async () => {
      await embedded.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fleet and a locked 10-application, 3-stage release, written directly: seeding is not what is measured. */
async function seed(app: App, db: Client): Promise<string> {
  await db.query(`INSERT INTO environment_tier (name, rank) VALUES ('prod', 1)`);
  await db.query(`INSERT INTO tenant (slug, name) SELECT 'tenant-' || g, 'Tenant ' || g FROM generate_series(1, $1) g`, [
    Math.ceil(INSTALLATIONS / 10),
  ]);
  await db.query(
    `INSERT INTO installation (tenant_id, slug, name, tier_id, driver, driver_config)
     SELECT t.id, 'site-' || s, t.name || ' site ' || s, (SELECT id FROM environment_tier), 'SIMULATED', '{"delayMs": 0}'
       FROM tenant t CROSS JOIN generate_series(1, 10) s
      LIMIT $1`,
    [INSTALLATIONS],
  );
  await db.query(`INSERT INTO application (slug, name) SELECT 'app-' || g, 'App ' || g FROM generate_series(1, $1) g`, [
    APPLICATIONS,
  ]);
  await db.query(
    `INSERT INTO artifact (application_id, version, sort_key, image_ref, registered_by) SELECT id, '1.0.0', $1, 'img', 'bench' FROM application`,
    [versionSortKey('1.0.0')],
  );
  await db.query(`INSERT INTO release_track (slug, name) VALUES ('bench', 'Bench')`);
  const releases = app.container.resolve(ReleaseService);
  const system = Access.system();
  const release = await releases.create(system, { trackSlug: 'bench', version: '1.0.0' });
  await releases.setComponents(system, {
    releaseId: release.id,
    components: Array.from({ length: APPLICATIONS }, (_, i) => ({
      applicationSlug: `app-${i + 1}`,
      artifactVersion: '1.0.0',
      stage: (i % STAGES) + 1,
    })),
  });
  await releases.lock(system, release.id);
  return release.id;
}

async function rolloutRate(app: App, db: Client, releaseId: string) {
  const rollouts = app.container.resolve(RolloutService);
  // Each measured rollout starts from tidy tables, so autovacuum catching up with the previous one does not land
  // in the middle of this one.
  await db.query('VACUUM ANALYZE');
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const rollout = await rollouts.start(Access.system(), {
    releaseId,
    selector: { tiers: ['prod'] },
    maxParallel: 200,
    reason: 'benchmark',
  });
  for (;;) {
    const { rows } = await db.query<{ status: string }>('SELECT status FROM rollout WHERE id = $1', [rollout.id]);
    if (!['RUNNING', 'PENDING'].includes(rows[0].status)) {
      if (rows[0].status !== 'SUCCEEDED') throw new Error(`The benchmark rollout ended ${rows[0].status}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const { rows } = await db.query<{ count: string }>(
    `SELECT count(*) FROM deployment WHERE rollout_id = $1 AND status = 'SUCCEEDED'`,
    [rollout.id],
  );
  const deployments = Number(rows[0].count);
  const cpu = process.cpuUsage(cpuBefore);
  // The share of one core the Shiplog process (engine, event hub, webhooks) used: near 100 % it is the limit.
  const processCpu = (cpu.user + cpu.system) / 1e6 / seconds;
  return { deployments, seconds, perSecond: deployments / seconds, processCpu };
}

/**
 * The raw limit: per installation and stage, one transaction that writes the same rows the engine writes for a
 * deployment (insert queued, mark succeeded, upsert what runs where), into copies of the same tables and indexes.
 */
async function rawRate(url: string) {
  const setup = new Client({ connectionString: url });
  await setup.connect();
  await setup.query(`CREATE TABLE bench_deployment (LIKE deployment INCLUDING ALL)`);
  await setup.query(`CREATE TABLE bench_running (LIKE running_artifact INCLUDING ALL)`);
  const { rows: installations } = await setup.query<{ id: string; tenant_id: string }>('SELECT id, tenant_id FROM installation');
  const { rows: artifacts } = await setup.query<{ id: string; application_id: string }>(
    'SELECT id, application_id FROM artifact',
  );
  await setup.end();
  const perStage = Array.from({ length: STAGES }, (_, stage) => artifacts.filter((_, i) => i % STAGES === stage));
  const work: { installation: (typeof installations)[number]; stage: number }[] = [];
  for (const installation of installations) for (let stage = 0; stage < STAGES; stage++) work.push({ installation, stage });

  const started = performance.now();
  await Promise.all(
    Array.from({ length: RAW_CONNECTIONS }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      for (let item = work.pop(); item; item = work.pop()) {
        const { installation, stage } = item;
        const stageArtifacts = perStage[stage];
        await client.query('BEGIN');
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO bench_deployment (installation_id, tenant_id, application_id, artifact_id, stage, status, reason, triggered_by)
           SELECT $1, $2, a.application_id, a.id, $3, 'QUEUED', 'raw', 'bench' FROM unnest($4::uuid[], $5::uuid[]) AS a(id, application_id)
           RETURNING id`,
          [
            installation.id,
            installation.tenant_id,
            stage + 1,
            stageArtifacts.map((a) => a.id),
            stageArtifacts.map((a) => a.application_id),
          ],
        );
        const ids = inserted.rows.map((row) => row.id);
        await client.query(
          `UPDATE bench_deployment SET status = 'SUCCEEDED', started_at = now(), finished_at = now() WHERE id = ANY($1)`,
          [ids],
        );
        await client.query(
          `INSERT INTO bench_running (installation_id, application_id, artifact_id, deployment_id, since)
           SELECT $1, d.application_id, d.artifact_id, d.id, now() FROM bench_deployment d WHERE d.id = ANY($2)
           ON CONFLICT (installation_id, application_id) DO UPDATE SET artifact_id = excluded.artifact_id, deployment_id = excluded.deployment_id, since = excluded.since`,
          [installation.id, ids],
        );
        await client.query('COMMIT');
      }
      await client.end();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const deployments = installations.length * APPLICATIONS;
  return { deployments, seconds, perSecond: deployments / seconds };
}

/** A webhook receiver on 127.0.0.1 answering 204 after `delayMs`; counts what it received. */
async function webhookReceiver(delayMs: number) {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      setTimeout(() => res.writeHead(204).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The webhook case: the same rollout (of a new release, so every component deploys again) while two webhooks
 * subscribe to every event type, one answering at once and one after 2 s. Messages are made from committed events
 * after the fact (the fan-out): every message the rollout's events make must be written, and how long after the
 * rollout's end the fan-out had caught up is reported.
 */
async function webhookCase(app: App, db: Client) {
  const fast = await webhookReceiver(0);
  const slow = await webhookReceiver(SLOW_RECEIVER_MS);
  try {
    const system = Access.system();
    const webhooks = app.container.resolve(WebhookService);
    const created = [];
    for (const [receiver, description] of [
      [fast, 'bench fast'],
      [slow, 'bench slow'],
    ] as const) {
      created.push(await webhooks.create(system, { url: receiver.url, description }));
    }
    await db.query(
      `INSERT INTO artifact (application_id, version, sort_key, image_ref, registered_by) SELECT id, '2.0.0', $1, 'img', 'bench' FROM application`,
      [versionSortKey('2.0.0')],
    );
    const releases = app.container.resolve(ReleaseService);
    const release = await releases.create(system, { trackSlug: 'bench', version: '2.0.0' });
    await releases.setComponents(system, {
      releaseId: release.id,
      components: Array.from({ length: APPLICATIONS }, (_, i) => ({
        applicationSlug: `app-${i + 1}`,
        artifactVersion: '2.0.0',
        stage: (i % STAGES) + 1,
      })),
    });
    await releases.lock(system, release.id);
    const { rows: last } = await db.query<{ sequence: string | null }>('SELECT max(sequence) AS sequence FROM event_record');
    const before = last[0].sequence ?? '0';

    const engine = await rolloutRate(app, db, release.id);
    const deliveredDuring = { fast: fast.received(), slow: slow.received() };
    const ended = Date.now();
    const { rows: newest } = await db.query<{ sequence: string }>('SELECT max(sequence) AS sequence FROM event_record');
    for (;;) {
      const { rows } = await db.query<{ behind: boolean }>('SELECT sequence < $1 AS behind FROM webhook_fanout WHERE id = 1', [
        newest[0].sequence,
      ]);
      if (!rows[0].behind) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const fanoutLagMs = Date.now() - ended;

    const { rows: events } = await db.query<{ type: EventType; data: Record<string, unknown> }>(
      'SELECT type, data FROM event_record WHERE sequence > $1',
      [before],
    );
    const expected = events.filter((event) => webhookEventTypeOf(event) !== null).length;
    const { rows: messages } = await db.query<{ webhook_id: string; messages: string; distinct_events: string }>(
      `SELECT m.webhook_id, count(*) AS messages, count(DISTINCT m.event_sequence) AS distinct_events
         FROM webhook_message m WHERE m.event_sequence > $1 GROUP BY m.webhook_id`,
      [before],
    );
    const perWebhook = created.map((webhook) => {
      const row = messages.find((m) => m.webhook_id === webhook.id);
      return {
        description: webhook.description,
        messages: Number(row?.messages ?? 0),
        distinctEvents: Number(row?.distinct_events ?? 0),
      };
    });
    return { engine, expected, perWebhook, deliveredDuring, fanoutLagMs };
  } finally {
    await fast.close();
    await slow.close();
  }
}

/** Commit-to-subscriber latency for SUBSCRIBERS graphql-ws subscribers of `events`. */
async function eventLatency(app: App, url: string) {
  const wsUrl = `${url.replace('http', 'ws')}/graphql`;
  const clients: WsClient[] = [];
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  let ready = 0;
  const allReady = new Promise<void>((resolve) => {
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${TOKEN}` },
        lazy: false,
      });
      clients.push(client);
      client.on('connected', () => {
        if (++ready === SUBSCRIBERS) resolve();
      });
      client.subscribe<{ events: { data: { mark: string } } }>(
        { query: 'subscription { events(filter: { types: [DEPLOYMENT_LOG] }) { sequence data } }' },
        {
          next: (message) => {
            const mark = message.data?.events.data.mark;
            const at = mark ? committedAt.get(mark) : undefined;
            // A message can beat the commit promise; its latency is then counted as zero.
            latencies.push(at === undefined ? 0 : Math.max(0, performance.now() - at));
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    }
  });
  // A client refused under load (say, its connection_init timed out) must not hang the run: wait a minute at most
  // and count only the subscribers that connected.
  const connectDeadline = new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref());
  await Promise.race([allReady, connectDeadline]);
  const connected = ready;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const events = app.container.resolve(EventService);
  const dataSource = app.container.resolve((await import('typeorm')).DataSource);
  for (let i = 0; i < EVENTS; i++) {
    const mark = `e${i}`;
    await dataSource.transaction((manager) => events.append(manager, [{ type: EventType.DEPLOYMENT_LOG, data: { mark } }]));
    committedAt.set(mark, performance.now());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const deadline = Date.now() + 30_000;
  while (latencies.length < connected * EVENTS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const client of clients) void client.dispose();
  return {
    connected,
    received: latencies.length,
    expected: connected * EVENTS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** The same payload broadcast over plain WebSockets to the same number of clients: the transport's own latency. */
async function rawBroadcastLatency() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const sockets = await Promise.all(
    Array.from(
      { length: SUBSCRIBERS },
      () =>
        new Promise<WebSocket>((resolve) => {
          const socket = new WebSocket(`ws://127.0.0.1:${port}`);
          socket.on('message', (raw: Buffer) => {
            const { mark } = (JSON.parse(raw.toString()) as { payload: { data: { events: { data: { mark: string } } } } }).payload
              .data.events.data;
            latencies.push(performance.now() - sentAt.get(mark)!);
          });
          socket.on('open', () => resolve(socket));
        }),
    ),
  );
  for (let i = 0; i < EVENTS; i++) {
    const mark = `r${i}`;
    const payload = JSON.stringify({
      id: 'x',
      type: 'next',
      payload: { data: { events: { sequence: String(i), data: { mark } } } },
    });
    sentAt.set(mark, performance.now());
    for (const client of server.clients) client.send(payload);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const deadline = Date.now() + 30_000;
  while (latencies.length < SUBSCRIBERS * EVENTS && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  for (const socket of sockets) socket.close();
  server.close();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main() {
  log.setLevel('warn');
  const db = await database();
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    SHIPLOG_ADMIN_TOKEN: TOKEN,
    SHIPLOG_LOG_LEVEL: 'warn',
  });
  const dataSource = createDataSource(db.url, { poolSize: 20 });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const app = await createApp(config, dataSource);
  await app.container.resolve(AuthService).ensureAdminToken(TOKEN);
  const url = await app.listen(0, '127.0.0.1');
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  try {
    console.log(`Shiplog benchmark: ${INSTALLATIONS} simulated installations, ${APPLICATIONS} applications in ${STAGES} stages`);
    const releaseId = await seed(app, sql);
    const engine = await rolloutRate(app, sql, releaseId);
    const raw = await rawRate(db.url);
    const throughputRatio = engine.perSecond / raw.perSecond;
    console.log('\nRollout throughput');
    console.log(
      `  engine: ${engine.deployments} deployments in ${engine.seconds.toFixed(1)} s = ${engine.perSecond.toFixed(0)} deployments/s` +
        ` (the Shiplog process used ${(engine.processCpu * 100).toFixed(0)} % of one core)`,
    );
    console.log(
      `  raw PostgreSQL transactions (same rows and indexes, ${RAW_CONNECTIONS} connections): ${raw.perSecond.toFixed(0)} deployments/s`,
    );
    console.log(`  ratio ${throughputRatio.toFixed(2)} (target ≥ 0.40) ${throughputRatio >= 0.4 ? 'MET' : 'NOT MET'}`);

    const live = await eventLatency(app, url);
    const broadcast = await rawBroadcastLatency();
    const limit = 2 * broadcast.p99 + 20;
    console.log(
      `\nCommit-to-subscriber latency, ${SUBSCRIBERS} subscribers × ${EVENTS} events (${live.received}/${live.expected} delivered` +
        (live.connected < SUBSCRIBERS ? `; only ${live.connected} subscribers connected within a minute)` : ')'),
    );
    console.log(`  Shiplog events subscription: p50 ${live.p50.toFixed(1)} ms, p99 ${live.p99.toFixed(1)} ms`);
    console.log(
      `  raw WebSocket broadcast of the same payload: p50 ${broadcast.p50.toFixed(1)} ms, p99 ${broadcast.p99.toFixed(1)} ms`,
    );
    console.log(
      `  p99 ratio ${(live.p99 / broadcast.p99).toFixed(2)}; target p99 ≤ 2 × raw p99 + 20 ms = ${limit.toFixed(1)} ms ${live.p99 <= limit ? 'MET' : 'NOT MET'}`,
    );

    // Last, so the webhook deliveries it leaves queued do not weigh on the latency measured above.
    const hooked = await webhookCase(app, sql);
    const hookedRatio = hooked.engine.perSecond / raw.perSecond;
    const allWritten = hooked.perWebhook.every((w) => w.messages === hooked.expected && w.distinctEvents === hooked.expected);
    console.log(
      `\nRollout throughput with 2 webhooks subscribed to every event type (one answering after ${SLOW_RECEIVER_MS / 1000} s)`,
    );
    console.log(
      `  engine: ${hooked.engine.deployments} deployments in ${hooked.engine.seconds.toFixed(1)} s = ${hooked.engine.perSecond.toFixed(0)} deployments/s` +
        ` (${((hooked.engine.perSecond / engine.perSecond) * 100).toFixed(0)}% of the rate without webhooks;` +
        ` the Shiplog process used ${(hooked.engine.processCpu * 100).toFixed(0)} % of one core)`,
    );
    for (const webhook of hooked.perWebhook) {
      console.log(
        `  ${webhook.description}: ${webhook.messages} messages written (${webhook.distinctEvents} events), of ${hooked.expected} events`,
      );
    }
    console.log(
      `  requests received during the rollout: fast ${hooked.deliveredDuring.fast}, slow ${hooked.deliveredDuring.slow}`,
    );
    console.log(`  every message written, once: ${allWritten ? 'YES' : 'NO'}`);
    console.log(`  the fan-out had written them ${hooked.fanoutLagMs} ms after the rollout ended`);
    console.log(`  ratio ${hookedRatio.toFixed(2)} (target ≥ 0.35) ${hookedRatio >= 0.35 ? 'MET' : 'NOT MET'}`);
  } finally {
    await sql.end();
    await app.close();
    await dataSource.destroy();
    await db.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
