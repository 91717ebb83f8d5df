import { QUEUES, type QueueName } from '../../src/engine/job-queue';
import {
  createApplications,
  createFleet,
  createTiers,
  lockedRelease,
  nextReleaseVersion,
  rolloutCommand,
  rolloutDeployments,
  startRollout,
  waitForRollout,
} from '../factories/rollouts';
import { dataOf, startTestServer, type TestServer } from '../support/server';

/**
 * A step of the engine that fails on every try (here the database refuses it, through a trigger) is not left
 * waiting for ever: its deployments fail, or its rollout pauses, with a reason a person can act on; once the
 * cause is gone, retrying or resuming does the work.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['api'], ['1.0.0']);
  await server.dataSource.query(
    `CREATE FUNCTION refuse_in_test() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
  );
});
afterAll(() => server.close());

/** No retries after the first try, so a test need not wait through the backoff (new jobs take the queue's limit). */
async function noRetries(queue: QueueName): Promise<void> {
  await server.dataSource.query('UPDATE pgboss.queue SET retry_limit = 0 WHERE name = $1', [queue]);
}

async function pausedBy(id: string): Promise<{ status: string; pausedBy: string | null; statusReason: string | null }> {
  const response = await server.gql<{ rollout: any }>(`query ($id: ID!) { rollout(id: $id) { status pausedBy statusReason } }`, {
    id,
  });
  return dataOf(response).rollout;
}

it('fails a deployment it could not hand to its driver on any try, and the rollout pauses by its failure policy', async () => {
  const ids = await createFleet(server, [
    { tenant: 'refused', slug: 'prod', tier: 'prod' },
    { tenant: 'accepted', slug: 'prod', tier: 'prod' },
  ]);
  await noRetries(QUEUES.dispatch);
  // Any change of the refused installation's deployments but failing them is refused.
  await server.dataSource.query(
    `CREATE TRIGGER refuse_handover BEFORE UPDATE ON deployment FOR EACH ROW
      WHEN (NEW.installation_id = '${ids['refused/prod']}' AND NEW.status <> 'FAILED') EXECUTE FUNCTION refuse_in_test()`,
  );
  try {
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const { id } = dataOf(
      await startRollout(server, {
        releaseId,
        selector: { tenantSlugs: ['refused', 'accepted'] },
        maxParallel: 2,
        failurePolicy: 'PAUSE',
      }),
    ).startRollout;
    await waitForRollout(server, id, (r) => r.status === 'PAUSED', 30_000);
    expect(await pausedBy(id)).toMatchObject({ status: 'PAUSED', pausedBy: 'FAILURE' });
    const deployments = await rolloutDeployments(server, id);
    // One deployment each: the last try and the giving up made no second one.
    expect(deployments.map((d) => d.installation.tenant.slug).sort()).toEqual(['accepted', 'refused']);
    const byTenant = Object.fromEntries(deployments.map((d) => [d.installation.tenant.slug, d]));
    expect(byTenant.accepted.status).toBe('SUCCEEDED');
    expect(byTenant.refused).toMatchObject({
      status: 'FAILED',
      message: 'Shiplog could not hand this deployment to its driver: it failed on every try (the server log says why).',
    });
    const refusedTarget = (await waitForRollout(server, id, () => true)).targets.find(
      (t: any) => t.installation.tenant.slug === 'refused',
    );
    expect(refusedTarget.status).toBe('FAILED');

    await server.dataSource.query('DROP TRIGGER refuse_handover ON deployment');
    dataOf(await rolloutCommand(server, 'retryRolloutTarget', { targetId: refusedTarget.id }));
    await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED', 30_000);
  } finally {
    await server.dataSource.query('DROP TRIGGER IF EXISTS refuse_handover ON deployment');
  }
});

it('pauses a rollout whose timed promotion failed on every try, and resuming promotes it', async () => {
  await createFleet(
    server,
    [
      { tenant: 'stuck-early', slug: 'prod', tier: 'prod' },
      { tenant: 'stuck-late', slug: 'prod', tier: 'prod' },
    ],
    { 'stuck-early': [{ key: 'cohort', value: 'stuck-early' }] },
  );
  await noRetries(QUEUES.promote);
  const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
  const { id } = dataOf(
    await startRollout(server, {
      releaseId,
      selector: { tenantSlugs: ['stuck-early', 'stuck-late'] },
      waves: [{ tenantLabels: [{ key: 'cohort', value: 'stuck-early' }] }],
      promoteAfterSeconds: 2,
    }),
  ).startRollout;
  // Moving this rollout to a later wave is refused; pausing it is not.
  await server.dataSource.query(
    `CREATE TRIGGER refuse_promotion BEFORE UPDATE ON rollout FOR EACH ROW
      WHEN (NEW.id = '${id}' AND NEW.current_wave > OLD.current_wave) EXECUTE FUNCTION refuse_in_test()`,
  );
  try {
    await waitForRollout(server, id, (r) => r.status === 'PAUSED', 30_000);
    expect(await pausedBy(id)).toEqual({
      status: 'PAUSED',
      pausedBy: 'ENGINE',
      statusReason:
        'Shiplog could not promote wave 2 of this rollout: it failed on every try (the server log says why). Resume it to try again.',
    });
    // Nothing of the second wave started.
    expect((await waitForRollout(server, id, () => true)).targets.map((t: any) => `${t.wave}:${t.status}`).sort()).toEqual([
      '1:SUCCEEDED',
      '2:PENDING',
    ]);

    await server.dataSource.query('DROP TRIGGER refuse_promotion ON rollout');
    dataOf(await rolloutCommand(server, 'resumeRollout', { rolloutId: id }));
    const rollout = await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED', 30_000);
    expect(rollout.currentWave).toBe(2);
  } finally {
    await server.dataSource.query('DROP TRIGGER IF EXISTS refuse_promotion ON rollout');
  }
});
