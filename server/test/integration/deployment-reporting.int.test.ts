import { randomUUID } from 'node:crypto';
import {
  createApplications,
  createFleet,
  createTiers,
  DEPLOYMENT_FIELDS,
  finishTimes,
  getDeployment,
  getRollout,
  lockedRelease,
  nextReleaseVersion,
  reportDeployment,
  runningOn,
  startRollout,
  waitFor,
  waitForRollout,
} from '../factories/rollouts';
import { ADMIN_ACTOR, createApiToken, createSignedInUser, type Caller } from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';
import { connectWebSocket, EVENT_FIELDS, subscribe, until, type ReceivedEvent } from '../support/subscriptions';

let server: TestServer;
let ids: Record<string, string>;
let operator: Caller;
let operatorOfA: Caller;
let operatorOfB: Caller;
let viewer: Caller;
beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['api', 'web'], ['1.0.0', '1.1.0', '2.0.0', '2.1.0']);
  ids = await createFleet(server, [
    { tenant: 'tenant-a', slug: 'manual', tier: 'prod', driver: 'MANUAL', driverConfig: {} },
    { tenant: 'tenant-b', slug: 'manual', tier: 'prod', driver: 'MANUAL', driverConfig: {} },
  ]);
  operator = await createApiToken(server, { role: 'OPERATOR' });
  operatorOfA = await createApiToken(server, { role: 'OPERATOR', tenantSlugs: ['tenant-a'] });
  operatorOfB = await createApiToken(server, { role: 'OPERATOR', tenantSlugs: ['tenant-b'] });
  viewer = await createApiToken(server, { role: 'VIEWER' });
});
afterAll(() => server.close());

let artifactSequence = 0;

/**
 * A QUEUED deployment of a fresh `api` artifact on a MANUAL installation, once its driver has taken it (so the
 * driver's own log line is already written).
 */
async function queuedDeployment(key = 'tenant-a/manual'): Promise<{ deploymentId: string; rolloutId: string }> {
  artifactSequence += 1;
  const version = `3.0.${artifactSequence}`;
  dataOf(
    await server.gql(`mutation ($input: RegisterArtifactInput!) { registerArtifact(input: $input) { id } }`, {
      input: { applicationSlug: 'api', version, imageRef: `registry.example/api:${version}` },
    }),
  );
  const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version, stage: 1 }]);
  const rolloutId = dataOf(await startRollout(server, { releaseId, installationIds: [ids[key]] })).startRollout.id;
  const deploymentId = (await getRollout(server, rolloutId)).targets[0].deployments[0].id;
  await waitFor(
    'the MANUAL driver to take the deployment',
    () => getDeployment(server, deploymentId),
    (d) => d.log.length > 0,
  );
  return { deploymentId, rolloutId };
}

/** Starts a rollout and waits for it to succeed. */
async function rollOut(input: Record<string, unknown>) {
  const id = dataOf(await startRollout(server, input)).startRollout.id;
  return waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');
}

function appendLog(deploymentId: string, lines: string[], token?: string) {
  return server.gql(
    `mutation ($input: AppendDeploymentLogInput!) { appendDeploymentLog(input: $input) { id } }`,
    { input: { deploymentId, lines } },
    token,
  );
}

function recordVerification(input: Record<string, unknown>, token?: string) {
  return server.gql<{ recordVerification: any }>(
    `mutation ($input: RecordVerificationInput!) { recordVerification(input: $input) { id status source url recordedBy } }`,
    { input },
    token,
  );
}

