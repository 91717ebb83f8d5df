import { randomUUID } from 'node:crypto';
import {
  createApplications,
  createFleet,
  lockedRelease,
  nextReleaseVersion,
  rolloutCommand,
  rolloutDeployments,
  startRollout,
  targetFor,
  waitForRollout,
} from '../factories/rollouts';
import { auditEvents, createApiToken, createSignedInUser, createTier } from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createTier(server, { name: 'dev', rank: 10 });
  await createApplications(server, ['api'], ['1.0.0']);
});
afterAll(() => server.close());

const EXCLUDE = `mutation ($input: ExcludeRolloutTargetInput!) {
  excludeRolloutTarget(input: $input) { id status statusReason finishedAt rollout { id status } }
}`;

function exclude(targetId: string, reason: string, token?: string) {
  return server.gql<{ excludeRolloutTarget: any }>(EXCLUDE, { input: { targetId, reason } }, token);
}

/**
 * A rollout paused by a failure: `failing` failed at once, `busy` deployed (slowly) meanwhile and succeeded,
 * the other installations wait, PENDING.
 */
async function pausedByFailure(tenant: string, waiting: string[]) {
  const ids = await createFleet(server, [
    { tenant, slug: 'failing', tier: 'dev', driverConfig: { delayMs: 0, fail: ['api'] } },
    { tenant, slug: 'busy', tier: 'dev', driverConfig: { delayMs: 150 } },
    ...waiting.map((slug) => ({ tenant, slug, tier: 'dev' })),
  ]);
  const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
  const { id } = dataOf(
    await startRollout(server, {
      releaseId,
      installationIds: Object.values(ids),
      maxParallel: 1,
      failurePolicy: 'PAUSE',
    }),
  ).startRollout;
  const paused = await waitForRollout(server, id, (r) => r.status === 'PAUSED' && r.progress.running === 0);
  expect(targetFor(paused, `${tenant}/failing`).status).toBe('FAILED');
  for (const slug of waiting) expect(targetFor(paused, `${tenant}/${slug}`).status).toBe('PENDING');
  return { id, paused };
}

