import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createTestDatabase } from '../support/database';
import { freePort } from '../../src/db/embedded';
import { gqlAt, startShiplog, type ShiplogProcess } from '../support/process';

const TOKEN = 'durability-admin-token-0123456789';

async function environment(databaseUrl: string) {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(await freePort()),
    SHIPLOG_ADMIN_TOKEN: TOKEN,
    SHIPLOG_DEMO_DATA: 'false',
    SHIPLOG_LOG_LEVEL: 'info',
  };
}

async function seed(url: string, installations: number, driver: 'SIMULATED' | 'WEBHOOK', driverConfig: Record<string, unknown>) {
  const q = (query: string, variables: Record<string, unknown> = {}) => gqlAt(url, query, variables, TOKEN);
  await q(`mutation { createEnvironmentTier(input: { name: "prod", rank: 1 }) { id } }`);
  for (let i = 0; i < installations; i++) {
    await q(`mutation ($slug: String!) { createTenant(input: { slug: $slug, name: $slug }) { id } }`, { slug: `t${i}` });
    await q(`mutation ($input: CreateInstallationInput!) { createInstallation(input: $input) { id } }`, {
      input: { tenantSlug: `t${i}`, slug: 'prod', name: 'prod', tier: 'prod', driver, driverConfig },
    });
  }
  await q(`mutation { createReleaseTrack(input: { slug: "p", name: "P" }) { id } }`);
  const components = [];
  for (const [app, stage] of [
    ['db', 1],
    ['api', 2],
    ['web', 2],
  ] as const) {
    await q(`mutation ($slug: String!) { createApplication(input: { slug: $slug, name: $slug }) { id } }`, { slug: app });
    await q(
      `mutation ($app: String!) { registerArtifact(input: { applicationSlug: $app, version: "1.0.0", imageRef: "img" }) { id } }`,
      { app },
    );
    components.push({ applicationSlug: app, artifactVersion: '1.0.0', stage });
  }
  const release = await q(`mutation { createRelease(input: { trackSlug: "p", version: "1.0.0" }) { id } }`);
  const releaseId = release.createRelease.id as string;
  await q(`mutation ($input: SetReleaseComponentsInput!) { setReleaseComponents(input: $input) { id } }`, {
    input: { releaseId, components },
  });
  await q(`mutation ($id: ID!) { lockRelease(input: { releaseId: $id }) { id } }`, { id: releaseId });
  return releaseId;
}

async function start(url: string, releaseId: string, maxParallel: number) {
  const started = await gqlAt(
    url,
    `mutation ($input: StartRolloutInput!) { startRollout(input: $input) { id } }`,
    { input: { releaseId, selector: { tiers: ['prod'] }, maxParallel, failurePolicy: 'PAUSE', reason: 'durability test' } },
    TOKEN,
  );
  return started.startRollout.id as string;
}

const LEDGER = `query ($id: ID!) { rollout(id: $id) { status finishedAt progress { total succeeded finished }
  targets(first: 50) { status finishedAt deployments(first: 20) { id status startedAt finishedAt application { slug } } } } }`;

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting; last state: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Exactly one deployment per installation and application, all succeeded, every finish time recorded. */
function expectCompleteLedger(rollout: any, installations: number) {
  expect(rollout.status).toBe('SUCCEEDED');
  expect(rollout.finishedAt).toEqual(expect.any(String));
  expect(rollout.progress).toMatchObject({ total: installations, succeeded: installations, finished: installations });
  for (const target of rollout.targets) {
    expect(target.status).toBe('SUCCEEDED');
    expect(target.finishedAt).toEqual(expect.any(String));
    expect(target.deployments.map((d: any) => d.application.slug).sort()).toEqual(['api', 'db', 'web']);
    for (const deployment of target.deployments) {
      expect(deployment).toMatchObject({ status: 'SUCCEEDED', finishedAt: expect.any(String) });
    }
  }
}

describe('durability', () => {
  const processes: ShiplogProcess[] = [];
  const drops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const p of processes.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop();
    for (const drop of drops.splice(0)) await drop();
  });

  it('finishes a rollout after the server is killed in the middle of it, deploying nothing twice', async () => {
    const database = await createTestDatabase();
    drops.push(() => database.drop());
    const first = await startShiplog(await environment(database.url));
    processes.push(first);
    const releaseId = await seed(first.url, 10, 'SIMULATED', { delayMs: 300 });
    const rolloutId = await start(first.url, releaseId, 3);
    await waitFor(
      () => gqlAt(first.url, LEDGER, { id: rolloutId }, TOKEN),
      (data: any) => data.rollout.progress.succeeded >= 2,
      30_000,
    );
    await first.kill();

    const second = await startShiplog(await environment(database.url));
    processes.push(second);
    const finished = await waitFor(
      () => gqlAt(second.url, LEDGER, { id: rolloutId }, TOKEN),
      (data: any) => ['SUCCEEDED', 'FAILED', 'PAUSED', 'ABORTED'].includes(data.rollout.status),
      90_000,
    );
    expectCompleteLedger(finished.rollout, 10);
  }, 180_000);

  it('dispatches each deployment exactly once with two servers running the same rollout', async () => {
    const database = await createTestDatabase();
    drops.push(() => database.drop());
    const received = new Map<string, number>();
    const orchestrator: Server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const request = JSON.parse(body) as { deploymentId: string; callbackUrl: string };
        received.set(request.deploymentId, (received.get(request.deploymentId) ?? 0) + 1);
        res.writeHead(202).end();
        // Report back later through the callback, like an orchestrator that finished the job.
        setTimeout(() => {
          void fetch(request.callbackUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
            body: JSON.stringify({ status: 'SUCCEEDED', message: 'deployed' }),
          });
        }, 50);
      });
    });
    await new Promise<void>((resolve) => orchestrator.listen(0, '127.0.0.1', resolve));
    const address = orchestrator.address();
    const orchestratorUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/deploy`;
    try {
      const env = await environment(database.url);
      const first = await startShiplog({ ...env, SHIPLOG_PUBLIC_URL: `http://127.0.0.1:${env.PORT}` });
      processes.push(first);
      const env2 = await environment(database.url);
      const second = await startShiplog({ ...env2, SHIPLOG_PUBLIC_URL: `http://127.0.0.1:${env2.PORT}` });
      processes.push(second);
      const releaseId = await seed(first.url, 12, 'WEBHOOK', { url: orchestratorUrl, secret: 'a-webhook-secret-of-16+' });
      const rolloutId = await start(second.url, releaseId, 6);
      const finished = await waitFor(
        () => gqlAt(first.url, LEDGER, { id: rolloutId }, TOKEN),
        (data: any) => data.rollout.status !== 'RUNNING',
        90_000,
      );
      expectCompleteLedger(finished.rollout, 12);
      const deploymentIds = finished.rollout.targets.flatMap((t: any) => t.deployments.map((d: any) => d.id));
      expect(deploymentIds).toHaveLength(36);
      expect([...received.keys()].sort()).toEqual([...deploymentIds].sort());
      expect([...received.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await new Promise((resolve) => orchestrator.close(resolve));
    }
  }, 180_000);
});