describe('reportDeployment', () => {
  it('moves a deployment to IN_PROGRESS and SUCCEEDED; the same report again changes nothing', async () => {
    const { deploymentId, rolloutId } = await queuedDeployment();
    const started = dataOf(
      await reportDeployment(server, {
        deploymentId,
        status: 'IN_PROGRESS',
        message: 'Pulling images',
        externalUrl: 'https://ci.example/job/1',
      }),
    ).reportDeployment;
    expect(started).toMatchObject({ status: 'IN_PROGRESS', message: 'Pulling images', externalUrl: 'https://ci.example/job/1' });
    expect(started.startedAt).toEqual(expect.any(String));
    const again = dataOf(
      await reportDeployment(server, { deploymentId, status: 'IN_PROGRESS', message: 'Still pulling' }),
    ).reportDeployment;
    expect(again).toMatchObject({ status: 'IN_PROGRESS', startedAt: started.startedAt, message: 'Pulling images' });

    const succeeded = dataOf(
      await reportDeployment(server, { deploymentId, status: 'SUCCEEDED', message: 'Done' }),
    ).reportDeployment;
    expect(succeeded).toMatchObject({ status: 'SUCCEEDED', startedAt: started.startedAt, finishedAt: expect.any(String) });
    const logBefore = (await getDeployment(server, deploymentId)).log;
    const repeated = dataOf(
      await reportDeployment(server, { deploymentId, status: 'SUCCEEDED', message: 'Done again' }),
    ).reportDeployment;
    expect(repeated).toMatchObject({ status: 'SUCCEEDED', finishedAt: succeeded.finishedAt, message: 'Done' });
    expect((await getDeployment(server, deploymentId)).log).toEqual(logBefore);

    const rollout = await waitForRollout(server, rolloutId, (r) => r.status === 'SUCCEEDED');
    expect(rollout.targets[0].status).toBe('SUCCEEDED');
  });

  it('refuses an impossible transition with CONFLICT and a status that cannot be reported with BAD_USER_INPUT', async () => {
    const { deploymentId } = await queuedDeployment();
    dataOf(await reportDeployment(server, { deploymentId, status: 'SUCCEEDED' }));
    for (const status of ['IN_PROGRESS', 'FAILED']) {
      const response = await reportDeployment(server, { deploymentId, status });
      expect(errorCode(response)).toBe('CONFLICT');
      expect(response.errors![0].extensions!.currentStatus).toBe('SUCCEEDED');
    }
    for (const status of ['QUEUED', 'CANCELLED']) {
      expect(errorCode(await reportDeployment(server, { deploymentId, status }))).toBe('BAD_USER_INPUT');
    }
    expect((await getDeployment(server, deploymentId)).status).toBe('SUCCEEDED');
  });

  it('a FAILED report fails the installation, and the default PAUSE policy pauses the rollout', async () => {
    const { deploymentId, rolloutId } = await queuedDeployment('tenant-b/manual');
    const failed = dataOf(
      await reportDeployment(server, { deploymentId, status: 'FAILED', message: 'Disk full' }),
    ).reportDeployment;
    expect(failed).toMatchObject({ status: 'FAILED', message: 'Disk full', finishedAt: expect.any(String) });
    // The engine applies the policy to the whole rollout right after the installation fails.
    const rollout = await waitForRollout(server, rolloutId, (r) => r.status !== 'RUNNING');
    expect(rollout.status).toBe('PAUSED');
    expect(rollout.statusReason).toContain('Disk full');
    expect(rollout.targets[0]).toMatchObject({ status: 'FAILED', statusReason: expect.stringContaining('Disk full') });
  });

  it('answers NOT_FOUND for an unknown deployment and for one of a tenant the caller cannot see', async () => {
    expect(errorCode(await reportDeployment(server, { deploymentId: randomUUID(), status: 'SUCCEEDED' }))).toBe('NOT_FOUND');
    expect(errorCode(await reportDeployment(server, { deploymentId: 'not-an-id', status: 'SUCCEEDED' }))).toBe('NOT_FOUND');

    const { deploymentId, rolloutId } = await queuedDeployment('tenant-a/manual');
    expect(errorCode(await reportDeployment(server, { deploymentId, status: 'IN_PROGRESS' }, operatorOfB.token))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await appendLog(deploymentId, ['hello'], operatorOfB.token))).toBe('NOT_FOUND');
    expect(errorCode(await recordVerification({ deploymentId, status: 'PASSED', source: 'e2e' }, operatorOfB.token))).toBe(
      'NOT_FOUND',
    );
    expect(await getDeployment(server, deploymentId, operatorOfB.token)).toBeNull();
    const listed = dataOf(
      await server.gql(
        `query ($id: ID) { deployments(filter: { rolloutId: $id }) { totalCount } }`,
        { id: rolloutId },
        operatorOfB.token,
      ),
    );
    expect(listed.deployments.totalCount).toBe(0);
    expect((await getDeployment(server, deploymentId)).status).toBe('QUEUED');

    const own = dataOf(await reportDeployment(server, { deploymentId, status: 'SUCCEEDED' }, operatorOfA.token)).reportDeployment;
    expect(own.status).toBe('SUCCEEDED');
  });

  it('refuses a VIEWER', async () => {
    const { deploymentId } = await queuedDeployment();
    expect(errorCode(await reportDeployment(server, { deploymentId, status: 'SUCCEEDED' }, viewer.token))).toBe('FORBIDDEN');
    expect(errorCode(await appendLog(deploymentId, ['x'], viewer.token))).toBe('FORBIDDEN');
  });
});

