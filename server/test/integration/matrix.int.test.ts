import { createApplications, createFleet, createTiers, lockedRelease, startRollout, waitForRollout } from '../factories/rollouts';
import { createApiToken, type Caller } from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

/** "What runs where" asks the server for installations by how they stand against a release, sorted and paged. */

let server: TestServer;
let ids: Record<string, string>;
let release1: string;
let release3: string;
let draft: string;
let acmeViewer: Caller;

async function rollOut(releaseId: string, installationIds: string[]) {
  const id = dataOf(await startRollout(server, { releaseId, installationIds, reason: 'matrix test' })).startRollout.id;
  await waitForRollout(server, id, (rollout) => rollout.status === 'SUCCEEDED');
}

beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  // 1.10.0 is newer than 1.9.0 by semver, though older as text: the comparison must be semver's.
  await createApplications(server, ['api', 'web', 'worker'], ['1.0.0', '1.9.0', '1.10.0']);
  ids = await createFleet(server, [
    { tenant: 'acme', slug: 'prod', tier: 'prod' },
    { tenant: 'acme', slug: 'qa', tier: 'qa' },
    { tenant: 'acme', slug: 'dev', tier: 'dev' },
    { tenant: 'globex', slug: 'prod', tier: 'prod' },
    { tenant: 'globex', slug: 'qa', tier: 'qa' },
  ]);
  release1 = await lockedRelease(server, '1.0.0', [
    { app: 'api', version: '1.9.0', stage: 1 },
    { app: 'web', version: '1.0.0', stage: 2 },
  ]);
  const release2 = await lockedRelease(server, '1.1.0', [{ app: 'api', version: '1.10.0', stage: 1 }]);
  release3 = await lockedRelease(server, '1.2.0', [
    { app: 'api', version: '1.10.0', stage: 1 },
    { app: 'web', version: '1.0.0', stage: 1 },
    { app: 'worker', version: '1.0.0', stage: 2 },
  ]);
  draft = dataOf(
    await server.gql<{ createRelease: { id: string } }>(
      `mutation { createRelease(input: { trackSlug: "product", version: "1.3.0" }) { id } }`,
    ),
  ).createRelease.id;
  await rollOut(release1, [ids['acme/prod'], ids['acme/qa'], ids['globex/prod']]);
  await rollOut(release2, [ids['acme/prod']]);
  acmeViewer = await createApiToken(server, { role: 'VIEWER', tenantSlugs: ['acme'] });
}, 60_000);
afterAll(() => server.close());

const LIST = `query ($first: Int, $after: String, $filter: InstallationFilter, $orderBy: InstallationOrder) {
  installations(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { slug tenant { slug } }
  }
}`;

interface ListPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: { slug: string; tenant: { slug: string } }[];
}

async function list(variables: Record<string, unknown>, token?: string) {
  const page = dataOf(await server.gql<{ installations: ListPage }>(LIST, { first: 50, ...variables }, token)).installations;
  return { totalCount: page.totalCount, keys: page.nodes.map((node) => `${node.tenant.slug}/${node.slug}`), page };
}

/** Every page, `first` at a time, as the CSV export reads them. */
async function allPages(variables: Record<string, unknown>, first: number) {
  const keys: string[] = [];
  let after: string | null = null;
  for (;;) {
    const { page } = await list({ ...variables, first, after });
    keys.push(...page.nodes.map((node) => `${node.tenant.slug}/${node.slug}`));
    if (!page.pageInfo.hasNextPage) return keys;
    after = page.pageInfo.endCursor;
  }
}

describe('installations filtered by drift from a release', () => {
  it('finds the installations running an older version than the release, by semver and not by text', async () => {
    const { keys, totalCount } = await list({ filter: { drift: { releaseId: release3, states: ['BEHIND'] } } });
    expect(keys).toEqual(['acme/qa', 'globex/prod']);
    expect(totalCount).toBe(2);
  });

  it('finds the installations running a newer version than the release', async () => {
    const { keys } = await list({ filter: { drift: { releaseId: release1, states: ['AHEAD'] } } });
    expect(keys).toEqual(['acme/prod']);
  });

  it('finds the installations missing a chosen application of the release, and only that application counts', async () => {
    const web = await list({ filter: { drift: { releaseId: release3, states: ['MISSING'], applications: ['web'] } } });
    expect(web.keys).toEqual(['acme/dev', 'globex/qa']);
    // Everyone lacks the worker.
    const worker = await list({ filter: { drift: { releaseId: release3, states: ['MISSING'], applications: ['worker'] } } });
    expect(worker.totalCount).toBe(5);
    const same = await list({ filter: { drift: { releaseId: release3, states: ['SAME'], applications: ['api'] } } });
    expect(same.keys).toEqual(['acme/prod']);
  });

  it('combines drift with the other filters', async () => {
    const { keys } = await list({ filter: { tiers: ['prod'], drift: { releaseId: release3, states: ['BEHIND', 'MISSING'] } } });
    expect(keys).toEqual(['acme/prod', 'globex/prod']);
  });

  it('refuses an unknown release as NOT_FOUND and a drift order without a release as BAD_USER_INPUT', async () => {
    const unknown = await server.gql(LIST, {
      filter: { drift: { releaseId: '00000000-0000-4000-8000-000000000000', states: ['BEHIND'] } },
    });
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(LIST, { orderBy: 'DRIFT' }))).toBe('BAD_USER_INPUT');
  });
});

describe('installations sorted', () => {
  it('sorts by how many components drift from the release, most first, across pages', async () => {
    const variables = { filter: { drift: { releaseId: release3 } }, orderBy: 'DRIFT' };
    const expected = ['acme/dev', 'globex/qa', 'acme/qa', 'globex/prod', 'acme/prod'];
    expect((await list(variables)).keys).toEqual(expected);
    expect(await allPages(variables, 2)).toEqual(expected);
  });

  it('sorts by installation slug, then tenant', async () => {
    expect(await allPages({ orderBy: 'INSTALLATION' }, 2)).toEqual([
      'acme/dev',
      'acme/prod',
      'globex/prod',
      'acme/qa',
      'globex/qa',
    ]);
  });
});

describe('drift for a tenant-scoped viewer', () => {
  it('never lists another tenant’s installations, in filter, count or order', async () => {
    const behind = await list({ filter: { drift: { releaseId: release3, states: ['BEHIND'] } } }, acmeViewer.token);
    expect(behind.keys).toEqual(['acme/qa']);
    expect(behind.totalCount).toBe(1);
    const sorted = await list({ filter: { drift: { releaseId: release3 } }, orderBy: 'DRIFT' }, acmeViewer.token);
    expect(sorted.keys).toEqual(['acme/dev', 'acme/qa', 'acme/prod']);
  });

  it('answers a draft release as if it did not exist', async () => {
    const response = await server.gql(LIST, { filter: { drift: { releaseId: draft, states: ['MISSING'] } } }, acmeViewer.token);
    expect(errorCode(response)).toBe('NOT_FOUND');
  });
});
