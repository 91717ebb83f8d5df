import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createApplications,
  createFleet,
  createTiers,
  finishTimes,
  getDeployment,
  getRollout,
  lockedRelease,
  nextReleaseVersion,
  reportDeployment,
  rolloutCommand,
  rolloutDeployments,
  runningOn,
  setDriverConfig,
  startRollout,
  targetFor,
  waitFor,
  waitForRollout,
} from '../factories/rollouts';
import { createApiToken, createSignedInUser } from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['db', 'api', 'web'], ['1.0.0', '1.1.0']);
});
afterAll(() => server.close());

const time = (iso: string) => new Date(iso).getTime();
const EARLY_ADOPTER = [{ key: 'cohort', value: 'early-adopter' }];

async function start(input: Record<string, unknown>) {
  return dataOf(await startRollout(server, input)).startRollout.id;
}

describe('rollout execution', () => {
  it('never runs more than maxParallel installations at once', async () => {
    await createFleet(
      server,
      ['a', 'b', 'c'].map((slug) => ({ tenant: 'parallel', slug, tier: 'prod', driverConfig: { delayMs: 300 } })),
    );
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const id = await start({ releaseId, selector: { tenantSlugs: ['parallel'] }, maxParallel: 1 });

    const runningSamples: number[] = [];
    const rollout = await waitForRollout(server, id, (r) => {
      runningSamples.push(r.progress.running);
      return r.status === 'SUCCEEDED';
    });
    expect(Math.max(...runningSamples)).toBe(1);
    expect(rollout.progress).toMatchObject({ total: 3, succeeded: 3, finished: 3 });

    // Each installation's deployment window starts only after the previous one closed.
    const windows = (await rolloutDeployments(server, id))
      .map((d) => [time(d.startedAt), time(d.finishedAt)])
      .sort((a, b) => a[0] - b[0]);
    expect(windows).toHaveLength(3);
    for (let i = 1; i < windows.length; i++) expect(windows[i][0]).toBeGreaterThanOrEqual(windows[i - 1][1]);
  });

  it('starts a stage on an installation only after every deployment of the previous stage succeeded there', async () => {
    const ids = await createFleet(
      server,
      ['a', 'b'].map((slug) => ({ tenant: 'stages', slug, tier: 'prod', driverConfig: { delayMs: 200 } })),
    );
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'db', version: '1.0.0', stage: 1 },
      { app: 'api', version: '1.0.0', stage: 2 },
      { app: 'web', version: '1.0.0', stage: 3 },
    ]);
    const id = await start({ releaseId, selector: { tenantSlugs: ['stages'] }, maxParallel: 2 });
    await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');

    const deployments = await rolloutDeployments(server, id);
    for (const installationId of Object.values(ids)) {
      const mine = deployments.filter((d) => d.installation.id === installationId);
      expect(mine.map((d) => [d.stage, d.application.slug, d.status])).toEqual([
        [1, 'db', 'SUCCEEDED'],
        [2, 'api', 'SUCCEEDED'],
        [3, 'web', 'SUCCEEDED'],
      ]);
      for (const stage of [2, 3]) {
        const previousFinished = Math.max(...mine.filter((d) => d.stage === stage - 1).map((d) => time(d.finishedAt)));
        for (const d of mine.filter((x) => x.stage === stage)) {
          expect(time(d.queuedAt)).toBeGreaterThanOrEqual(previousFinished);
          expect(time(d.startedAt)).toBeGreaterThanOrEqual(previousFinished);
        }
      }
    }
  });

  it('a SIMULATED deployment that takes time writes its start and its outcome to the log', async () => {
    await createFleet(server, [{ tenant: 'logged', slug: 'a', tier: 'prod', driverConfig: { delayMs: 100, fail: ['api'] } }]);
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const id = await start({ releaseId, selector: { tenantSlugs: ['logged'] } });
    await waitForRollout(server, id, (r) => r.status === 'PAUSED');

    const [deployment] = await rolloutDeployments(server, id);
    const { deployment: logged } = dataOf(
      await server.gql<{ deployment: { status: string; log: { line: string }[] } }>(
        'query ($id: ID!) { deployment(id: $id) { status log { line } } }',
        { id: deployment.id },
      ),
    );
    expect(logged.status).toBe('FAILED');
    expect(logged.log.map((entry) => entry.line)).toEqual([
      'Simulated driver: deploying; this takes 100 ms',
      'Simulated failure of api',
    ]);
  });

  it('with the MANUAL driver waits for reports, and a stage waits for every component of the one before', async () => {
    const ids = await createFleet(server, [{ tenant: 'manual', slug: 'one', tier: 'prod', driver: 'MANUAL', driverConfig: {} }]);
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'db', version: '1.0.0', stage: 1 },
      { app: 'web', version: '1.0.0', stage: 1 },
      { app: 'api', version: '1.0.0', stage: 2 },
    ]);
    const id = await start({ releaseId, installationIds: [ids['manual/one']] });

    // Once the driver has taken them (its log says so), the deployments stay QUEUED until someone reports.
    const first = await waitForRollout(server, id, (r) => r.targets[0].deployments.length === 2);
    const [db, web] = ['db', 'web'].map((app) => first.targets[0].deployments.find((d: any) => d.application.slug === app));
    await waitFor(
      'the MANUAL driver to take the deployment',
      () => getDeployment(server, db.id),
      (d) => d.log.some((l: any) => l.line.includes('Waiting for a person')),
    );
    expect((await getDeployment(server, db.id)).status).toBe('QUEUED');
    expect((await getDeployment(server, web.id)).status).toBe('QUEUED');

    const inProgress = dataOf(await reportDeployment(server, { deploymentId: db.id, status: 'IN_PROGRESS' })).reportDeployment;
    expect(inProgress).toMatchObject({ status: 'IN_PROGRESS', startedAt: expect.any(String), finishedAt: null });
    dataOf(await reportDeployment(server, { deploymentId: db.id, status: 'SUCCEEDED' }));

    // One of two stage-1 components done: stage 2 has not started.
    let rollout = await getRollout(server, id);
    expect(rollout.status).toBe('RUNNING');
    expect(rollout.targets[0]).toMatchObject({ status: 'RUNNING', currentStage: 1 });
    expect(rollout.targets[0].deployments.map((d: any) => d.application.slug).sort()).toEqual(['db', 'web']);

    dataOf(await reportDeployment(server, { deploymentId: web.id, status: 'SUCCEEDED' }));
    rollout = await getRollout(server, id);
    expect(rollout.targets[0].currentStage).toBe(2);
    const api = rollout.targets[0].deployments.find((d: any) => d.application.slug === 'api');
    expect(api).toMatchObject({ stage: 2, status: 'QUEUED' });

    dataOf(await reportDeployment(server, { deploymentId: api.id, status: 'IN_PROGRESS' }));
    dataOf(await reportDeployment(server, { deploymentId: api.id, status: 'SUCCEEDED' }));
    rollout = await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');
    expect(rollout.targets[0]).toMatchObject({ status: 'SUCCEEDED', finishedAt: expect.any(String) });
  });
});