describe('appendDeploymentLog and recordVerification', () => {
  it("appends lines to the deployment's log, in order", async () => {
    const { deploymentId } = await queuedDeployment();
    const driverLine = (await getDeployment(server, deploymentId)).log.map((l: any) => l.line);
    dataOf(await appendLog(deploymentId, ['pulling registry.example/api', 'running migrations'], operator.token));
    dataOf(await appendLog(deploymentId, ['started'], operator.token));
    expect((await getDeployment(server, deploymentId)).log.map((l: any) => l.line)).toEqual([
      ...driverLine,
      'pulling registry.example/api',
      'running migrations',
      'started',
    ]);
    const tooMany = Array.from({ length: 1001 }, (_, i) => `line ${i}`);
    expect(errorCode(await appendLog(deploymentId, tooMany))).toBe('BAD_USER_INPUT');
  });

  const LOG_PAGE = `query ($id: ID!, $first: Int, $after: String) {
    deployment(id: $id) { logLines(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { line } } }
  }`;
  async function logTotal(deploymentId: string): Promise<number> {
    return dataOf(await server.gql(LOG_PAGE, { id: deploymentId, first: 0 })).deployment.logLines.totalCount;
  }

  it("refuses, whole and with CONFLICT, an append that would take a deployment's log past 10,000 lines", async () => {
    const { deploymentId } = await queuedDeployment();
    const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => `line ${from + i}`);
    const room = 10_000 - (await logTotal(deploymentId));
    for (let sent = 0; sent < room; sent += 1000) {
      dataOf(await appendLog(deploymentId, batch(sent, Math.min(1000, room - sent)), operator.token));
    }
    expect(await logTotal(deploymentId)).toBe(10_000);
    const refused = await appendLog(deploymentId, ['one line too many'], operator.token);
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].extensions).toMatchObject({ reason: 'LOG_FULL', storedLines: 10_000, maxLines: 10_000 });
    expect(await logTotal(deploymentId)).toBe(10_000);

    // Reading it: `log` carries at most the first 1,000 lines; logLines pages through all of them, in order.
    const log = dataOf(
      await server.gql('query ($id: ID!) { deployment(id: $id) { log { line } } }', { id: deploymentId }, viewer.token),
    ).deployment.log;
    expect(log).toHaveLength(1000);
    const tooLong = await server.gql('query ($id: ID!) { deployment(id: $id) { log(first: 1001) { line } } }', {
      id: deploymentId,
    });
    expect(errorCode(tooLong)).toBe('BAD_USER_INPUT');
    const lines: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = dataOf(await server.gql(LOG_PAGE, { id: deploymentId, first: 1000, after }, viewer.token)).deployment
        .logLines;
      lines.push(...page.nodes.map((node: any) => node.line));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(lines).toHaveLength(10_000);
    expect(lines.slice(0, 1000)).toEqual(log.map((entry: any) => entry.line));
    expect(lines.at(-1)).toBe(`line ${room - 1}`);
  });

  it("refuses, whole and with CONFLICT, an append that would take a deployment's log past 1 MB", async () => {
    const { deploymentId } = await queuedDeployment();
    const long = (count: number) => Array.from({ length: count }, () => 'x'.repeat(10_000));
    dataOf(await appendLog(deploymentId, long(100), operator.token));
    const before = await logTotal(deploymentId);
    const refused = await appendLog(deploymentId, long(5), operator.token);
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].extensions).toMatchObject({ reason: 'LOG_FULL', maxBytes: 1024 * 1024 });
    expect(await logTotal(deploymentId)).toBe(before);
  });

  it("refuses a VIEWER's query of 30 aliases of a deployment's log as too expensive, reading nothing", async () => {
    const { deploymentId } = await queuedDeployment();
    const aliases = Array.from({ length: 30 }, (_, i) => `d${i}: deployment(id: $id) { log { at line } }`).join(' ');
    const response = await server.gql(`query ($id: ID!) { ${aliases} }`, { id: deploymentId }, viewer.token);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].extensions!.cost).toBeGreaterThan(response.errors![0].extensions!.maxCost);
    expect(response.data ?? null).toBeNull();
    const fewer = Array.from({ length: 30 }, (_, i) => `d${i}: deployment(id: $id) { log(first: 10) { line } }`).join(' ');
    expect(
      Object.keys(dataOf(await server.gql(`query ($id: ID!) { ${fewer} }`, { id: deploymentId }, viewer.token))),
    ).toHaveLength(30);
  });

  it('records verifications of a succeeded deployment, once per identical report', async () => {
    const { deploymentId } = await queuedDeployment();
    const early = await recordVerification({ deploymentId, status: 'PASSED', source: 'jenkins e2e #5' });
    expect(errorCode(early)).toBe('CONFLICT');

    dataOf(await reportDeployment(server, { deploymentId, status: 'SUCCEEDED' }));
    const input = { deploymentId, status: 'PASSED', source: 'jenkins e2e #5', url: 'https://ci.example/e2e/5' };
    const first = dataOf(await recordVerification(input, operator.token)).recordVerification;
    expect(first).toMatchObject({
      status: 'PASSED',
      source: 'jenkins e2e #5',
      url: 'https://ci.example/e2e/5',
      recordedBy: `token:${operator.name}`,
    });
    expect(dataOf(await recordVerification(input, operator.token)).recordVerification.id).toBe(first.id);
    dataOf(await recordVerification({ deploymentId, status: 'FAILED', source: 'smoke' }, operator.token));

    expect((await getDeployment(server, deploymentId)).verifications).toEqual([
      { status: 'PASSED', source: 'jenkins e2e #5', url: 'https://ci.example/e2e/5', recordedBy: `token:${operator.name}` },
      { status: 'FAILED', source: 'smoke', url: null, recordedBy: `token:${operator.name}` },
    ]);
    expect(errorCode(await recordVerification({ deploymentId, status: 'PASSED', source: 'x', url: 'not a url' }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await recordVerification({ deploymentId, status: 'PASSED', source: '' }))).toBe('BAD_USER_INPUT');
  });
});

