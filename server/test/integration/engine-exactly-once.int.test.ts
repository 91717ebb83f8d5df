import {
  createApplications,
  createFleet,
  createTiers,
  getDeployment,
  lockedRelease,
  nextReleaseVersion,
  reportDeployment,
  rolloutCommand,
  startRollout,
  targetFor,
  waitFor,
  waitForRollout,
} from '../factories/rollouts';
import { startReceiver, type Answer } from '../support/receiver';
import { dataOf, type TestServer, startTestServer } from '../support/server';

let server: TestServer;
let ids: Record<string, string>;
let releaseId: string;
const CURRENT = ['mix/a', 'mix/b', 'mix/c'];
const OUTDATED = ['mix/d', 'mix/e'];

beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['db', 'api', 'web'], ['1.0.0']);
  ids = await createFleet(
    server,
    [...CURRENT, ...OUTDATED].map((key) => ({ tenant: 'mix', slug: key.split('/')[1], tier: 'dev' })),
  );
  releaseId = await lockedRelease(server, nextReleaseVersion(), [
    { app: 'db', version: '1.0.0', stage: 1 },
    { app: 'api', version: '1.0.0', stage: 2 },
    { app: 'web', version: '1.0.0', stage: 3 },
  ]);
  // Three installations run the release already.
  const first = dataOf(await startRollout(server, { releaseId, installationIds: CURRENT.map((key) => ids[key]) })).startRollout
    .id;
  await waitForRollout(server, first, (r) => r.status === 'SUCCEEDED');
});
afterAll(() => server.close());

/** The ledger rows of a rollout as `installation app status`, with how many events announced each deployment. */
async function ledger(rolloutId: string) {
  return server.dataSource.query<{ installation: string; app: string; status: string; attempt: number; events: string }[]>(
    `SELECT i.slug AS installation, a.slug AS app, d.status, d.attempt,
            (SELECT count(DISTINCT e.data->>'status') FROM event_record e WHERE e.deployment_id = d.id) AS events
       FROM deployment d JOIN installation i ON i.id = d.installation_id JOIN application a ON a.id = d.application_id
      WHERE d.rollout_id = $1 ORDER BY i.slug, d.stage`,
    [rolloutId],
  );
}

const everyInstallation = () => [...CURRENT, ...OUTDATED].map((key) => ids[key]);

