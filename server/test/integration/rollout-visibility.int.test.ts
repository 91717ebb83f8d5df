import {
  createApplications,
  createFleet,
  createTiers,
  lockedRelease,
  nextReleaseVersion,
  startRollout,
  waitForRollout,
} from '../factories/rollouts';
import { createApiToken } from '../factories/tenants';
import { connectWebSocket, subscribe } from '../support/subscriptions';
import { dataOf, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let rolloutId: string;
let acmeViewer: string;

beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['billing'], ['1.0.0']);
  const ids = await createFleet(server, [
    { tenant: 'acme', slug: 'prod', tier: 'prod' },
    { tenant: 'globex', slug: 'prod', tier: 'prod', driverConfig: { delayMs: 0, fail: ['billing'] } },
  ]);
  const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'billing', version: '1.0.0', stage: 1 }]);
  rolloutId = dataOf(await startRollout(server, { releaseId, installationIds: [ids['acme/prod'], ids['globex/prod']] }))
    .startRollout.id;
  await waitForRollout(server, rolloutId, (r) => r.status === 'PAUSED');
  acmeViewer = (await createApiToken(server, { role: 'VIEWER', tenantSlugs: ['acme'] })).token;
});
afterAll(() => server.close());

describe('a shared rollout seen from one tenant', () => {
  it("gives a tenant's viewer the status without another tenant's failure text", async () => {
    const query = `query ($id: ID!) { rollout(id: $id) { status pausedBy statusReason } }`;
    const full = dataOf(await server.gql<{ rollout: any }>(query, { id: rolloutId })).rollout;
    expect(full).toEqual({
      status: 'PAUSED',
      pausedBy: 'FAILURE',
      statusReason: expect.stringContaining('Simulated failure of billing'),
    });
    // What paused it is no other tenant's detail, so a script waiting on the rollout can tell a failure from a person.
    const scoped = dataOf(await server.gql<{ rollout: any }>(query, { id: rolloutId }, acmeViewer)).rollout;
    expect(scoped).toEqual({ status: 'PAUSED', pausedBy: 'FAILURE', statusReason: 'The rollout is paused' });
    expect(JSON.stringify(scoped)).not.toContain('billing');
  });

  it("replays the rollout's events to a tenant's viewer without the reason or the rollout's size, and with them to an unscoped one", async () => {
    const query = `subscription ($id: ID!) { rolloutEvents(rolloutId: $id, afterSequence: "0") { typeName tenantId data } }`;
    const read = async (token: string) => {
      const client = await connectWebSocket(server.url, token);
      try {
        const subscription = subscribe(client, query, { id: rolloutId });
        await subscription.waitForEvents(1);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return subscription.events as any[];
      } finally {
        await client.dispose();
      }
    };
    const scoped = await read(acmeViewer);
    const paused = scoped.find((event: any) => event.typeName === 'rollout.paused');
    expect(paused).toBeDefined();
    expect(paused.data).not.toHaveProperty('reason');
    expect(JSON.stringify(scoped)).not.toContain('Simulated failure');
    // Nor how many installations the rollout reaches in all (its own one of two).
    const started = (events: any[]) => events.find((event: any) => event.typeName === 'rollout.started').data;
    expect(started(scoped)).toEqual({ status: 'RUNNING', waves: 1 });
    // Its own installation's events are there; the other tenant's are not.
    expect(scoped.some((event: any) => event.typeName === 'deployment.updated')).toBe(true);
    const unscoped = await read(server.adminToken);
    expect(unscoped.find((event: any) => event.typeName === 'rollout.paused').data.reason).toContain(
      'Simulated failure of billing',
    );
    expect(started(unscoped)).toEqual({ status: 'RUNNING', targets: 2, waves: 1 });
  });
});

it('says a rollout a person paused was paused by a person, and nothing once it runs again', async () => {
  const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'billing', version: '1.0.0', stage: 1 }]);
  const ids = await createFleet(server, [{ tenant: 'initech', slug: 'prod', tier: 'prod', driver: 'MANUAL', driverConfig: {} }]);
  const id = dataOf(await startRollout(server, { releaseId, installationIds: [ids['initech/prod']] })).startRollout.id;
  const read = async () =>
    dataOf(await server.gql<{ rollout: any }>(`query ($id: ID!) { rollout(id: $id) { status pausedBy } }`, { id })).rollout;
  dataOf(await server.gql(`mutation ($id: ID!) { pauseRollout(input: { rolloutId: $id, reason: "lunch" }) { id } }`, { id }));
  expect(await read()).toEqual({ status: 'PAUSED', pausedBy: 'PERSON' });
  dataOf(await server.gql(`mutation ($id: ID!) { resumeRollout(input: { rolloutId: $id }) { id } }`, { id }));
  expect(await read()).toEqual({ status: 'RUNNING', pausedBy: null });
});
