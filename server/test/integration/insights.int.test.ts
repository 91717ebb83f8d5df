import {
  createApplications,
  createFleet,
  createTiers,
  lockedRelease,
  nextReleaseVersion,
  rolloutDeployments,
  startRollout,
  waitForRollout,
} from '../factories/rollouts';
import { createPrincipal, type TestPrincipal } from '../factories/principals';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let scopedToAlpha: TestPrincipal;
let version: string;

const INSIGHTS = `query ($period: InsightsPeriod) {
  insights(period: $period) {
    period
    tenants { tenant { slug } successRate succeeded failed }
    applications { application { slug } successRate succeeded failed }
    arrivals { release { version } tier { name } installationsReached medianSeconds maxSeconds }
  }
}`;

/** When the release was (as the test tells it) first locked: 25 days ago, to the second. */
const LOCKED_AT = new Date(Math.floor((Date.now() - 25 * 24 * 3600 * 1000) / 1000) * 1000);

/** Seconds after the lock at which each deployment finished, by `tenant/installation/application`. */
const FINISHED_AFTER: Record<string, number> = {
  'alpha/qa/api': 100,
  'alpha/qa/web': 300, // alpha qa had all of it 300 s after the lock
  'alpha/prod/api': 200,
  'alpha/prod/web': 250, // failed: alpha prod never had the release
  'beta/qa/api': 50,
  'beta/qa/web': 700, // 700 s
  'beta/prod/api': 1000, // 1000 s: the last of its components
  'beta/prod/web': 500,
};

async function insights(period?: string, token?: string | null) {
  return dataOf(await server.gql(INSIGHTS, period ? { period } : {}, token)).insights;
}

beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['api', 'web'], ['1.0.0']);
  await createFleet(server, [
    { tenant: 'alpha', slug: 'qa', tier: 'qa', driverConfig: { delayMs: 0 } },
    { tenant: 'alpha', slug: 'prod', tier: 'prod', driverConfig: { delayMs: 0, fail: ['web'] } },
    { tenant: 'beta', slug: 'qa', tier: 'qa', driverConfig: { delayMs: 0 } },
    { tenant: 'beta', slug: 'prod', tier: 'prod', driverConfig: { delayMs: 0 } },
  ]);
  scopedToAlpha = await createPrincipal(server, 'VIEWER', { tenantSlugs: ['alpha'] });

  version = nextReleaseVersion();
  const releaseId = await lockedRelease(server, version, [
    { app: 'api', version: '1.0.0', stage: 1 },
    { app: 'web', version: '1.0.0', stage: 1 },
  ]);
  const { id } = dataOf(
    await startRollout(server, { releaseId, selector: { tenantSlugs: ['alpha', 'beta'] }, failurePolicy: 'CONTINUE' }),
  ).startRollout;
  await waitForRollout(server, id, (rollout: { status: string }) => ['SUCCEEDED', 'FAILED'].includes(rollout.status));
  const deployments = await rolloutDeployments(server, id);
  expect(deployments).toHaveLength(8);
  // The known data set: the lock and every finish moved to fixed times, as if it had all happened 25 days ago.
  await server.dataSource.query('UPDATE release SET first_locked_at = $2 WHERE id = $1', [releaseId, LOCKED_AT]);
  for (const deployment of deployments) {
    const key = `${deployment.installation.tenant.slug}/${deployment.installation.slug}/${deployment.application.slug}`;
    await server.dataSource.query(
      `UPDATE deployment SET finished_at = $2::timestamptz + make_interval(secs => $3) WHERE id = $1`,
      [deployment.id, LOCKED_AT, FINISHED_AFTER[key]],
    );
  }
});
afterAll(() => server.close());

describe('insights', () => {
  it('gives success rates per tenant and application, lowest first, over the last 30 days', async () => {
    const result = await insights('LAST_30_DAYS');
    expect(result.period).toBe('LAST_30_DAYS');
    expect(result.tenants).toEqual([
      { tenant: { slug: 'alpha' }, successRate: 0.75, succeeded: 3, failed: 1 },
      { tenant: { slug: 'beta' }, successRate: 1, succeeded: 4, failed: 0 },
    ]);
    expect(result.applications).toEqual([
      { application: { slug: 'web' }, successRate: 0.75, succeeded: 3, failed: 1 },
      { application: { slug: 'api' }, successRate: 1, succeeded: 4, failed: 0 },
    ]);
  });

  it('measures lock to arrival per tier over the installations that had every component: median and max', async () => {
    expect((await insights('LAST_30_DAYS')).arrivals).toEqual([
      { release: { version }, tier: { name: 'qa' }, installationsReached: 2, medianSeconds: 500, maxSeconds: 700 },
      { release: { version }, tier: { name: 'prod' }, installationsReached: 1, medianSeconds: 1000, maxSeconds: 1000 },
    ]);
  });

  it('leaves out what finished before the period', async () => {
    const result = await insights('LAST_7_DAYS');
    expect(result).toEqual({ period: 'LAST_7_DAYS', tenants: [], applications: [], arrivals: [] });
  });

  it('defaults to the last 30 days', async () => {
    const result = await insights();
    expect(result.period).toBe('LAST_30_DAYS');
    expect(result.tenants).toHaveLength(2);
  });

  it("shows a tenant-scoped viewer only its own tenants' numbers", async () => {
    const result = await insights('LAST_90_DAYS', scopedToAlpha.token);
    expect(result.tenants).toEqual([{ tenant: { slug: 'alpha' }, successRate: 0.75, succeeded: 3, failed: 1 }]);
    expect(result.applications).toEqual([
      { application: { slug: 'web' }, successRate: 0.5, succeeded: 1, failed: 1 },
      { application: { slug: 'api' }, successRate: 1, succeeded: 2, failed: 0 },
    ]);
    // beta's installations (qa at 700 s, prod at 1000 s) do not count; alpha's prod never had the release.
    expect(result.arrivals).toEqual([
      { release: { version }, tier: { name: 'qa' }, installationsReached: 1, medianSeconds: 300, maxSeconds: 300 },
    ]);
  });

  it('bounds every list with first', async () => {
    const response = await server.gql(
      '{ insights(period: LAST_90_DAYS) { tenants(first: 1) { tenant { slug } } applications(first: 1) { application { slug } } arrivals(first: 1) { tier { name } } } }',
    );
    expect(dataOf(response).insights).toEqual({
      tenants: [{ tenant: { slug: 'alpha' } }],
      applications: [{ application: { slug: 'web' } }],
      arrivals: [{ tier: { name: 'qa' } }],
    });
  });

  it('needs a caller: UNAUTHENTICATED without a token', async () => {
    expect(errorCode(await server.gql(INSIGHTS, {}, null))).toBe('UNAUTHENTICATED');
  });
});
