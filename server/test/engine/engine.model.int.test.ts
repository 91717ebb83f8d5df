import fc from 'fast-check';
import { createApplications, createTiers } from '../factories/rollouts';
import { startReceiver } from '../support/receiver';
import { dataOf, startTestServer, type GraphQLResponse, type TestServer } from '../support/server';
import { quiet, violations, type Query } from './invariants';
import { MAX_COMPONENTS, scenarioArbitrary, settle, type Scenario, type Step } from './scenario';
import { REGRESSIONS } from './regressions';

/**
 * Model-based tests of the engine: generated fleets, releases, rollout settings and people acting at random
 * points, run against the real engine and database; every invariant of rollout-engine.ts is checked after each
 * step and at the end, and every rollout must end once people stop interfering.
 * SHIPLOG_MODEL_RUNS sets how many scenarios (`pnpm --filter @shiplog/server test:model` runs thousands).
 */
const RUNS = Number(process.env.SHIPLOG_MODEL_RUNS ?? 12);
const SEED = process.env.SHIPLOG_MODEL_SEED ? Number(process.env.SHIPLOG_MODEL_SEED) : undefined;
const APPS = Array.from({ length: MAX_COMPONENTS }, (_, index) => `app${index}`);
const ALLOWED_REFUSALS = new Set(['CONFLICT', 'BAD_USER_INPUT']);

let server: TestServer;
let query: Query;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let scenarioCount = 0;

beforeAll(async () => {
  server = await startTestServer();
  query = (sql, parameters) => server.dataSource.query(sql, parameters);
  await createTiers(server);
  await createApplications(server, APPS, ['1.0.0', '2.0.0']);
  dataOf(await server.gql(`mutation { createReleaseTrack(input: { slug: "model", name: "Model" }) { id } }`));
  // The orchestrator: the first request for an (installation, application) that should fail answers 500.
  receiver = await startReceiver((request, earlier) => {
    const failing = String(request.path).includes(`fail-${request.body?.application?.slug}-`);
    const first = !earlier.some((r) => r.path === request.path && r.body?.application?.slug === request.body?.application?.slug);
    return { status: failing && first ? 500 : 200 };
  });
}, 60_000);
afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

/** A mutation whose refusal is part of the game (CONFLICT, BAD_USER_INPUT); anything else fails the scenario. */
async function act(response: Promise<GraphQLResponse>): Promise<void> {
  const { errors } = await response;
  const unexpected = errors?.filter((error) => !ALLOWED_REFUSALS.has(error.extensions?.code));
  if (unexpected?.length) throw new Error(`Unexpected error: ${JSON.stringify(unexpected)}`);
}