describe('excludeRolloutTarget', () => {
  it('leaves a failed and a waiting installation out of a paused rollout, which then resumes without them and succeeds', async () => {
    const { id, paused } = await pausedByFailure('excl', ['later', 'last']);
    const scopedManager = await createSignedInUser(server, { role: 'RELEASE_MANAGER', tenantSlugs: ['excl'] });
    const failing = targetFor(paused, 'excl/failing');
    const later = targetFor(paused, 'excl/later');

    const excludedFailure = dataOf(await exclude(failing.id, 'Host is being replaced')).excludeRolloutTarget;
    expect(excludedFailure).toEqual({
      id: failing.id,
      status: 'EXCLUDED',
      statusReason: 'Excluded by token:admin (SHIPLOG_ADMIN_TOKEN): Host is being replaced',
      finishedAt: expect.any(String),
      rollout: { id, status: 'PAUSED' },
    });
    // A release manager of the tenant may leave out its own installation.
    const excludedWaiting = dataOf(await exclude(later.id, 'Customer asked to wait', scopedManager.token)).excludeRolloutTarget;
    expect(excludedWaiting.status).toBe('EXCLUDED');
    expect(excludedWaiting.statusReason).toBe(`Excluded by user:${scopedManager.name}: Customer asked to wait`);

    // Excluding is not resuming: nothing else started.
    const still = await waitForRollout(server, id, (r) => r.status === 'PAUSED');
    expect(targetFor(still, 'excl/last').status).toBe('PENDING');

    expect(dataOf(await rolloutCommand(server, 'resumeRollout', { rolloutId: id })).resumeRollout.status).toBe('RUNNING');
    const done = await waitForRollout(server, id, (r) => ['SUCCEEDED', 'FAILED'].includes(r.status));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.progress).toMatchObject({ succeeded: 2, excluded: 2, failed: 0, finished: 4, percentComplete: 100 });

    // Nothing was deployed to an excluded installation afterwards: the failed one keeps its one failed attempt,
    // the waiting one never got a deployment.
    const deployments = await rolloutDeployments(server, id);
    const on = (slug: string) => deployments.filter((d) => d.installation.slug === slug).map((d) => d.status);
    expect(on('failing')).toEqual(['FAILED']);
    expect(on('later')).toEqual([]);
    expect(on('last')).toEqual(['SUCCEEDED']);
    expect(errorCode(await rolloutCommand(server, 'retryRolloutTarget', { targetId: failing.id }))).toBe('CONFLICT');

    const audit = await auditEvents(server, { action: 'rollout.target.exclude', subjectId: failing.id });
    expect(audit.nodes).toEqual([
      expect.objectContaining({
        actor: 'token:admin (SHIPLOG_ADMIN_TOKEN)',
        subjectType: 'RolloutTarget',
        before: { status: 'FAILED' },
        after: expect.objectContaining({ status: 'EXCLUDED', rolloutId: id, rolloutStatus: 'PAUSED' }),
      }),
    ]);
  });

  it('refuses a running rollout, a finished installation, a blank reason and anyone below RELEASE_MANAGER', async () => {
    const { id, paused } = await pausedByFailure('excl-refusals', ['waiting']);
    const busy = targetFor(paused, 'excl-refusals/busy');
    const waiting = targetFor(paused, 'excl-refusals/waiting');

    expect(errorCode(await exclude(busy.id, 'It succeeded already'))).toBe('CONFLICT');
    expect(errorCode(await exclude(waiting.id, '  '))).toBe('BAD_USER_INPUT');
    expect(errorCode(await exclude(randomUUID(), 'Unknown'))).toBe('NOT_FOUND');
    const operator = await createApiToken(server, { role: 'OPERATOR' });
    expect(errorCode(await exclude(waiting.id, 'Not mine to decide', operator.token))).toBe('FORBIDDEN');

    const { id: manualId } = dataOf(
      await startRollout(server, {
        releaseId: await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]),
        installationIds: Object.values(
          await createFleet(server, [
            { tenant: 'excl-running', slug: 'one', tier: 'dev', driver: 'MANUAL', driverConfig: {} },
            { tenant: 'excl-running', slug: 'two', tier: 'dev', driver: 'MANUAL', driverConfig: {} },
          ]),
        ),
        maxParallel: 1,
      }),
    ).startRollout;
    const running = await waitForRollout(server, manualId, (r) => r.progress.running === 1);
    expect(errorCode(await exclude(targetFor(running, 'excl-running/two').id, 'Not paused'))).toBe('CONFLICT');

    // Refusals changed nothing.
    const after = await waitForRollout(server, id, (r) => r.status === 'PAUSED');
    expect(targetFor(after, 'excl-refusals/waiting').status).toBe('PENDING');
    expect(targetFor(after, 'excl-refusals/busy').status).toBe('SUCCEEDED');
    expect((await auditEvents(server, { action: 'rollout.target.exclude', subjectId: waiting.id })).totalCount).toBe(0);
  });

  it("answers NOT_FOUND to a tenant-scoped release manager for another tenant's installation", async () => {
    const { paused } = await pausedByFailure('excl-theirs', ['waiting']);
    await createFleet(server, [{ tenant: 'excl-mine', slug: 'dev', tier: 'dev' }]);
    const outsider = await createSignedInUser(server, { role: 'RELEASE_MANAGER', tenantSlugs: ['excl-mine'] });
    const waiting = targetFor(paused, 'excl-theirs/waiting');
    const failing = targetFor(paused, 'excl-theirs/failing');

    expect(errorCode(await exclude(waiting.id, 'Not yours', outsider.token))).toBe('NOT_FOUND');
    expect(errorCode(await exclude(failing.id, 'Not yours', outsider.token))).toBe('NOT_FOUND');
    const after = await waitForRollout(server, paused.id, (r) => r.status === 'PAUSED');
    expect(targetFor(after, 'excl-theirs/waiting').status).toBe('PENDING');
    expect(targetFor(after, 'excl-theirs/failing').status).toBe('FAILED');
  });
});
