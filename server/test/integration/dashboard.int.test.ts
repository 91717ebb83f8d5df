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

const STATS = 'query ($days: Int) { deploymentStats(days: $days) { day succeeded failed } }';
const STATS_DEFAULT = '{ deploymentStats { day succeeded failed } }';

/** The UTC day `daysAgo` days before today, as YYYY-MM-DD. */
function utcDay(daysAgo: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - daysAgo);
  return date.toISOString().slice(0, 10);
}

/** Moves a deployment's finish time to noon UTC `daysAgo` days ago, as if it had finished then. */
async function finishedDaysAgo(deploymentId: string, daysAgo: number) {
  await server.dataSource.query(
    `UPDATE deployment SET finished_at = (((now() AT TIME ZONE 'UTC')::date - $2::int) + time '12:00') AT TIME ZONE 'UTC'
      WHERE id = $1`,
    [deploymentId, daysAgo],
  );
}

/** Runs a rollout of `api` (and `web`, which fails where told) on the given tenants and waits for it to end. */
async function rollOut(tenants: string[]) {
  const releaseId = await lockedRelease(server, nextReleaseVersion(), [
    { app: 'api', version: '1.0.0', stage: 1 },
    { app: 'web', version: '1.0.0', stage: 1 },
  ]);
  const { id } = dataOf(
    await startRollout(server, { releaseId, selector: { tenantSlugs: tenants }, failurePolicy: 'CONTINUE' }),
  ).startRollout;
  await waitForRollout(server, id, (rollout: { status: string }) => ['SUCCEEDED', 'FAILED'].includes(rollout.status));
  return rolloutDeployments(server, id);
}

beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['api', 'web'], ['1.0.0']);
  await createFleet(server, [
    { tenant: 'alpha', slug: 'prod', tier: 'prod', driverConfig: { delayMs: 0, fail: ['web'] } },
    { tenant: 'beta', slug: 'prod', tier: 'prod', driverConfig: { delayMs: 0 } },
  ]);
  scopedToAlpha = await createPrincipal(server, 'VIEWER', { tenantSlugs: ['alpha'] });
});
afterAll(() => server.close());

describe('deploymentStats', () => {
  it('lists every one of the last 28 days, oldest first and ending today, with zeros when nothing was deployed', async () => {
    const stats = dataOf(await server.gql(STATS_DEFAULT)).deploymentStats as { day: string }[];
    expect(stats).toHaveLength(28);
    expect(stats[0]).toEqual({ day: utcDay(27), succeeded: 0, failed: 0 });
    expect(stats[27]).toEqual({ day: utcDay(0), succeeded: 0, failed: 0 });
    expect(stats.map((stat) => stat.day)).toEqual(Array.from({ length: 28 }, (_, index) => utcDay(27 - index)));
  });

  it('counts succeeded and failed deployments on the day they finished, for every tenant', async () => {
    const deployments = await rollOut(['alpha', 'beta']);
    const byKey = (tenant: string, app: string) =>
      deployments.find((d: any) => d.installation.tenant.slug === tenant && d.application.slug === app).id as string;
    // alpha: api succeeded today, web failed 3 days ago; beta: api and web succeeded 3 days ago.
    await finishedDaysAgo(byKey('alpha', 'web'), 3);
    await finishedDaysAgo(byKey('beta', 'api'), 3);
    await finishedDaysAgo(byKey('beta', 'web'), 3);

    const stats = dataOf(await server.gql(STATS, { days: 7 })).deploymentStats;
    expect(stats).toEqual([
      { day: utcDay(6), succeeded: 0, failed: 0 },
      { day: utcDay(5), succeeded: 0, failed: 0 },
      { day: utcDay(4), succeeded: 0, failed: 0 },
      { day: utcDay(3), succeeded: 2, failed: 1 },
      { day: utcDay(2), succeeded: 0, failed: 0 },
      { day: utcDay(1), succeeded: 0, failed: 0 },
      { day: utcDay(0), succeeded: 1, failed: 0 },
    ]);
  });

  it('leaves out days before the window', async () => {
    const stats = dataOf(await server.gql(STATS, { days: 3 })).deploymentStats;
    expect(stats).toEqual([
      { day: utcDay(2), succeeded: 0, failed: 0 },
      { day: utcDay(1), succeeded: 0, failed: 0 },
      { day: utcDay(0), succeeded: 1, failed: 0 },
    ]);
  });

  it('counts only the tenants a tenant-scoped caller may see', async () => {
    const stats = dataOf(await server.gql(STATS, { days: 7 }, scopedToAlpha.token)).deploymentStats as {
      day: string;
      succeeded: number;
      failed: number;
    }[];
    expect(stats).toHaveLength(7);
    expect(stats.filter((stat) => stat.succeeded + stat.failed > 0)).toEqual([
      { day: utcDay(3), succeeded: 0, failed: 1 },
      { day: utcDay(0), succeeded: 1, failed: 0 },
    ]);
  });

  it('refuses a number of days outside 1 to 366 with BAD_USER_INPUT', async () => {
    for (const days of [0, -1, 367]) expect(errorCode(await server.gql(STATS, { days }))).toBe('BAD_USER_INPUT');
  });

  it('needs a caller: UNAUTHENTICATED without a token', async () => {
    expect(errorCode(await server.gql(STATS_DEFAULT, {}, null))).toBe('UNAUTHENTICATED');
  });
});

describe('releases', () => {
  const RELEASES = `query ($filter: ReleaseFilter, $first: Int, $after: String) {
    releases(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { version status track { slug } }
    }
  }`;

  it('lists releases of every track by status, the most recently changed first, a page at a time', async () => {
    dataOf(await server.gql(`mutation { createReleaseTrack(input: { slug: "other", name: "Other" }) { id } }`));
    for (const version of ['9.0.0', '9.1.0']) {
      dataOf(
        await server.gql(`mutation ($input: CreateReleaseInput!) { createRelease(input: $input) { id } }`, {
          input: { trackSlug: 'other', version },
        }),
      );
    }
    const drafts = { statuses: ['DRAFT'] };
    const first = dataOf(await server.gql(RELEASES, { filter: drafts, first: 1 })).releases;
    expect(first).toMatchObject({
      totalCount: 2,
      pageInfo: { hasNextPage: true },
      nodes: [{ version: '9.1.0', status: 'DRAFT', track: { slug: 'other' } }],
    });
    const second = dataOf(await server.gql(RELEASES, { filter: drafts, first: 1, after: first.pageInfo.endCursor })).releases;
    expect(second).toMatchObject({ pageInfo: { hasNextPage: false }, nodes: [{ version: '9.0.0' }] });

    const all = dataOf(await server.gql(RELEASES, { first: 100 })).releases;
    expect(all.totalCount).toBe(3);
    expect(all.nodes.map((node: { track: { slug: string } }) => node.track.slug).sort()).toEqual(['other', 'other', 'product']);
  });
});
