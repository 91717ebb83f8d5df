import fc from 'fast-check';
import { Client } from 'pg';
import { freePort } from '../../src/db/embedded';
import { createTestDatabase } from '../support/database';
import { gqlAt, startShiplog, type ShiplogProcess } from '../support/process';
import { quiet, violations, type Query } from '../engine/invariants';
import { settle } from '../engine/scenario';

/**
 * The engine's invariants across a crash: a generated rollout runs on a real server process, which is killed
 * (SIGKILL) at a generated moment; a new process takes over, and once everything settles the same invariants
 * as in the in-process scenarios must hold, and the rollout must end. SHIPLOG_KILL_RUNS sets how many.
 */
const RUNS = Number(process.env.SHIPLOG_KILL_RUNS ?? 2);
const TOKEN = 'engine-kill-admin-token-0123456789';
const APPS = ['db', 'api', 'web'];

interface KillScenario {
  stages: number[];
  installations: { delayMs: number; fail: boolean[] }[];
  policy: 'PAUSE' | 'ROLLBACK' | 'CONTINUE';
  maxParallel: number;
  killAfterMs: number;
}

const killScenario: fc.Arbitrary<KillScenario> = fc.record({
  stages: fc.constantFrom([1, 2, 3], [1, 1, 2], [1, 2, 2], [1, 1, 1]),
  installations: fc.array(
    fc.record({
      delayMs: fc.constantFrom(0, 0, 100, 300),
      fail: fc.array(
        fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
        { minLength: 3, maxLength: 3 },
      ),
    }),
    { minLength: 2, maxLength: 12 },
  ),
  policy: fc.constantFrom('PAUSE' as const, 'ROLLBACK' as const, 'CONTINUE' as const),
  maxParallel: fc.integer({ min: 1, max: 6 }),
  killAfterMs: fc.integer({ min: 0, max: 1500 }),
});

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

describe('the rollout engine, killed at a random moment', () => {
  const processes: ShiplogProcess[] = [];
  afterEach(async () => {
    for (const p of processes.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill();
  });

  it(
    `keeps its invariants through a SIGKILL in ${RUNS} generated scenarios`,
    async () => {
      await fc.assert(
        fc.asyncProperty(killScenario, async (scenario) => {
          const database = await createTestDatabase();
          const client = new Client({ connectionString: database.url });
          try {
            const first = await startShiplog(await environment(database.url));
            processes.push(first);
            const q = (url: string, text: string, variables: Record<string, unknown> = {}) => gqlAt(url, text, variables, TOKEN);
            await q(first.url, `mutation { createEnvironmentTier(input: { name: "prod", rank: 1 }) { id } }`);
            await q(first.url, `mutation { createReleaseTrack(input: { slug: "p", name: "P" }) { id } }`);
            for (const app of APPS) {
              await q(first.url, `mutation ($slug: String!) { createApplication(input: { slug: $slug, name: $slug }) { id } }`, {
                slug: app,
              });
              for (const version of ['1.0.0', '2.0.0']) {
                await q(
                  first.url,
                  `mutation ($app: String!, $v: String!) { registerArtifact(input: { applicationSlug: $app, version: $v, imageRef: "img" }) { id } }`,
                  { app, v: version },
                );
              }
            }
            const releaseIds: string[] = [];
            for (const version of ['1.0.0', '2.0.0']) {
              const release = await q(
                first.url,
                `mutation ($v: String!) { createRelease(input: { trackSlug: "p", version: $v }) { id } }`,
                {
                  v: version,
                },
              );
              const releaseId = release.createRelease.id as string;
              await q(first.url, `mutation ($input: SetReleaseComponentsInput!) { setReleaseComponents(input: $input) { id } }`, {
                input: {
                  releaseId,
                  components: APPS.map((app, index) => ({
                    applicationSlug: app,
                    artifactVersion: version,
                    stage: scenario.stages[index],
                  })),
                },
              });
              await q(first.url, `mutation ($id: ID!) { lockRelease(input: { releaseId: $id }) { id } }`, { id: releaseId });
              releaseIds.push(releaseId);
            }
            const installationIds: string[] = [];
            for (const index of scenario.installations.keys()) {
              const slug = `t${index}`;
              await q(first.url, `mutation ($slug: String!) { createTenant(input: { slug: $slug, name: $slug }) { id } }`, {
                slug,
              });
              const created = await q(
                first.url,
                `mutation ($input: CreateInstallationInput!) { createInstallation(input: $input) { id } }`,
                {
                  input: {
                    tenantSlug: slug,
                    slug: 'prod',
                    name: 'prod',
                    tier: 'prod',
                    driver: 'SIMULATED',
                    driverConfig: { delayMs: 0 },
                  },
                },
              );
              installationIds.push(created.createInstallation.id);
            }
            // Everything runs 1.0.0 first, so that a rollback has something to return to.
            const start = async (url: string, releaseId: string, extra: Record<string, unknown>) =>
              (
                await q(url, `mutation ($input: StartRolloutInput!) { startRollout(input: $input) { id } }`, {
                  input: { releaseId, installationIds, maxParallel: 6, reason: 'kill test', ...extra },
                })
              ).startRollout.id as string;
            const baseline = await start(first.url, releaseIds[0], {});
            await client.connect();
            const query: Query = async (text, parameters) => (await client.query(text, parameters)).rows;
            await settle(query, quiet, 60_000);
            const [{ status }] = await query('SELECT status FROM rollout WHERE id = $1', [baseline]);
            expect(status).toBe('SUCCEEDED');
            for (const [index, spec] of scenario.installations.entries()) {
              const fail = APPS.filter((_, app) => spec.fail[app]);
              await q(first.url, `mutation ($input: UpdateInstallationInput!) { updateInstallation(input: $input) { id } }`, {
                input: { tenantSlug: `t${index}`, slug: 'prod', driverConfig: { delayMs: spec.delayMs, fail } },
              });
            }

            const rolloutId = await start(first.url, releaseIds[1], {
              failurePolicy: scenario.policy,
              maxParallel: scenario.maxParallel,
            });
            await new Promise((resolve) => setTimeout(resolve, scenario.killAfterMs));
            await first.kill();

            const second = await startShiplog(await environment(database.url));
            processes.push(second);
            const observed = { rolloutId, components: APPS.length, maxParallel: scenario.maxParallel, deliveries: new Map() };
            for (let round = 0; round < 20; round++) {
              // Jobs the killed process held come back when they expire (seconds), so settling may take a while.
              await settle(query, quiet, 60_000);
              const found = await violations(query, observed);
              if (found.length > 0) throw new Error(`After the restart (round ${round + 1}):\n${found.join('\n')}`);
              const [rollout] = await query('SELECT status FROM rollout WHERE id = $1', [rolloutId]);
              if (['SUCCEEDED', 'FAILED', 'ABORTED'].includes(rollout.status)) return;
              if (rollout.status === 'PAUSED') {
                await q(second.url, `mutation ($id: ID!) { resumeRollout(input: { rolloutId: $id }) { id } }`, { id: rolloutId });
              }
            }
            throw new Error(`Rollout ${rolloutId} did not end after the restart`);
          } finally {
            for (const p of processes.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill();
            await client.end().catch(() => undefined);
            await database.drop();
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
    15 * 60_000,
  );
});