describe('the HTTP reporting endpoints', () => {
  async function post(path: string, body: unknown, token: string | null = operator.token) {
    const response = await fetch(`${server.url}/api/deployments/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('POST /api/deployments/:id/status reports as reportDeployment does', async () => {
    const { deploymentId, rolloutId } = await queuedDeployment();
    const path = `${deploymentId}/status`;
    expect(await post(path, { status: 'SUCCEEDED' }, null)).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED' } },
    });
    expect(await post(path, { status: 'SUCCEEDED' }, 'not-a-token')).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED' } },
    });
    expect(await post(path, { status: 'SUCCEEDED' }, viewer.token)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    });
    expect(await post(`${randomUUID()}/status`, { status: 'SUCCEEDED' })).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(await post(path, { status: 'SUCCEEDED' }, operatorOfB.token)).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(await post(path, { status: 'DONE' })).toMatchObject({ status: 400, body: { error: { code: 'BAD_USER_INPUT' } } });
    expect(await post(path, { status: 'IN_PROGRESS', externalUrl: 'not a url' })).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT' } },
    });

    expect(await post(path, { status: 'IN_PROGRESS', message: 'Deploying' })).toEqual({
      status: 200,
      body: { id: deploymentId, status: 'IN_PROGRESS', finishedAt: null },
    });
    const done = await post(path, { status: 'SUCCEEDED', message: 'Deployed', externalUrl: 'https://ci.example/job/7' });
    expect(done).toEqual({ status: 200, body: { id: deploymentId, status: 'SUCCEEDED', finishedAt: expect.any(String) } });
    expect(await post(path, { status: 'SUCCEEDED' })).toEqual(done);
    expect(await post(path, { status: 'IN_PROGRESS' })).toMatchObject({
      status: 409,
      body: { error: { code: 'CONFLICT', currentStatus: 'SUCCEEDED' } },
    });

    expect(await getDeployment(server, deploymentId)).toMatchObject({
      status: 'SUCCEEDED',
      message: 'Deployed',
      externalUrl: 'https://ci.example/job/7',
      finishedAt: done.body.finishedAt,
    });
    await waitForRollout(server, rolloutId, (r) => r.status === 'SUCCEEDED');
  });

  it('POST /api/deployments/:id/log and /verifications record as the GraphQL mutations do', async () => {
    const { deploymentId } = await queuedDeployment();
    expect(await post(`${deploymentId}/log`, { lines: ['one', 'two'] })).toEqual({
      status: 200,
      body: { id: deploymentId, appended: 2 },
    });
    expect(await post(`${deploymentId}/log`, { lines: 'one' })).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT' } },
    });
    expect(await post(`${deploymentId}/log`, { lines: ['x'] }, null)).toMatchObject({ status: 401 });
    expect(await post(`${randomUUID()}/log`, { lines: ['x'] })).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect((await getDeployment(server, deploymentId)).log.map((l: any) => l.line).slice(-2)).toEqual(['one', 'two']);

    const verification = { status: 'PASSED', source: 'e2e suite', url: 'https://ci.example/e2e/9' };
    expect(await post(`${deploymentId}/verifications`, verification)).toMatchObject({
      status: 409,
      body: { error: { code: 'CONFLICT' } },
    });
    expect(await post(`${deploymentId}/status`, { status: 'SUCCEEDED' })).toMatchObject({ status: 200 });
    expect(await post(`${deploymentId}/verifications`, { ...verification, status: 'GREEN' })).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT' } },
    });
    expect(await post(`${deploymentId}/verifications`, verification)).toEqual({
      status: 200,
      body: { id: expect.any(String), ...verification, at: expect.any(String) },
    });
    expect((await getDeployment(server, deploymentId)).verifications).toEqual([
      { ...verification, recordedBy: `token:${operator.name}` },
    ]);
  });
});

describe('rollbackInstallation', () => {
  let fleet: Record<string, string>;
  beforeAll(async () => {
    fleet = await createFleet(server, [
      { tenant: 'rb', slug: 'prod', tier: 'prod' },
      { tenant: 'rb', slug: 'fresh', tier: 'prod' },
      { tenant: 'rb', slug: 'empty', tier: 'prod' },
    ]);
    const first = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'api', version: '1.0.0', stage: 1 },
      { app: 'web', version: '1.0.0', stage: 1 },
    ]);
    const second = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'api', version: '1.1.0', stage: 1 },
      { app: 'web', version: '1.1.0', stage: 1 },
    ]);
    await rollOut({ releaseId: first, installationIds: [fleet['rb/prod'], fleet['rb/fresh']] });
    await rollOut({ releaseId: second, installationIds: [fleet['rb/prod']] });
  });

  function rollback(input: Record<string, unknown>, token?: string) {
    return server.gql<{ rollbackInstallation: any[] }>(
      `mutation ($input: RollbackInstallationInput!) { rollbackInstallation(input: $input) { ${DEPLOYMENT_FIELDS} } }`,
      { input },
      token,
    );
  }

  it('tells beforehand what a rollback would restore per application, and nothing where nothing ran before', async () => {
    const options = async (installationId: string) =>
      dataOf(
        await server.gql(
          `query ($id: ID!) { installation(id: $id) { running { application { slug } artifact { version } rollbackTo { version } deploying } } }`,
          { id: installationId },
        ),
      ).installation.running;
    expect(await options(fleet['rb/fresh'])).toEqual([
      { application: { slug: 'api' }, artifact: { version: '1.0.0' }, rollbackTo: null, deploying: false },
      { application: { slug: 'web' }, artifact: { version: '1.0.0' }, rollbackTo: null, deploying: false },
    ]);
    expect(await options(fleet['rb/prod'])).toEqual([
      { application: { slug: 'api' }, artifact: { version: '1.1.0' }, rollbackTo: { version: '1.0.0' }, deploying: false },
      { application: { slug: 'web' }, artifact: { version: '1.1.0' }, rollbackTo: { version: '1.0.0' }, deploying: false },
    ]);
  });

  it('redeploys the previous good artifact as a recorded ROLLBACK deployment', async () => {
    const installationId = fleet['rb/prod'];
    expect(await runningOn(server, installationId)).toEqual(['api@1.1.0', 'web@1.1.0']);
    const [queued, ...others] = dataOf(
      await rollback({ installationId, applicationSlugs: ['api'], reason: 'api 1.1.0 leaks memory' }),
    ).rollbackInstallation;
    expect(others).toEqual([]);
    expect(queued).toMatchObject({
      kind: 'ROLLBACK',
      status: 'QUEUED',
      reason: 'api 1.1.0 leaks memory',
      triggeredBy: ADMIN_ACTOR,
      application: { slug: 'api' },
      artifact: { version: '1.0.0' },
      rollout: null,
    });
    await waitFor(
      'the rollback to succeed',
      () => getDeployment(server, queued.id),
      (d) => d.status === 'SUCCEEDED',
    );

    const ledger = dataOf(
      await server.gql(
        `query ($id: ID) { deployments(first: 1, filter: { installationId: $id, applicationSlug: "api" }) { nodes { id kind reason } } }`,
        {
          id: installationId,
        },
      ),
    ).deployments.nodes;
    expect(ledger).toEqual([{ id: queued.id, kind: 'ROLLBACK', reason: 'api 1.1.0 leaks memory' }]);
    const { installation } = dataOf(
      await server.gql(
        `query ($id: ID!) { installation(id: $id) { running { application { slug } artifact { version } deployment { id kind } } } }`,
        {
          id: installationId,
        },
      ),
    );
    expect(installation.running).toEqual([
      { application: { slug: 'api' }, artifact: { version: '1.0.0' }, deployment: { id: queued.id, kind: 'ROLLBACK' } },
      { application: { slug: 'web' }, artifact: { version: '1.1.0' }, deployment: { id: expect.any(String), kind: 'ROLLOUT' } },
    ]);
  });

  it('reaches the followers of the rollout that put the version there, live and replayed, and no other rollout', async () => {
    const live = await createFleet(server, [{ tenant: 'rb-live', slug: 'live', tier: 'prod' }]);
    const installationId = live['rb-live/live'];
    const older = await rollOut({
      releaseId: await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]),
      installationIds: [installationId],
    });
    const newer = await rollOut({
      releaseId: await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.1.0', stage: 1 }]),
      installationIds: [installationId],
    });
    const [{ before }] = await server.dataSource.query<{ before: string }[]>(
      'SELECT coalesce(max(sequence), 0)::text AS before FROM event_record',
    );
    const client = await connectWebSocket(server.url, server.adminToken);
    const query = `subscription ($id: ID!, $after: Sequence) { rolloutEvents(rolloutId: $id, afterSequence: $after) { ${EVENT_FIELDS} } }`;
    try {
      const ofNewer = subscribe(client, query, { id: newer.id, after: before });
      const ofOlder = subscribe(client, query, { id: older.id, after: before });
      const [queued] = dataOf(await rollback({ installationId, reason: 'undo 1.1.0' })).rollbackInstallation;
      await waitFor(
        'the rollback to succeed',
        () => getDeployment(server, queued.id),
        (d) => d.status === 'SUCCEEDED',
      );
      const rollbackEvents = (events: ReceivedEvent[]) =>
        events.filter((e) => e.data.kind === 'ROLLBACK').map((e) => [e.rolloutId, e.data.undoesRolloutId, e.data.status]);
      await until(
        () => rollbackEvents(ofNewer.events).some(([, , status]) => status === 'SUCCEEDED'),
        'the live rollback events',
      );
      const heard = rollbackEvents(ofNewer.events);
      expect(heard[0]).toEqual([null, newer.id, 'QUEUED']);
      expect(heard.at(-1)).toEqual([null, newer.id, 'SUCCEEDED']);
      expect(heard.every(([rolloutId, undoes]) => rolloutId === null && undoes === newer.id)).toBe(true);
      // Replayed from before the rollback, the same events come again in the same order.
      const replayed = subscribe(client, query, { id: newer.id, after: before });
      await replayed.waitForEvents(ofNewer.events.length);
      expect(replayed.events.map((e) => e.sequence)).toEqual(ofNewer.events.map((e) => e.sequence));
      // The older rollout put nothing that was taken back: its followers hear nothing of it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(ofOlder.events).toEqual([]);
      for (const subscription of [ofNewer, ofOlder, replayed]) subscription.stop();
    } finally {
      await client.dispose();
    }
  });

  it("tells a tenant's viewer following the rollout of its own installation's rollback, never of another tenant's", async () => {
    const live = await createFleet(server, [
      { tenant: 'rb-own', slug: 'prod', tier: 'prod' },
      { tenant: 'rb-other', slug: 'prod', tier: 'prod' },
    ]);
    const own = live['rb-own/prod'];
    const other = live['rb-other/prod'];
    await rollOut({
      releaseId: await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]),
      installationIds: [own, other],
    });
    const newer = await rollOut({
      releaseId: await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.1.0', stage: 1 }]),
      installationIds: [own, other],
    });
    const [{ before }] = await server.dataSource.query<{ before: string }[]>(
      'SELECT coalesce(max(sequence), 0)::text AS before FROM event_record',
    );
    const scopedViewer = await createSignedInUser(server, { role: 'VIEWER', tenantSlugs: ['rb-own'] });
    const adminClient = await connectWebSocket(server.url, server.adminToken);
    const viewerClient = await connectWebSocket(server.url, scopedViewer.token);
    const query = `subscription ($id: ID!, $after: Sequence) { rolloutEvents(rolloutId: $id, afterSequence: $after) { ${EVENT_FIELDS} deploymentId } }`;
    const rollbackOf: Record<string, string> = {};
    const succeeded = (events: ReceivedEvent[], deploymentId: string) =>
      events.some((e) => e.deploymentId === deploymentId && e.data.status === 'SUCCEEDED');
    try {
      const everything = subscribe(adminClient, query, { id: newer.id, after: before });
      const scoped = subscribe(viewerClient, query, { id: newer.id, after: before });
      // The other tenant's installation first: by the time the viewer hears of its own, it would have heard of that.
      for (const installationId of [other, own]) {
        const [queued] = dataOf(await rollback({ installationId, reason: 'undo 1.1.0' })).rollbackInstallation;
        rollbackOf[installationId] = queued.id;
        await waitFor(
          'the rollback to succeed',
          () => getDeployment(server, queued.id),
          (d) => d.status === 'SUCCEEDED',
        );
      }
      await until(
        () => succeeded(everything.events, rollbackOf[other]) && succeeded(everything.events, rollbackOf[own]),
        'both rollbacks, as the admin hears them',
      );
      await until(() => succeeded(scoped.events, rollbackOf[own]), "the viewer's own rollback");
      const deploymentsOf = (events: ReceivedEvent[]) => [...new Set(events.map((e) => e.deploymentId))];
      expect(deploymentsOf(everything.events).sort()).toEqual([rollbackOf[other], rollbackOf[own]].sort());
      expect(deploymentsOf(scoped.events)).toEqual([rollbackOf[own]]);
      // Replayed from before both rollbacks, the viewer still hears only of its own.
      const replayed = subscribe(viewerClient, query, { id: newer.id, after: before });
      await replayed.waitForEvents(scoped.events.length);
      expect(replayed.events.map((e) => e.sequence)).toEqual(scoped.events.map((e) => e.sequence));
      for (const subscription of [everything, scoped, replayed]) subscription.stop();
    } finally {
      await adminClient.dispose();
      await viewerClient.dispose();
    }
  });

  it('refuses with CONFLICT when there is nothing earlier to return to', async () => {
    for (const input of [
      { installationId: fleet['rb/fresh'], reason: 'undo' },
      { installationId: fleet['rb/fresh'], applicationSlugs: ['api'], reason: 'undo' },
      { installationId: fleet['rb/empty'], reason: 'undo' },
    ]) {
      const response = await rollback(input);
      expect(errorCode(response)).toBe('CONFLICT');
      // The refusal names the installation, as the dashboard does: a person may be rolling back several.
      expect(response.errors?.[0].message).toContain(input.installationId === fleet['rb/fresh'] ? 'rb / fresh' : 'rb / empty');
    }
    expect(await runningOn(server, fleet['rb/fresh'])).toEqual(['api@1.0.0', 'web@1.0.0']);
  });

  it('refuses an unknown application or installation, a blank reason, an OPERATOR and another tenant', async () => {
    const installationId = fleet['rb/prod'];
    expect(errorCode(await rollback({ installationId, applicationSlugs: ['nope'], reason: 'undo' }))).toBe('NOT_FOUND');
    expect(errorCode(await rollback({ installationId: randomUUID(), reason: 'undo' }))).toBe('NOT_FOUND');
    expect(errorCode(await rollback({ installationId, reason: ' ' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await rollback({ installationId, reason: 'undo' }, operator.token))).toBe('FORBIDDEN');
    const outsider = await createSignedInUser(server, { role: 'RELEASE_MANAGER', tenantSlugs: ['tenant-a'] });
    expect(errorCode(await rollback({ installationId, reason: 'undo' }, outsider.token))).toBe('NOT_FOUND');
  });
});

describe('the ledger', () => {
  let fleet: Record<string, string>;
  let previous: string;
  let current: string;
  beforeAll(async () => {
    fleet = await createFleet(server, [
      { tenant: 'ledger-a', slug: 'one', tier: 'prod' },
      { tenant: 'ledger-a', slug: 'two', tier: 'prod' },
      { tenant: 'ledger-b', slug: 'one', tier: 'prod' },
    ]);
    previous = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'api', version: '2.0.0', stage: 1 },
      { app: 'web', version: '2.0.0', stage: 2 },
    ]);
    current = await lockedRelease(server, nextReleaseVersion(), [
      { app: 'api', version: '2.1.0', stage: 1 },
      { app: 'web', version: '2.1.0', stage: 2 },
    ]);
    await rollOut({ releaseId: previous, selector: { tenantSlugs: ['ledger-a', 'ledger-b'] } });
    await rollOut({ releaseId: current, installationIds: [fleet['ledger-a/one']] });
  });

  async function ledger(filter: Record<string, unknown>, first = 100, after?: string) {
    return dataOf(
      await server.gql(
        `query ($filter: DeploymentFilter, $first: Int, $after: String) {
          deployments(filter: $filter, first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor }
            nodes { id status queuedAt application { slug } artifact { version } installation { slug tenant { slug } } }
          }
        }`,
        { filter, first, after },
      ),
    ).deployments;
  }

  it('filters deployments by application, version, tenant, installation and status', async () => {
    const apiPrevious = await ledger({ applicationSlug: 'api', version: '2.0.0' });
    expect(apiPrevious.totalCount).toBe(3);
    expect(apiPrevious.nodes.every((d: any) => d.application.slug === 'api' && d.artifact.version === '2.0.0')).toBe(true);
    expect((await ledger({ tenantSlug: 'ledger-a' })).totalCount).toBe(6);
    expect((await ledger({ installationId: fleet['ledger-a/one'] })).totalCount).toBe(4);
    expect((await ledger({ version: '2.1.0' })).totalCount).toBe(2);
    expect((await ledger({ tenantSlug: 'ledger-b', status: 'SUCCEEDED' })).totalCount).toBe(2);
    expect((await ledger({ tenantSlug: 'ledger-b', status: 'FAILED' })).totalCount).toBe(0);
  });

  it('filters deployments by the release whose rollout made them and by the tier of their installation', async () => {
    expect((await ledger({ releaseId: previous })).totalCount).toBe(6);
    const ofCurrent = await ledger({ releaseId: current });
    expect(ofCurrent.totalCount).toBe(2);
    expect(ofCurrent.nodes.every((d: any) => d.artifact.version === '2.1.0' && d.installation.slug === 'one')).toBe(true);
    expect((await ledger({ releaseId: previous, tier: 'prod', tenantSlug: 'ledger-b' })).totalCount).toBe(2);
    expect((await ledger({ releaseId: previous, tier: 'no-such-tier' })).totalCount).toBe(0);
    expect((await ledger({ releaseId: 'not-an-id' })).totalCount).toBe(0);
    // A tenant-scoped viewer sees only its own tenant's deployments of the release.
    const scoped = await createApiToken(server, { role: 'VIEWER', tenantSlugs: ['ledger-b'] });
    const seen = dataOf(
      await server.gql(
        `query ($filter: DeploymentFilter) { deployments(filter: $filter) { totalCount nodes { installation { tenant { slug } } } } }`,
        { filter: { releaseId: previous } },
        scoped.token,
      ),
    ).deployments;
    expect(seen.totalCount).toBe(2);
    expect(seen.nodes.map((d: any) => d.installation.tenant.slug)).toEqual(['ledger-b', 'ledger-b']);
  });

  it('lists the ledger newest first, a page at a time', async () => {
    const pages = [await ledger({ tenantSlug: 'ledger-a' }, 4)];
    expect(pages[0]).toMatchObject({ totalCount: 6, pageInfo: { hasNextPage: true } });
    pages.push(await ledger({ tenantSlug: 'ledger-a' }, 4, pages[0].pageInfo.endCursor));
    expect(pages[1].pageInfo.hasNextPage).toBe(false);
    const nodes = pages.flatMap((page) => page.nodes);
    expect(pages.map((page) => page.nodes.length)).toEqual([4, 2]);
    expect(new Set(nodes.map((d: any) => d.id)).size).toBe(6);
    const times = nodes.map((d: any) => new Date(d.queuedAt).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(nodes[0]).toMatchObject({ application: { slug: 'web' }, artifact: { version: '2.1.0' } });
  });

  it('answers whereIs with the installations running a version now', async () => {
    const whereIs = async (version: string, token?: string) =>
      dataOf(
        await server.gql(
          `query ($version: String!) { whereIs(applicationSlug: "api", version: $version) { slug tenant { slug } } }`,
          { version },
          token,
        ),
      ).whereIs.map((i: any) => `${i.tenant.slug}/${i.slug}`);
    expect(await whereIs('2.0.0')).toEqual(['ledger-a/two', 'ledger-b/one']);
    expect(await whereIs('2.1.0')).toEqual(['ledger-a/one']);
    expect(await whereIs('9.9.9')).toEqual([]);
    const scoped = await createApiToken(server, { role: 'VIEWER', tenantSlugs: ['ledger-b'] });
    expect(await whereIs('2.0.0', scoped.token)).toEqual(['ledger-b/one']);
  });

  it('puts a deployed release ON_HOLD when it is unlocked, and locking it again resumes it', async () => {
    const unlock = async (releaseId: string) =>
      dataOf(
        await server.gql(`mutation ($input: UnlockReleaseInput!) { unlockRelease(input: $input) { status statusReason } }`, {
          input: { releaseId, reason: 'A hotfix must go in' },
        }),
      ).unlockRelease;
    expect(await unlock(current)).toEqual({ status: 'ON_HOLD', statusReason: 'A hotfix must go in' });
    const refused = await startRollout(server, { releaseId: current, installationIds: [fleet['ledger-a/two']] });
    expect(errorCode(refused)).toBe('CONFLICT');
    const relocked = dataOf(
      await server.gql(`mutation ($id: ID!) { lockRelease(input: { releaseId: $id }) { status } }`, { id: current }),
    );
    expect(relocked.lockRelease.status).toBe('LOCKED');

    const undeployed = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    expect((await unlock(undeployed)).status).toBe('DRAFT');
  });

  it('lists where a rescinded release still runs in its installationsRunning', async () => {
    const rescinded = dataOf(
      await server.gql(
        `mutation ($input: RescindReleaseInput!) { rescindRelease(input: $input) { status installationsRunning { slug tenant { slug } } } }`,
        { input: { releaseId: previous, reason: 'Security issue in api 2.0.0' } },
      ),
    ).rescindRelease;
    expect(rescinded.status).toBe('RESCINDED');
    expect(rescinded.installationsRunning.map((i: any) => `${i.tenant.slug}/${i.slug}`)).toEqual([
      'ledger-a/two',
      'ledger-b/one',
    ]);
    const scoped = await createApiToken(server, { role: 'VIEWER', tenantSlugs: ['ledger-b'] });
    const seen = dataOf(
      await server.gql(
        `query ($id: ID!) { release(id: $id) { installationsRunning { slug tenant { slug } } } }`,
        { id: previous },
        scoped.token,
      ),
    );
    expect(seen.release.installationsRunning).toEqual([{ slug: 'one', tenant: { slug: 'ledger-b' } }]);
  });

  it('pages whereIs: at most `first` installations, and whereIsConnection through all of them in order', async () => {
    const query = `query ($first: Int) { whereIs(applicationSlug: "api", version: "2.0.0", first: $first) { slug tenant { slug } } }`;
    expect(dataOf(await server.gql(query, { first: 1 })).whereIs).toEqual([{ slug: 'two', tenant: { slug: 'ledger-a' } }]);
    expect(errorCode(await server.gql(query, { first: 1001 }))).toBe('BAD_USER_INPUT');
    const page = (after: string | null) =>
      server.gql(
        `query ($after: String) { whereIsConnection(applicationSlug: "api", version: "2.0.0", first: 1, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } nodes { slug tenant { slug } } } }`,
        { after },
      );
    const first = dataOf(await page(null)).whereIsConnection;
    expect(first).toMatchObject({
      totalCount: 2,
      pageInfo: { hasNextPage: true },
      nodes: [{ slug: 'two', tenant: { slug: 'ledger-a' } }],
    });
    const second = dataOf(await page(first.pageInfo.endCursor)).whereIsConnection;
    expect(second).toMatchObject({ pageInfo: { hasNextPage: false }, nodes: [{ slug: 'one', tenant: { slug: 'ledger-b' } }] });
  });

  it('pages installationsRunning and the journey of an artifact', async () => {
    const running = dataOf(
      await server.gql(
        `query ($id: ID!) { release(id: $id) {
          installationsRunning(first: 1) { slug }
          installationsRunningConnection(first: 1) { totalCount nodes { slug tenant { slug } } } } }`,
        { id: previous },
      ),
    ).release;
    expect(running).toEqual({
      installationsRunning: [{ slug: 'two' }],
      installationsRunningConnection: { totalCount: 2, nodes: [{ slug: 'two', tenant: { slug: 'ledger-a' } }] },
    });

    const journey = (args: string) =>
      server.gql(`{ artifact(applicationSlug: "api", version: "2.0.0") { ${args} } }`).then((r) => dataOf(r).artifact);
    const whole = (await journey('journey { deployment { id } }')).journey;
    expect(whole).toHaveLength(3);
    expect((await journey('journey(first: 2) { deployment { id } }')).journey).toEqual(whole.slice(0, 2));
    const page = (
      await journey('journeyConnection(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { deployment { id } } }')
    ).journeyConnection;
    expect(page).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true }, nodes: whole.slice(0, 2) });
    const rest = (
      await journey(
        `journeyConnection(first: 2, after: "${page.pageInfo.endCursor}") { pageInfo { hasNextPage } nodes { deployment { id } } }`,
      )
    ).journeyConnection;
    expect(rest).toEqual({ pageInfo: { hasNextPage: false }, nodes: whole.slice(2) });
  });

  it("pages a rollout's targets and a plan's targets", async () => {
    const { startRollout: started } = dataOf(
      await startRollout(server, { releaseId: current, selector: { tenantSlugs: ['ledger-a', 'ledger-b'] } }),
    );
    const rollout = dataOf(
      await server.gql(
        `query ($id: ID!) { rollout(id: $id) { targets(first: 2) { id } targetConnection(first: 3) { totalCount nodes { id } } } }`,
        { id: started.id },
      ),
    ).rollout;
    expect(rollout.targetConnection.totalCount).toBe(3);
    expect(rollout.targets).toEqual(rollout.targetConnection.nodes.slice(0, 2));
    const tooMany = await server.gql(`query ($id: ID!) { rollout(id: $id) { targetConnection(first: 1001) { totalCount } } }`, {
      id: started.id,
    });
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');

    const plan = (after: string | null) =>
      server
        .gql(
          `query ($input: RolloutPlanInput!, $after: ID) { previewRollout(input: $input) {
            targetCount targets(first: 2, after: $after) { installation { id slug tenant { slug } } } } }`,
          { input: { releaseId: previous, selector: { tenantSlugs: ['ledger-a', 'ledger-b'] } }, after },
        )
        .then((r) => dataOf(r).previewRollout);
    const firstPage = await plan(null);
    expect(firstPage.targetCount).toBe(3);
    expect(firstPage.targets).toHaveLength(2);
    const secondPage = await plan(firstPage.targets[1].installation.id);
    const keys = [...firstPage.targets, ...secondPage.targets].map(
      (t: any) => `${t.installation.tenant.slug}/${t.installation.slug}`,
    );
    expect(keys.sort()).toEqual(['ledger-a/one', 'ledger-a/two', 'ledger-b/one']);
  });
});

it('sets a finish time on exactly the terminal rollouts, targets and deployments', async () => {
  const rows = await finishTimes(server);
  expect(rows.filter(([, , finished, terminal]) => finished !== terminal)).toEqual([]);
});