describe('a rollout deploys each component to each installation once', () => {
  it('deploys every application once to the installations that need it, beside ones that already run the release', async () => {
    const rolloutId = dataOf(await startRollout(server, { releaseId, installationIds: everyInstallation() })).startRollout.id;
    const done = await waitForRollout(server, rolloutId, (r) => r.status === 'SUCCEEDED');
    expect(done.targets.map((t: any) => [t.installation.slug, t.status])).toEqual([
      ['a', 'SKIPPED'],
      ['b', 'SKIPPED'],
      ['c', 'SKIPPED'],
      ['d', 'SUCCEEDED'],
      ['e', 'SUCCEEDED'],
    ]);
    const rows = await ledger(rolloutId);
    expect(rows.map((r) => `${r.installation} ${r.app} ${r.status} ${r.attempt}`)).toEqual([
      'a db SKIPPED 1',
      'a api SKIPPED 1',
      'a web SKIPPED 1',
      'b db SKIPPED 1',
      'b api SKIPPED 1',
      'b web SKIPPED 1',
      'c db SKIPPED 1',
      'c api SKIPPED 1',
      'c web SKIPPED 1',
      'd db SUCCEEDED 1',
      'd api SUCCEEDED 1',
      'd web SUCCEEDED 1',
      'e db SUCCEEDED 1',
      'e api SUCCEEDED 1',
      'e web SUCCEEDED 1',
    ]);
  });

  it('writes one SKIPPED row per installation and component, each announced once, when every installation is current', async () => {
    const rolloutId = dataOf(await startRollout(server, { releaseId, installationIds: everyInstallation(), maxParallel: 2 }))
      .startRollout.id;
    const done = await waitForRollout(server, rolloutId, (r) => r.status === 'SUCCEEDED');
    expect(done.targets.map((t: any) => t.status)).toEqual(Array(5).fill('SKIPPED'));
    const rows = await ledger(rolloutId);
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.status === 'SKIPPED' && r.events === '1')).toBe(true);
    const [{ count }] = await server.dataSource.query(
      `SELECT count(*) AS count FROM event_record WHERE rollout_id = $1 AND type = 'deployment.updated'`,
      [rolloutId],
    );
    expect(Number(count)).toBe(15);
  });

  it('sends a WEBHOOK installation after three current ones each request once, with its own delivery id', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await createFleet(server, [
        {
          tenant: 'mix-hooked',
          slug: 'hooked',
          tier: 'dev',
          driver: 'WEBHOOK',
          driverConfig: { url: `${receiver.url}/deploy`, secret: 'orchestrator-secret-0123456789' },
        },
      ]);
      const rolloutId = dataOf(
        await startRollout(server, {
          releaseId,
          installationIds: [...CURRENT.map((key) => ids[key]), hook['mix-hooked/hooked']],
        }),
      ).startRollout.id;
      for (const stage of [1, 2, 3]) {
        const [request] = await waitFor(
          `the stage ${stage} request`,
          async () => receiver.requests.filter((r) => r.body.stage === stage),
          (list) => list.length > 0,
        );
        // Time for a second request of the same stage to arrive, had one been sent.
        await new Promise((resolve) => setTimeout(resolve, 700));
        dataOf(await reportDeployment(server, { deploymentId: request.body.deploymentId, status: 'SUCCEEDED' }));
      }
      await waitForRollout(server, rolloutId, (r) => r.status === 'SUCCEEDED');
      expect(receiver.requests.map((r) => r.body.stage)).toEqual([1, 2, 3]);
      const deliveryIds = receiver.requests.map((r) => r.headers['x-shiplog-delivery']);
      expect(new Set(deliveryIds).size).toBe(3);
      expect(deliveryIds).toEqual(receiver.requests.map((r) => r.body.deploymentId));
      const rows = await ledger(rolloutId);
      expect(rows.filter((r) => r.installation === 'hooked').map((r) => `${r.app} ${r.status}`)).toEqual([
        'db SUCCEEDED',
        'api SUCCEEDED',
        'web SUCCEEDED',
      ]);
    } finally {
      await receiver.close();
    }
  }, 30_000);
});

