import { randomUUID } from 'node:crypto';
import {
  createApplications,
  createFleet,
  createTiers,
  lockedRelease,
  nextReleaseVersion,
  rolloutCommand,
  runningOn,
  startRollout,
  targetFor,
  waitForRollout,
} from '../factories/rollouts';
import { createSignedInUser } from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let ids: Record<string, string>;
let oldRelease: string;
let newRelease: string;
let newVersion: string;
beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['api'], ['1.0.0', '1.1.0']);
  ids = await createFleet(server, [
    { tenant: 'overlap', slug: 'a-bad', tier: 'prod', driverConfig: { delayMs: 0, fail: ['api'] } },
    { tenant: 'overlap', slug: 'b', tier: 'prod' },
    { tenant: 'overlap', slug: 'c', tier: 'prod' },
    { tenant: 'elsewhere', slug: 'x', tier: 'prod' },
  ]);
  oldRelease = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
  newVersion = nextReleaseVersion();
  newRelease = await lockedRelease(server, newVersion, [{ app: 'api', version: '1.1.0', stage: 1 }]);
});
afterAll(() => server.close());

const PREVIEW = `query ($input: RolloutPlanInput!) {
  previewRollout(input: $input) { overlapCount overlaps { installation { slug } rollout { id status } targetStatus } }
}`;
const ON_NEWER = `query ($id: ID!) {
  rollout(id: $id) { pendingTargetsOnNewerRelease { target { id status installation { slug } } newerRelease { version } } }
}`;

describe('overlapping rollouts', () => {
  it('the preview lists installations another unfinished rollout still has to do; resuming can leave out those on a newer release', async () => {
    // The old release pauses at a-bad with b and c still waiting.
    const old = dataOf(
      await startRollout(server, {
        releaseId: oldRelease,
        installationIds: [ids['overlap/a-bad'], ids['overlap/b'], ids['overlap/c']],
        maxParallel: 1,
        failurePolicy: 'PAUSE',
      }),
    ).startRollout.id;
    const paused = await waitForRollout(server, old, (r) => r.status === 'PAUSED');

    // Planning the new release for b and x: b is still waiting in the old rollout, x is in no other rollout.
    const plan = dataOf(
      await server.gql(PREVIEW, { input: { releaseId: newRelease, installationIds: [ids['overlap/b'], ids['elsewhere/x']] } }),
    ).previewRollout;
    expect(plan).toEqual({
      overlapCount: 1,
      overlaps: [{ installation: { slug: 'b' }, rollout: { id: old, status: 'PAUSED' }, targetStatus: 'PENDING' }],
    });

    // Nothing runs a newer release yet.
    expect(dataOf(await server.gql(ON_NEWER, { id: old })).rollout.pendingTargetsOnNewerRelease).toEqual([]);

    const fresh = dataOf(
      await startRollout(server, { releaseId: newRelease, installationIds: [ids['overlap/b']], reason: 'newer first' }),
    ).startRollout.id;
    await waitForRollout(server, fresh, (r) => r.status === 'SUCCEEDED');
    expect(await runningOn(server, ids['overlap/b'])).toEqual(['api@1.1.0']);

    // The old rollout now says that resuming would take b back to the old release.
    const b = targetFor(paused, 'overlap/b');
    expect(dataOf(await server.gql(ON_NEWER, { id: old })).rollout.pendingTargetsOnNewerRelease).toEqual([
      { target: { id: b.id, status: 'PENDING', installation: { slug: 'b' } }, newerRelease: { version: newVersion } },
    ]);
    // Another tenant's viewer does not see the rollout at all.
    const outsider = await createSignedInUser(server, { role: 'VIEWER', tenantSlugs: ['elsewhere'] });
    expect(dataOf(await server.gql(ON_NEWER, { id: old }, outsider.token)).rollout).toBeNull();

    // Leaving out what is not waiting, or is not of this rollout, is refused and changes nothing.
    const a = targetFor(paused, 'overlap/a-bad');
    expect(errorCode(await rolloutCommand(server, 'resumeRollout', { rolloutId: old, skipTargetIds: [a.id] }))).toBe('CONFLICT');
    expect(errorCode(await rolloutCommand(server, 'resumeRollout', { rolloutId: old, skipTargetIds: [randomUUID()] }))).toBe(
      'NOT_FOUND',
    );
    const fresher = dataOf(
      await server.gql(`query ($id: ID!) { rollout(id: $id) { status targets { id } } }`, { id: fresh }),
    ).rollout;
    expect(
      errorCode(await rolloutCommand(server, 'resumeRollout', { rolloutId: old, skipTargetIds: [fresher.targets[0].id] })),
    ).toBe('NOT_FOUND');
    expect(dataOf(await server.gql(`query ($id: ID!) { rollout(id: $id) { status } }`, { id: old })).rollout.status).toBe(
      'PAUSED',
    );

    // Resuming without b: c gets the old release, b keeps the newer one.
    dataOf(await rolloutCommand(server, 'resumeRollout', { rolloutId: old, skipTargetIds: [b.id] }));
    const done = await waitForRollout(server, old, (r) => r.finishedAt !== null);
    expect(targetFor(done, 'overlap/b')).toMatchObject({
      status: 'SKIPPED',
      statusReason: 'Left out when the rollout was resumed',
    });
    expect(targetFor(done, 'overlap/c').status).toBe('SUCCEEDED');
    expect(await runningOn(server, ids['overlap/b'])).toEqual(['api@1.1.0']);
    expect(await runningOn(server, ids['overlap/c'])).toEqual(['api@1.0.0']);
    expect(dataOf(await server.gql(ON_NEWER, { id: old })).rollout.pendingTargetsOnNewerRelease).toEqual([]);
  });
});