describe('waves', () => {
  it('runs the labelled first wave, waits for promoteRollout, then runs the rest', async () => {
    await createFleet(
      server,
      [
        { tenant: 'wave-early', slug: 'prod', tier: 'prod' },
        { tenant: 'wave-late-1', slug: 'prod', tier: 'prod' },
        { tenant: 'wave-late-2', slug: 'prod', tier: 'prod' },
      ],
      { 'wave-early': EARLY_ADOPTER },
    );
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const id = await start({
      releaseId,
      selector: { tenantSlugs: ['wave-early', 'wave-late-1', 'wave-late-2'] },
      waves: [{ tenantLabels: EARLY_ADOPTER }],
    });

    const waiting = await waitForRollout(server, id, (r) => r.status === 'WAITING_FOR_PROMOTION');
    expect(waiting).toMatchObject({ currentWave: 1, waveCount: 2 });
    expect(waiting.targets.map((t: any) => [t.installation.tenant.slug, t.wave, t.status, t.deployments.length])).toEqual([
      ['wave-early', 1, 'SUCCEEDED', 1],
      ['wave-late-1', 2, 'PENDING', 0],
      ['wave-late-2', 2, 'PENDING', 0],
    ]);

    const promoted = dataOf(await rolloutCommand(server, 'promoteRollout', { rolloutId: id }, undefined, 'status currentWave'));
    expect(promoted.promoteRollout).toEqual({ status: 'RUNNING', currentWave: 2 });
    const done = await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');
    expect(done.targets.every((t: any) => t.status === 'SUCCEEDED')).toBe(true);

    expect(errorCode(await rolloutCommand(server, 'promoteRollout', { rolloutId: id }))).toBe('CONFLICT');
  });

  it('promotes the next wave by itself after promoteAfterSeconds', async () => {
    const ids = await createFleet(
      server,
      [
        { tenant: 'timer-early', slug: 'prod', tier: 'prod' },
        { tenant: 'timer-late', slug: 'prod', tier: 'prod' },
      ],
      { 'timer-early': EARLY_ADOPTER },
    );
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const id = await start({
      releaseId,
      selector: { tenantSlugs: ['timer-early', 'timer-late'] },
      waves: [{ tenantLabels: EARLY_ADOPTER }],
      promoteAfterSeconds: 1,
    });
    const rollout = await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');
    expect(rollout.currentWave).toBe(2);

    const deployments = await rolloutDeployments(server, id);
    const early = deployments.find((d) => d.installation.id === ids['timer-early/prod']);
    const late = deployments.find((d) => d.installation.id === ids['timer-late/prod']);
    // The timer is one second; leave a little for the two clocks (Node and PostgreSQL) of one machine.
    expect(time(late.queuedAt) - time(early.finishedAt)).toBeGreaterThanOrEqual(950);
  });

  it('splits targets into waves by count, the rest forming a last wave', async () => {
    await createFleet(
      server,
      ['i1', 'i2', 'i3', 'i4', 'i5'].map((slug) => ({ tenant: 'counted', slug, tier: 'prod' })),
    );
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const id = await start({ releaseId, selector: { tenantSlugs: ['counted'] }, waves: [{ count: 2 }, { count: 2 }] });

    const summary = (r: any) => r.targets.map((t: any) => `${t.installation.slug}:${t.wave}:${t.status}`);
    let rollout = await waitForRollout(server, id, (r) => r.status === 'WAITING_FOR_PROMOTION');
    expect(rollout).toMatchObject({ currentWave: 1, waveCount: 3 });
    expect(summary(rollout)).toEqual(['i1:1:SUCCEEDED', 'i2:1:SUCCEEDED', 'i3:2:PENDING', 'i4:2:PENDING', 'i5:3:PENDING']);

    dataOf(await rolloutCommand(server, 'promoteRollout', { rolloutId: id }));
    rollout = await waitForRollout(server, id, (r) => r.status === 'WAITING_FOR_PROMOTION' && r.currentWave === 2);
    expect(summary(rollout)).toEqual(['i1:1:SUCCEEDED', 'i2:1:SUCCEEDED', 'i3:2:SUCCEEDED', 'i4:2:SUCCEEDED', 'i5:3:PENDING']);

    dataOf(await rolloutCommand(server, 'promoteRollout', { rolloutId: id }));
    rollout = await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');
    expect(rollout.currentWave).toBe(3);
    expect(summary(rollout)).toEqual(['i1:1:SUCCEEDED', 'i2:1:SUCCEEDED', 'i3:2:SUCCEEDED', 'i4:2:SUCCEEDED', 'i5:3:SUCCEEDED']);
  });
});

