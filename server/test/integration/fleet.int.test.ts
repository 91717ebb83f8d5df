import { createApplications, createFleet, createTiers, lockedRelease, startRollout, waitForRollout } from '../factories/rollouts';
import { createApiToken, type Caller } from '../factories/tenants';
import { dataOf, startTestServer, type QueryCounter, type TestServer } from '../support/server';

/** What the fleet pages ask: installations by their tenant's state, and which release each one runs. */

const queries: QueryCounter = { count: 0 };
let server: TestServer;
let ids: Record<string, string>;
let scopedViewer: Caller;

async function rollOut(releaseId: string, installationIds: string[]) {
  const id = dataOf(await startRollout(server, { releaseId, installationIds, reason: 'fleet test' })).startRollout.id;
  await waitForRollout(server, id, (rollout) => rollout.status === 'SUCCEEDED');
}

beforeAll(async () => {
  server = await startTestServer({}, queries);
  await createTiers(server);
  await createApplications(server, ['api', 'web'], ['1.0.0', '1.1.0']);
  ids = await createFleet(
    server,
    [
      { tenant: 'acme', slug: 'prod', tier: 'prod' },
      { tenant: 'acme', slug: 'qa', tier: 'qa' },
      { tenant: 'acme', slug: 'dev', tier: 'dev' },
      { tenant: 'globex', slug: 'prod', tier: 'prod' },
      { tenant: 'globex', slug: 'qa', tier: 'qa' },
      { tenant: 'initech', slug: 'prod', tier: 'prod' },
    ],
    { initech: [{ key: 'region', value: 'us' }] },
  );
  dataOf(await server.gql(`mutation { updateTenant(input: { slug: "initech", blocked: true }) { id } }`));

  const release100 = await lockedRelease(server, '1.0.0', [
    { app: 'api', version: '1.0.0', stage: 1 },
    { app: 'web', version: '1.0.0', stage: 2 },
  ]);
  const release110 = await lockedRelease(server, '1.1.0', [
    { app: 'api', version: '1.1.0', stage: 1 },
    { app: 'web', version: '1.1.0', stage: 2 },
  ]);
  // A draft with exactly what acme/prod will run must never count as its match.
  dataOf(await server.gql(`mutation { createRelease(input: { trackSlug: "product", version: "1.2.0" }) { id } }`));

  await rollOut(release100, [ids['acme/prod'], ids['acme/qa'], ids['globex/prod']]);
  await rollOut(release110, [ids['acme/prod']]);
  // globex/qa runs only the api of 1.1.0: neither 1.0.0 nor 1.1.0 matches, the older api-only 0.9.0 does.
  const partial = await lockedRelease(server, '0.9.0', [{ app: 'api', version: '1.1.0', stage: 1 }]);
  await rollOut(partial, [ids['globex/qa']]);
  scopedViewer = await createApiToken(server, { role: 'VIEWER', tenantSlugs: ['acme'] });
}, 60_000);
afterAll(() => server.close());

const MATCHES = `query ($filter: InstallationFilter, $track: String!) {
  installations(first: 50, filter: $filter) {
    nodes { tenant { slug } slug matchingRelease(track: $track) { id version status } }
  }
}`;

async function matches(filter: Record<string, unknown> | null, track = 'product', token?: string) {
  const { installations } = dataOf(await server.gql<{ installations: { nodes: any[] } }>(MATCHES, { filter, track }, token));
  return Object.fromEntries(
    installations.nodes.map((node) => [`${node.tenant.slug}/${node.slug}`, node.matchingRelease?.version ?? null]),
  );
}

describe('installations filter by tenant state', () => {
  it('lists only installations of blocked tenants with tenantBlocked true, and the others with false', async () => {
    const blocked = dataOf(
      await server.gql<{ installations: any }>(
        `{ installations(first: 50, filter: { tenantBlocked: true }) { totalCount nodes { slug tenant { slug blocked } } } }`,
      ),
    ).installations;
    expect(blocked.totalCount).toBe(1);
    expect(blocked.nodes).toEqual([{ slug: 'prod', tenant: { slug: 'initech', blocked: true } }]);

    const active = dataOf(
      await server.gql<{ installations: any }>(
        `{ installations(first: 50, filter: { tenantBlocked: false, tiers: ["prod"] }) { nodes { slug tenant { slug } } } }`,
      ),
    ).installations;
    expect(active.nodes.map((n: any) => `${n.tenant.slug}/${n.slug}`)).toEqual(['acme/prod', 'globex/prod']);
  });
});

describe('Installation.matchingRelease', () => {
  it('is the newest locked release whose every component runs on the installation, or null', async () => {
    expect(await matches(null)).toEqual({
      'acme/dev': null,
      'acme/prod': '1.1.0',
      'acme/qa': '1.0.0',
      'globex/prod': '1.0.0',
      'globex/qa': '0.9.0',
      'initech/prod': null,
    });
  });

  it('answers null for a track without such a release and for a track that does not exist', async () => {
    dataOf(await server.gql(`mutation { createReleaseTrack(input: { slug: "other", name: "Other" }) { id } }`));
    expect(Object.values(await matches(null, 'other'))).toEqual([null, null, null, null, null, null]);
    expect(Object.values(await matches(null, 'no-such-track'))).toEqual([null, null, null, null, null, null]);
  });

  it('answers what runs where for a page of installations in as many queries as for one', async () => {
    const query = `query ($filter: InstallationFilter) {
      installations(first: 50, filter: $filter) {
        nodes { slug running { since application { slug } artifact { version } deployment { id status } } matchingRelease(track: "product") { version } }
      }
    }`;
    const count = async (filter: Record<string, unknown> | null) => {
      const before = queries.count;
      const response = dataOf(await server.gql<{ installations: { nodes: any[] } }>(query, { filter }));
      return { count: queries.count - before, nodes: response.installations.nodes };
    };
    const one = await count({ ids: [ids['acme/prod']] });
    const all = await count(null);
    expect(one.nodes[0].running.map((r: any) => `${r.application.slug}@${r.artifact.version}`)).toEqual([
      'api@1.1.0',
      'web@1.1.0',
    ]);
    expect(all.nodes).toHaveLength(6);
    expect(all.count).toBe(one.count);
  });

  it('takes the same number of queries for one installation as for a page of them', async () => {
    const count = async (filter: Record<string, unknown>) => {
      const before = queries.count;
      await matches(filter);
      return queries.count - before;
    };
    const one = await count({ ids: [ids['acme/prod']] });
    const all = await count({ search: '' });
    expect(all).toBe(one);
  });

  it('shows a tenant-scoped viewer the matches of its own installations and nothing of another tenant', async () => {
    expect(await matches(null, 'product', scopedViewer.token)).toEqual({
      'acme/dev': null,
      'acme/prod': '1.1.0',
      'acme/qa': '1.0.0',
    });
    const query = `query ($id: ID!) { installation(id: $id) { matchingRelease(track: "product") { version } } }`;
    const other = await server.gql(query, { id: ids['globex/prod'] }, scopedViewer.token);
    const missing = await server.gql(query, { id: '00000000-0000-4000-8000-000000000000' }, scopedViewer.token);
    expect(other).toEqual(missing);
    expect(other.data).toEqual({ installation: null });
  });
});