describe('WEBHOOK deliveries that cannot succeed end', () => {
  let answer: (path: string) => Answer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let hookRelease: string;
  const secret = 'orchestrator-secret-0123456789';

  beforeAll(async () => {
    receiver = await startReceiver((request) => answer(request.path));
    hookRelease = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
  });
  afterAll(() => receiver.close());

  async function hooked(slug: string, config: Record<string, unknown>) {
    const created = await createFleet(server, [
      {
        tenant: `hooks-${slug}`,
        slug,
        tier: 'dev',
        driver: 'WEBHOOK',
        driverConfig: { url: `${receiver.url}/${slug}`, secret, ...config },
      },
    ]);
    return created[`hooks-${slug}/${slug}`];
  }

  const requestsTo = (slug: string) => receiver.requests.filter((r) => r.path.startsWith(`/${slug}`));
  const logOf = async (deploymentId: string) => (await getDeployment(server, deploymentId)).log.map((l: any) => l.line);

  it('fails the deployment when its attempts are spent, with each attempt in its log, and PAUSE pauses the rollout', async () => {
    answer = () => ({ status: 503 });
    const installationId = await hooked('unavailable', { maxAttempts: 3 });
    const rolloutId = dataOf(await startRollout(server, { releaseId: hookRelease, installationIds: [installationId] }))
      .startRollout.id;
    const paused = await waitForRollout(server, rolloutId, (r) => r.status === 'PAUSED', 20_000);
    const target = targetFor(paused, 'hooks-unavailable/unavailable');
    expect(target.status).toBe('FAILED');
    const [deployment] = target.deployments;
    expect(deployment.status).toBe('FAILED');
    expect(deployment.finishedAt).not.toBeNull();
    const requests = requestsTo('unavailable');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers['x-shiplog-delivery']))).toEqual(new Set([deployment.id]));
    expect(await logOf(deployment.id)).toEqual(
      expect.arrayContaining([1, 2, 3].map((n) => `Attempt ${n} of 3 failed: the orchestrator did not accept the request`)),
    );
  }, 30_000);

  it('with CONTINUE records the undeliverable deployment and ends the rollout FAILED', async () => {
    answer = () => ({ status: 500 });
    const installationId = await hooked('broken', { maxAttempts: 1 });
    const rolloutId = dataOf(
      await startRollout(server, { releaseId: hookRelease, installationIds: [installationId], failurePolicy: 'CONTINUE' }),
    ).startRollout.id;
    const failed = await waitForRollout(server, rolloutId, (r) => r.status === 'FAILED');
    expect(targetFor(failed, 'hooks-broken/broken').deployments.map((d: any) => d.status)).toEqual(['FAILED']);
    expect(requestsTo('broken')).toHaveLength(1);
  });

  it('never follows a redirect: a 307 is a failed attempt', async () => {
    answer = (path) =>
      path.startsWith('/moved') ? { status: 307, headers: { location: `${receiver.url}/elsewhere` } } : { status: 200 };
    const installationId = await hooked('moved', { maxAttempts: 2 });
    const rolloutId = dataOf(await startRollout(server, { releaseId: hookRelease, installationIds: [installationId] }))
      .startRollout.id;
    const paused = await waitForRollout(server, rolloutId, (r) => r.status === 'PAUSED');
    expect(requestsTo('moved')).toHaveLength(2);
    expect(requestsTo('elsewhere')).toHaveLength(0);
    const [deployment] = targetFor(paused, 'hooks-moved/moved').deployments;
    expect(await logOf(deployment.id)).toContain('Attempt 1 of 2 failed: the orchestrator did not accept the request');
  });

  it('fails at once when the endpoint answers 410 Gone', async () => {
    answer = () => ({ status: 410 });
    const installationId = await hooked('gone', { maxAttempts: 5 });
    const rolloutId = dataOf(await startRollout(server, { releaseId: hookRelease, installationIds: [installationId] }))
      .startRollout.id;
    const paused = await waitForRollout(server, rolloutId, (r) => r.status === 'PAUSED');
    const [deployment] = targetFor(paused, 'hooks-gone/gone').deployments;
    expect(deployment.status).toBe('FAILED');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(requestsTo('gone')).toHaveLength(1);
    expect((await getDeployment(server, deployment.id)).message).toContain('410 Gone');
  });

  it('retries a failed deployment as its next attempt, following it, with a delivery id of its own', async () => {
    answer = (path) => ({ status: path.startsWith('/later') && requestsTo('later').length === 0 ? 500 : 200 });
    const installationId = await hooked('later', { maxAttempts: 1 });
    const rolloutId = dataOf(await startRollout(server, { releaseId: hookRelease, installationIds: [installationId] }))
      .startRollout.id;
    const paused = await waitForRollout(server, rolloutId, (r) => r.status === 'PAUSED');
    const target = targetFor(paused, 'hooks-later/later');
    const [failed] = target.deployments;
    dataOf(await rolloutCommand(server, 'retryRolloutTarget', { targetId: target.id }));
    const requests = await waitFor(
      'the retry to be delivered',
      async () => requestsTo('later'),
      (list) => list.length === 2,
    );
    const retry = requests[1].body.deploymentId;
    expect(retry).not.toBe(failed.id);
    expect(requests[1].headers['x-shiplog-delivery']).toBe(retry);
    const { deployment } = dataOf(
      await server.gql<{ deployment: any }>(
        `query ($id: ID!) { deployment(id: $id) { attempt status previousDeployment { id attempt status } } }`,
        { id: retry },
      ),
    );
    expect(deployment).toEqual({
      attempt: 2,
      status: 'QUEUED',
      previousDeployment: { id: failed.id, attempt: 1, status: 'FAILED' },
    });
  });
});