describe('approvals', () => {
  let ids: Record<string, string>;
  let gateManager: { token: string; name: string };
  let otherManager: { token: string };
  let gateOperator: { token: string };
  beforeAll(async () => {
    ids = await createFleet(server, [
      { tenant: 'gated', slug: 'prod', tier: 'prod', requiresApproval: true },
      { tenant: 'open', slug: 'prod', tier: 'prod' },
    ]);
    gateManager = await createSignedInUser(server, { role: 'RELEASE_MANAGER', tenantSlugs: ['gated'] });
    otherManager = await createSignedInUser(server, { role: 'RELEASE_MANAGER', tenantSlugs: ['open'] });
    gateOperator = await createSignedInUser(server, { role: 'OPERATOR', tenantSlugs: ['gated'] });
  });

  it('holds an installation that requires approval until a release manager of its tenant approves', async () => {
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const id = await start({ releaseId, selector: { tenantSlugs: ['gated', 'open'] } });

    const held = await waitForRollout(server, id, (r) => targetFor(r, 'open/prod').status === 'SUCCEEDED');
    const gate = targetFor(held, 'gated/prod');
    expect(gate).toMatchObject({ status: 'AWAITING_APPROVAL', deployments: [], finishedAt: null });
    expect(held).toMatchObject({ status: 'RUNNING', progress: { awaitingApproval: 1, succeeded: 1 } });

    const approve = (token: string) =>
      rolloutCommand(server, 'approveRolloutTarget', { targetId: gate.id }, token, 'status approvedBy');
    expect(errorCode(await approve(otherManager.token))).toBe('NOT_FOUND');
    expect(errorCode(await approve(gateOperator.token))).toBe('FORBIDDEN');
    expect(dataOf(await approve(gateManager.token)).approveRolloutTarget).toEqual({
      status: 'RUNNING',
      approvedBy: `user:${gateManager.name}`,
    });

    const done = await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');
    expect(targetFor(done, 'gated/prod').status).toBe('SUCCEEDED');
    expect(await runningOn(server, ids['gated/prod'])).toEqual(['api@1.0.0']);
    expect(errorCode(await approve(gateManager.token))).toBe('CONFLICT');
  });

  it('rejects an installation awaiting approval, with a reason', async () => {
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.1.0', stage: 1 }]);
    const id = await start({ releaseId, installationIds: [ids['gated/prod']] });
    const held = await waitForRollout(server, id, (r) => r.targets[0].status === 'AWAITING_APPROVAL');
    const targetId = held.targets[0].id;

    const reject = (reason: string, token: string) =>
      rolloutCommand(server, 'rejectRolloutTarget', { targetId, reason }, token, 'status statusReason finishedAt');
    expect(errorCode(await reject('  ', gateManager.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await reject('not now', otherManager.token))).toBe('NOT_FOUND');
    expect(dataOf(await reject('Customer freeze until Monday', gateManager.token)).rejectRolloutTarget).toEqual({
      status: 'REJECTED',
      statusReason: 'Customer freeze until Monday',
      finishedAt: expect.any(String),
    });

    const done = await waitForRollout(server, id, (r) => r.finishedAt !== null);
    expect(done).toMatchObject({ status: 'FAILED', progress: { rejected: 1, finished: 1 } });
    expect(done.targets[0].deployments).toEqual([]);
    expect(await runningOn(server, ids['gated/prod'])).toEqual(['api@1.0.0']);
  });
});

describe('failure policies', () => {
  it('PAUSE stops the rollout at the failed installation; a retry after the fix completes it', async () => {
    const ids = await createFleet(server, [
      { tenant: 'pause', slug: 'a-bad', tier: 'prod', driverConfig: { delayMs: 0, fail: ['api'] } },
      { tenant: 'pause', slug: 'b-ok', tier: 'prod' },
      { tenant: 'pause', slug: 'c-ok', tier: 'prod' },
    ]);
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'db', version: '1.0.0', stage: 1 },
      { app: 'api', version: '1.0.0', stage: 2 },
    ]);
    const id = await start({ releaseId, selector: { tenantSlugs: ['pause'] }, maxParallel: 1, failurePolicy: 'PAUSE' });

    const paused = await waitForRollout(server, id, (r) => r.status === 'PAUSED');
    expect(paused.statusReason).toContain('Simulated failure of api');
    const bad = targetFor(paused, 'pause/a-bad');
    expect(bad).toMatchObject({ status: 'FAILED', currentStage: 2, finishedAt: expect.any(String) });
    expect(bad.deployments.map((d: any) => [d.application.slug, d.status])).toEqual([
      ['db', 'SUCCEEDED'],
      ['api', 'FAILED'],
    ]);
    for (const key of ['pause/b-ok', 'pause/c-ok'])
      expect(targetFor(paused, key)).toMatchObject({ status: 'PENDING', deployments: [] });

    await setDriverConfig(server, 'pause/a-bad', { delayMs: 0 });
    const retried = dataOf(
      await rolloutCommand(server, 'retryRolloutTarget', { targetId: bad.id }, undefined, 'status finishedAt'),
    );
    expect(retried.retryRolloutTarget).toEqual({ status: 'RUNNING', finishedAt: null });

    const done = await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');
    expect(done.progress).toMatchObject({ total: 3, succeeded: 3 });
    expect(targetFor(done, 'pause/a-bad').deployments.map((d: any) => [d.application.slug, d.status])).toEqual([
      ['db', 'SUCCEEDED'],
      ['api', 'FAILED'],
      ['api', 'SUCCEEDED'],
    ]);
    expect(await runningOn(server, ids['pause/a-bad'])).toEqual(['api@1.0.0', 'db@1.0.0']);
  });

  it('a retry with resume: false runs only that installation; the rollout stays PAUSED and nothing else starts', async () => {
    const ids = await createFleet(server, [
      { tenant: 'retry-only', slug: 'a-bad', tier: 'prod', driverConfig: { delayMs: 0, fail: ['api'] } },
      { tenant: 'retry-only', slug: 'b-ok', tier: 'prod' },
    ]);
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const id = await start({ releaseId, selector: { tenantSlugs: ['retry-only'] }, maxParallel: 1, failurePolicy: 'PAUSE' });
    const paused = await waitForRollout(server, id, (r) => r.status === 'PAUSED');
    const bad = targetFor(paused, 'retry-only/a-bad');

    await setDriverConfig(server, 'retry-only/a-bad', { delayMs: 0 });
    const retried = dataOf(
      await rolloutCommand(server, 'retryRolloutTarget', { targetId: bad.id, resume: false }, undefined, 'status'),
    );
    expect(retried.retryRolloutTarget).toEqual({ status: 'RUNNING' });

    const after = await waitForRollout(server, id, (r) => targetFor(r, 'retry-only/a-bad').status === 'SUCCEEDED');
    expect(after.status).toBe('PAUSED');
    expect(targetFor(after, 'retry-only/b-ok')).toMatchObject({ status: 'PENDING', deployments: [] });
    expect(await runningOn(server, ids['retry-only/a-bad'])).toEqual(['api@1.0.0']);
    expect(await runningOn(server, ids['retry-only/b-ok'])).toEqual([]);

    dataOf(await rolloutCommand(server, 'resumeRollout', { rolloutId: id }));
    const done = await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');
    expect(done.progress).toMatchObject({ total: 2, succeeded: 2 });
  });

  it('CONTINUE records the failure, goes on with the others and ends FAILED', async () => {
    await createFleet(server, [
      { tenant: 'continue', slug: 'a-ok', tier: 'prod' },
      { tenant: 'continue', slug: 'b-bad', tier: 'prod', driverConfig: { delayMs: 0, fail: ['api'] } },
      { tenant: 'continue', slug: 'c-ok', tier: 'prod' },
    ]);
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'api', version: '1.0.0', stage: 1 },
      { app: 'web', version: '1.0.0', stage: 2 },
    ]);
    const id = await start({ releaseId, selector: { tenantSlugs: ['continue'] }, maxParallel: 1, failurePolicy: 'CONTINUE' });

    const done = await waitForRollout(server, id, (r) => r.finishedAt !== null);
    expect(done).toMatchObject({ status: 'FAILED', progress: { total: 3, succeeded: 2, failed: 1, finished: 3 } });
    expect(done.targets.map((t: any) => [t.installation.slug, t.status])).toEqual([
      ['a-ok', 'SUCCEEDED'],
      ['b-bad', 'FAILED'],
      ['c-ok', 'SUCCEEDED'],
    ]);
    const bad = targetFor(done, 'continue/b-bad');
    expect(bad.statusReason).toContain('Simulated failure of api');
    // The failed stage ends that installation: its stage 2 never started.
    expect(bad.deployments.map((d: any) => [d.stage, d.application.slug, d.status])).toEqual([[1, 'api', 'FAILED']]);
  });

  it("ROLLBACK redeploys the failed installation's earlier artifacts as ROLLBACK deployments", async () => {
    const ids = await createFleet(server, [{ tenant: 'rollback', slug: 'prod', tier: 'prod' }]);
    const installationId = ids['rollback/prod'];
    const previous = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'db', version: '1.0.0', stage: 1 },
      { app: 'api', version: '1.0.0', stage: 2 },
    ]);
    await waitForRollout(
      server,
      await start({ releaseId: previous, installationIds: [installationId] }),
      (r) => r.status === 'SUCCEEDED',
    );

    await setDriverConfig(server, 'rollback/prod', { delayMs: 0, fail: ['api'] });
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'db', version: '1.1.0', stage: 1 },
      { app: 'api', version: '1.1.0', stage: 2 },
    ]);
    const id = await start({ releaseId, installationIds: [installationId], failurePolicy: 'ROLLBACK' });

    const done = await waitForRollout(server, id, (r) => r.finishedAt !== null);
    expect(done).toMatchObject({ status: 'FAILED', progress: { rolledBack: 1 } });
    expect(done.targets[0]).toMatchObject({ status: 'ROLLED_BACK', finishedAt: expect.any(String) });
    const ledger = await rolloutDeployments(server, id);
    expect(ledger.map((d) => [d.kind, d.application.slug, d.artifact.version, d.status])).toEqual([
      ['ROLLOUT', 'db', '1.1.0', 'SUCCEEDED'],
      ['ROLLOUT', 'api', '1.1.0', 'FAILED'],
      ['ROLLBACK', 'db', '1.0.0', 'SUCCEEDED'],
    ]);
    expect(ledger[2].reason).toMatch(/^Rollback: /);
    expect(await runningOn(server, installationId)).toEqual(['api@1.0.0', 'db@1.0.0']);
  });

  it('an error budget of 0% fails the rollout at the first failure and cancels the pending installations', async () => {
    await createFleet(server, [
      { tenant: 'budget', slug: 'a-bad', tier: 'prod', driverConfig: { delayMs: 0, fail: ['api'] } },
      { tenant: 'budget', slug: 'b-ok', tier: 'prod' },
      { tenant: 'budget', slug: 'c-ok', tier: 'prod' },
    ]);
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const id = await start({
      releaseId,
      selector: { tenantSlugs: ['budget'] },
      maxParallel: 1,
      failurePolicy: 'CONTINUE',
      errorBudgetPercent: 0,
    });

    const done = await waitForRollout(server, id, (r) => r.finishedAt !== null);
    expect(done.status).toBe('FAILED');
    expect(done.statusReason).toContain('Error budget exceeded');
    expect(done.targets.map((t: any) => [t.installation.slug, t.status, t.deployments.length, t.finishedAt !== null])).toEqual([
      ['a-bad', 'FAILED', 1, true],
      ['b-ok', 'CANCELLED', 0, true],
      ['c-ok', 'CANCELLED', 0, true],
    ]);
  });

  it('takes an error budget with a fraction: 1 of 8 failed stays within 12.5 %, 2 of 8 go over it', async () => {
    const fleet = (tenant: string, failing: number) =>
      createFleet(
        server,
        Array.from({ length: 8 }, (_, i) => ({
          tenant,
          slug: `i${i}`,
          tier: 'prod',
          driverConfig: { delayMs: 0, fail: i < failing ? ['api'] : [] },
        })),
      );
    await fleet('eighth-one', 1);
    await fleet('eighth-two', 2);
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const within = await start({
      releaseId,
      selector: { tenantSlugs: ['eighth-one'] },
      maxParallel: 1,
      failurePolicy: 'CONTINUE',
      errorBudgetPercent: 12.5,
    });
    const over = await start({
      releaseId,
      selector: { tenantSlugs: ['eighth-two'] },
      maxParallel: 1,
      failurePolicy: 'CONTINUE',
      errorBudgetPercent: 12.5,
    });
    const first = await waitForRollout(server, within, (r) => r.finishedAt !== null);
    expect([first.status, first.statusReason]).toEqual(['FAILED', '1 installation did not get the release']);
    expect(first.progress).toMatchObject({ succeeded: 7, failed: 1, cancelled: 0 });
    const second = await waitForRollout(server, over, (r) => r.finishedAt !== null);
    expect(second.statusReason).toContain('Error budget exceeded: 2 of 8 installations failed (25.0% > 12.5%)');
    const { rollout } = dataOf(
      await server.gql<{ rollout: { errorBudgetPercent: number } }>(
        `query ($id: ID!) { rollout(id: $id) { errorBudgetPercent } }`,
        {
          id: over,
        },
      ),
    );
    expect(rollout.errorBudgetPercent).toBe(12.5);
  });
});

interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  answered: number;
}

/**
 * A stand-in orchestrator: records each request and answers 500 to the first request for `failFirst` (to every
 * request with `failAlways`).
 */
async function startOrchestrator(
  failFirst: string,
  failAlways = false,
): Promise<{ url: string; deliveries: Delivery[]; server: Server }> {
  const deliveries: Delivery[] = [];
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw);
      const answered =
        failAlways || (body.application.slug === failFirst && !deliveries.some((d) => d.body.application.slug === failFirst))
          ? 500
          : 200;
      deliveries.push({ headers: req.headers, raw, body, answered });
      res.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/deploy`, deliveries, server: http };
}

describe('the WEBHOOK driver', () => {
  let orchestrator: Awaited<ReturnType<typeof startOrchestrator>>;
  beforeAll(async () => {
    orchestrator = await startOrchestrator('web');
  });
  afterAll(() => new Promise<void>((resolve) => orchestrator.server.close(() => resolve())));

  it('posts signed requests, retries a failed one with the same delivery id, and finishes on the callback', async () => {
    const secret = 'orchestrator-secret-0123456789';
    const ids = await createFleet(server, [
      { tenant: 'hooked', slug: 'prod', tier: 'prod', driver: 'WEBHOOK', driverConfig: { url: orchestrator.url, secret } },
    ]);
    const installationId = ids['hooked/prod'];
    const version = nextReleaseVersion();
    const releaseId = await lockedRelease(server, version, [
      { app: 'api', version: '1.0.0', stage: 1 },
      { app: 'web', version: '1.0.0', stage: 1 },
    ]);
    const rolloutId = await start({ releaseId, installationIds: [installationId] });

    const deliveries = await waitFor(
      'the webhook for web to be retried',
      async () => orchestrator.deliveries,
      (list) => list.filter((d) => d.body.application.slug === 'web').length === 2,
    );
    const deployments = await rolloutDeployments(server, rolloutId);
    for (const delivery of deliveries) {
      const deployment = deployments.find((d) => d.id === delivery.body.deploymentId);
      expect(delivery.headers['x-shiplog-signature-256']).toBe(
        `sha256=${createHmac('sha256', secret).update(delivery.raw).digest('hex')}`,
      );
      expect(delivery.headers['x-shiplog-delivery']).toBe(deployment.id);
      expect(Number.isNaN(Date.parse(String(delivery.headers['x-shiplog-timestamp'])))).toBe(false);
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.body).toMatchObject({
        deploymentId: deployment.id,
        callbackUrl: expect.stringMatching(new RegExp(`/api/deployments/${deployment.id}/status$`)),
        installation: { id: installationId, slug: 'prod', tenant: { slug: 'hooked' } },
        application: { slug: deployment.application.slug },
        artifact: { version: '1.0.0', imageRef: `registry.example/${deployment.application.slug}:1.0.0` },
        release: { id: releaseId, version },
        rollout: { id: rolloutId },
      });
    }
    const web = deliveries.filter((d) => d.body.application.slug === 'web');
    expect(web.map((d) => d.answered)).toEqual([500, 200]);
    expect(web[1].headers['x-shiplog-delivery']).toBe(web[0].headers['x-shiplog-delivery']);

    // A delivery retry comes a second after the failure; give any repeat of the api request that
    // long to show up before checking it was sent once.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(orchestrator.deliveries.filter((d) => d.body.application.slug === 'api')).toHaveLength(1);

    // Delivered is not deployed: both wait for the orchestrator's report.
    expect(deployments.map((d) => d.status)).toEqual(['QUEUED', 'QUEUED']);
    const reporter = await createApiToken(server, { role: 'OPERATOR', tenantSlugs: ['hooked'] });
    for (const delivery of deliveries.filter((d) => d.answered === 200)) {
      const response = await fetch(`${server.url}${new URL(delivery.body.callbackUrl).pathname}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reporter.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'SUCCEEDED', message: 'deployed by the orchestrator' }),
      });
      expect(response.status).toBe(200);
    }
    const done = await waitForRollout(server, rolloutId, (r) => r.status === 'SUCCEEDED');
    expect(done.targets[0].deployments.map((d: any) => d.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const webLog = (await getDeployment(server, web[0].body.deploymentId)).log.map((l: any) => l.line);
    expect(webLog).toEqual(
      expect.arrayContaining([
        'Attempt 1 of 8 failed: the orchestrator did not accept the request',
        'Attempt 2 of 8: delivered (answered 200)',
      ]),
    );
  }, 40_000);

  it('fails a deployment whose installation left the WEBHOOK driver before its request was delivered, and retrying uses the new driver', async () => {
    const refusing = await startOrchestrator('api', true);
    try {
      const ids = await createFleet(server, [
        {
          tenant: 'switched',
          slug: 'prod',
          tier: 'prod',
          driver: 'WEBHOOK',
          driverConfig: { url: refusing.url, secret: 'orchestrator-secret-0123456789' },
        },
      ]);
      const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
      const rolloutId = await start({ releaseId, installationIds: [ids['switched/prod']], failurePolicy: 'PAUSE' });
      await waitFor(
        'the first request to be refused',
        async () => refusing.deliveries.length,
        (count) => count >= 1,
      );
      // Every attempt is refused, so whichever attempt comes after the switch finds the new driver.
      dataOf(
        await server.gql(`mutation ($input: UpdateInstallationInput!) { updateInstallation(input: $input) { id } }`, {
          input: { tenantSlug: 'switched', slug: 'prod', driver: 'MANUAL' },
        }),
      );
      const paused = await waitForRollout(server, rolloutId, (r) => r.status === 'PAUSED', 30_000);
      const [failed] = paused.targets[0].deployments;
      expect(await getDeployment(server, failed.id)).toMatchObject({
        status: 'FAILED',
        message:
          "The installation's driver changed to MANUAL before the deployment request was delivered, so it was not sent again; retry to deploy with the current driver",
      });

      dataOf(await rolloutCommand(server, 'retryRolloutTarget', { targetId: paused.targets[0].id }));
      const retried = await waitFor(
        'the retry to be handed to the MANUAL driver',
        async () => (await rolloutDeployments(server, rolloutId)).find((d) => d.id !== failed.id),
        (deployment) => deployment?.status === 'QUEUED',
      );
      const lines = async () => (await getDeployment(server, retried.id)).log.map((l: any) => l.line);
      await waitFor('the MANUAL hand-over in the log', lines, (log) =>
        log.includes('Waiting for a person to deploy this and report it done'),
      );
    } finally {
      await new Promise<void>((resolve) => refusing.server.close(() => resolve()));
    }
  }, 40_000);
});

it('sets a finish time on exactly the terminal rollouts, targets and deployments', async () => {
  const rows = await finishTimes(server);
  expect(rows.filter(([, , finished, terminal]) => finished !== terminal)).toEqual([]);
});