async function setUp(scenario: Scenario) {
  const n = ++scenarioCount;
  const components = scenario.stages.map((stage, index) => ({ app: APPS[index], stage }));
  const release = dataOf(
    await server.gql<{ createRelease: { id: string } }>(
      `mutation ($v: String!) { createRelease(input: { trackSlug: "model", version: $v }) { id } }`,
      {
        v: `0.${n}.0`,
      },
    ),
  ).createRelease.id;
  dataOf(
    await server.gql(`mutation ($input: SetReleaseComponentsInput!) { setReleaseComponents(input: $input) { id } }`, {
      input: {
        releaseId: release,
        components: components.map((c) => ({ applicationSlug: c.app, artifactVersion: '2.0.0', stage: c.stage })),
      },
    }),
  );
  dataOf(await server.gql(`mutation ($id: ID!) { lockRelease(input: { releaseId: $id }) { id } }`, { id: release }));

  const tenant = `model-${n}`;
  dataOf(
    await server.gql(`mutation ($slug: String!) { createTenant(input: { slug: $slug, name: $slug }) { id } }`, { slug: tenant }),
  );
  const installations: { id: string; slug: string; spec: Scenario['installations'][number] }[] = [];
  for (const [index, spec] of scenario.installations.entries()) {
    const failing = components.filter((_, c) => spec.fails[c]).map((c) => c.app);
    const slug = `i${index}`;
    const driverConfig =
      spec.driver === 'INSTANT' || spec.driver === 'DELAYED'
        ? { delayMs: spec.driver === 'DELAYED' ? 30 : 0, fail: failing }
        : spec.driver === 'WEBHOOK'
          ? {
              url: `${receiver.url}/${tenant}/${slug}/${failing.map((app) => `fail-${app}-`).join('')}`,
              secret: 'model-secret-0123456789',
              maxAttempts: 1,
            }
          : {};
    const created = dataOf(
      await server.gql<{ createInstallation: { id: string } }>(
        `mutation ($input: CreateInstallationInput!) { createInstallation(input: $input) { id } }`,
        {
          input: {
            tenantSlug: tenant,
            slug,
            name: slug,
            tier: 'dev',
            driver: spec.driver === 'INSTANT' || spec.driver === 'DELAYED' ? 'SIMULATED' : spec.driver,
            driverConfig,
            requiresApproval: spec.approval,
          },
        },
      ),
    ).createInstallation;
    installations.push({ id: created.id, slug, spec });
    // What ran before: 1.0.0 of every application, and the release's own artifact where the scenario says so.
    await query(
      `WITH chosen AS (
         SELECT a.id AS application_id, r.id AS artifact_id, $2::uuid AS installation_id,
                (SELECT tenant_id FROM installation WHERE id = $2) AS tenant_id, gen_random_uuid() AS deployment_id
           FROM application a JOIN artifact r ON r.application_id = a.id
          WHERE a.slug = ANY($1) AND r.version = CASE WHEN a.slug = ANY($3) THEN '2.0.0' ELSE '1.0.0' END
       ), ledger AS (
         INSERT INTO deployment (id, installation_id, tenant_id, application_id, artifact_id, kind, status, reason, triggered_by,
                                 queued_at, dispatched_at, started_at, finished_at)
         SELECT deployment_id, installation_id, tenant_id, application_id, artifact_id, 'ROLLOUT', 'SUCCEEDED', 'seed', 'system',
                now() - interval '1 day', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day' FROM chosen
       )
       INSERT INTO running_artifact (installation_id, application_id, artifact_id, deployment_id, since)
       SELECT installation_id, application_id, artifact_id, deployment_id, now() - interval '1 day' FROM chosen`,
      [components.map((c) => c.app), created.id, components.filter((_, c) => spec.current[c]).map((c) => c.app)],
    );
  }
  return { release, installations, components };
}

async function runScenario(scenario: Scenario): Promise<void> {
  const { release, installations, components } = await setUp(scenario);
  const started = await server.gql<{ startRollout: { id: string } }>(
    `mutation ($input: StartRolloutInput!) { startRollout(input: $input) { id } }`,
    {
      input: {
        releaseId: release,
        installationIds: installations.map((i) => i.id),
        failurePolicy: scenario.policy,
        errorBudgetPercent: scenario.errorBudgetPercent,
        maxParallel: scenario.maxParallel,
        waves: scenario.firstWave !== null && scenario.firstWave < installations.length ? [{ count: scenario.firstWave }] : [],
        reason: 'model scenario',
      },
    },
  );
  const rolloutId = dataOf(started).startRollout.id;
  const check = async (when: string) => {
    await settle(query, quiet);
    const deliveries = new Map<string, number>();
    for (const request of receiver.requests) {
      const id = String(request.headers['x-shiplog-delivery']);
      deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
    }
    const found = await violations(query, {
      rolloutId,
      components: components.length,
      maxParallel: scenario.maxParallel,
      deliveries,
    });
    if (found.length > 0) throw new Error(`After ${when}:\n${found.join('\n')}`);
  };
  await check('the start');
  for (const [index, step] of scenario.steps.entries()) {
    await perform(step, rolloutId, installations);
    if (step.settle !== false) await check(`step ${index + 1} (${step.kind})`);
  }
  // People stop interfering and help the rollout along: it must end.
  for (let round = 0; round < 40; round++) {
    const [rollout] = await query('SELECT status FROM rollout WHERE id = $1', [rolloutId]);
    if (['SUCCEEDED', 'FAILED', 'ABORTED'].includes(rollout.status)) return check('the end');
    for (const kind of ['approve', 'report', 'promote', 'resume'] as const) {
      await perform({ kind, pick: round, succeed: true }, rolloutId, installations, true);
    }
    await check(`helping round ${round + 1}`);
  }
  throw new Error(`Rollout ${rolloutId} did not end`);
}

/** One person's action; `all` does it to every candidate instead of one picked. */
async function perform(step: Step, rolloutId: string, installations: { id: string }[], all = false): Promise<void> {
  const input = (fields: Record<string, unknown>) => ({ input: fields });
  const pick = <T>(candidates: T[]): T[] =>
    all ? candidates : candidates.length ? [candidates[step.pick % candidates.length]] : [];
  switch (step.kind) {
    case 'pause':
      return act(
        server.gql(`mutation ($input: PauseRolloutInput!) { pauseRollout(input: $input) { id } }`, input({ rolloutId })),
      );
    case 'resume':
      return act(
        server.gql(`mutation ($input: ResumeRolloutInput!) { resumeRollout(input: $input) { id } }`, input({ rolloutId })),
      );
    case 'promote':
      return act(server.gql(`mutation ($input: RolloutIdInput!) { promoteRollout(input: $input) { id } }`, input({ rolloutId })));
    case 'abort':
      return act(
        server.gql(
          `mutation ($input: AbortRolloutInput!) { abortRollout(input: $input) { id } }`,
          input({ rolloutId, reason: 'model' }),
        ),
      );
    case 'exclude': {
      // A person leaves out a failed installation or one yet to start (refused unless the rollout is paused).
      const targets = await query(
        `SELECT id FROM rollout_target WHERE rollout_id = $1 AND status IN ('FAILED', 'PENDING', 'AWAITING_APPROVAL')
          ORDER BY position, id`,
        [rolloutId],
      );
      for (const target of pick(targets)) {
        await act(
          server.gql(
            `mutation ($input: ExcludeRolloutTargetInput!) { excludeRolloutTarget(input: $input) { id } }`,
            input({ targetId: target.id, reason: 'model' }),
          ),
        );
      }
      return;
    }
    case 'approve':
    case 'reject':
    case 'retry': {
      const status = step.kind === 'retry' ? 'FAILED' : 'AWAITING_APPROVAL';
      const targets = await query('SELECT id FROM rollout_target WHERE rollout_id = $1 AND status = $2 ORDER BY position, id', [
        rolloutId,
        status,
      ]);
      for (const target of pick(targets)) {
        if (step.kind === 'approve')
          await act(
            server.gql(
              `mutation ($input: TargetIdInput!) { approveRolloutTarget(input: $input) { id } }`,
              input({ targetId: target.id }),
            ),
          );
        else if (step.kind === 'reject')
          await act(
            server.gql(
              `mutation ($input: RejectRolloutTargetInput!) { rejectRolloutTarget(input: $input) { id } }`,
              input({ targetId: target.id, reason: 'model' }),
            ),
          );
        else
          await act(
            server.gql(
              `mutation ($input: RetryRolloutTargetInput!) { retryRolloutTarget(input: $input) { id } }`,
              input({ targetId: target.id }),
            ),
          );
      }
      return;
    }
    case 'rollback':
      for (const installation of pick(installations)) {
        await act(
          server.gql(
            `mutation ($input: RollbackInstallationInput!) { rollbackInstallation(input: $input) { id } }`,
            input({ installationId: installation.id, reason: 'model' }),
          ),
        );
      }
      return;
    case 'report': {
      // An orchestrator or a person reports a deployment that its driver handed over.
      const waiting = await query(
        `SELECT d.id FROM deployment d JOIN installation i ON i.id = d.installation_id
          WHERE i.id = ANY($1) AND d.status IN ('QUEUED', 'IN_PROGRESS') AND d.dispatched_at IS NOT NULL
            AND i.driver IN ('MANUAL', 'WEBHOOK')
          ORDER BY d.queued_at, d.id`,
        [installations.map((i) => i.id)],
      );
      for (const deployment of pick(waiting)) {
        await act(
          server.gql(`mutation ($input: ReportDeploymentInput!) { reportDeployment(input: $input) { id } }`, {
            input: { deploymentId: deployment.id, status: step.succeed ? 'SUCCEEDED' : 'FAILED' },
          }),
        );
      }
      return;
    }
  }
}

describe('the rollout engine, on generated scenarios', () => {
  it.each(REGRESSIONS.map((regression) => [regression.name, regression.scenario] as const))(
    'keeps its invariants: %s',
    async (_name, scenario) => runScenario(scenario),
    120_000,
  );

  it(
    `keeps its invariants in ${RUNS} generated scenarios`,
    async () => {
      await fc.assert(fc.asyncProperty(scenarioArbitrary, runScenario), {
        numRuns: RUNS,
        seed: SEED,
        endOnFailure: true,
        verbose: fc.VerbosityLevel.VeryVerbose,
      });
    },
    60 * 60_000,
  );
});
