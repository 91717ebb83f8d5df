import { randomUUID } from 'node:crypto';
import {
  CREATE_API_TOKEN,
  CREATE_INSTALLATION,
  CREATE_TENANT,
  CREATE_TIER,
  CREATE_USER,
  UPDATE_INSTALLATION,
  UPDATE_TENANT,
  auditEvents,
  createApiToken,
  createInstallation,
  createSignedInUser,
  createTenant,
  createTier,
  type Caller,
  type Installation,
  type Tenant,
} from '../factories/tenants';
import { createApplications, lockedRelease } from '../factories/rollouts';
import { dataOf, errorCode, startTestServer, type GraphQLResponse, type TestServer } from '../support/server';

/**
 * A caller limited to tenant A must not learn anything about tenant B: B answers exactly as a tenant that
 * does not exist would.
 */

let server: TestServer;
let tenantA: Tenant;
let tenantB: Tenant;
let installationA: Installation;
let installationB: Installation;
let scopedViewerUser: Caller;
let scopedViewerToken: Caller;
let scopedReleaseManager: Caller;
let scopedAdmin: Caller;

const MISSING = 'does-not-exist';

beforeAll(async () => {
  server = await startTestServer();
  await createTier(server, { name: 'dev', rank: 10 });
  await createTier(server, { name: 'prod', rank: 20 });
  tenantA = await createTenant(server, { slug: 'a', name: 'Tenant A', labels: [{ key: 'region', value: 'eu' }] });
  tenantB = await createTenant(server, { slug: 'b', name: 'Tenant B', labels: [{ key: 'region', value: 'eu' }] });
  installationA = await createInstallation(server, { tenantSlug: 'a', slug: 'prod', tier: 'prod' });
  installationB = await createInstallation(server, { tenantSlug: 'b', slug: 'prod', tier: 'prod' });
  await createInstallation(server, { tenantSlug: 'b', slug: 'dev', tier: 'dev' });
  await createApplications(server, ['scope-app'], ['1.0.0']);
  // Changes to B after the scoped callers exist, so B has audit events of several kinds.
  await server.gql(UPDATE_TENANT, { input: { slug: 'b', name: 'Tenant B (renamed)' } });
  await server.gql(UPDATE_INSTALLATION, { input: { tenantSlug: 'b', slug: 'prod', frozen: true } });

  scopedViewerUser = await createSignedInUser(server, { role: 'VIEWER', tenantSlugs: ['a'] });
  scopedViewerToken = await createApiToken(server, { role: 'VIEWER', tenantSlugs: ['a'] });
  scopedReleaseManager = await createApiToken(server, { role: 'RELEASE_MANAGER', tenantSlugs: ['a'] });
  scopedAdmin = await createSignedInUser(server, { role: 'ADMIN', tenantSlugs: ['a'] });
});
afterAll(() => server.close());

/** A refusal with the tenant's slug taken out, to compare the refusal for B with the one for a missing tenant. */
function refusalShape(response: GraphQLResponse, slug: string) {
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  return {
    data: response.data ?? null,
    code: error.extensions?.code,
    extensions: error.extensions,
    path: error.path,
    message: error.message.split(`'${slug}'`).join("'<slug>'"),
  };
}

describe.each([
  ['a VIEWER user signed in with tenantSlugs [a]', () => scopedViewerUser],
  ['a VIEWER API token with tenantSlugs [a]', () => scopedViewerToken],
])('reading as %s', (_, caller) => {
  const gql = (query: string, variables: Record<string, unknown> = {}) => server.gql(query, variables, caller().token);

  it('sees locked releases but no draft, by id or in any list', async () => {
    const locked = await lockedRelease(server, `locked-${randomUUID()}`, [{ app: 'scope-app', version: '1.0.0', stage: 1 }]);
    const draft = dataOf(
      await server.gql<{ createRelease: { id: string } }>(
        `mutation ($input: CreateReleaseInput!) { createRelease(input: $input) { id } }`,
        { input: { trackSlug: 'product', version: `draft-${randomUUID()}` } },
      ),
    ).createRelease.id;

    expect(dataOf(await gql('query ($id: ID!) { release(id: $id) { id } }', { id: draft })).release).toBeNull();
    expect(dataOf(await gql('query ($id: ID!) { release(id: $id) { id } }', { id: locked })).release).toEqual({ id: locked });
    const listed = dataOf(
      await gql(`{ releases(first: 100, filter: { statuses: [DRAFT, LOCKED] }) { nodes { id status } }
                   releaseTrack(slug: "product") { releases(first: 100) { nodes { id status } } } }`),
    );
    for (const nodes of [listed.releases.nodes, listed.releaseTrack.releases.nodes]) {
      expect(nodes.map((r: { id: string }) => r.id)).toContain(locked);
      expect(nodes.filter((r: { status: string }) => r.status === 'DRAFT')).toEqual([]);
    }
    // Someone who sees every tenant still sees the draft.
    expect(dataOf(await server.gql('query ($id: ID!) { release(id: $id) { id } }', { id: draft })).release).toEqual({
      id: draft,
    });
  });

  it('finds audit events by the name of its own tenant, and nothing by the name of another', async () => {
    const search = async (text: string, token?: string) =>
      dataOf(
        await server.gql(
          'query ($search: String) { auditEvents(first: 100, filter: { search: $search }) { nodes { action subjectType } } }',
          { search: text },
          token,
        ),
      ).auditEvents.nodes as { action: string; subjectType: string }[];
    // Someone who sees every tenant finds B's events by B's name; A's viewer finds none of them.
    const byName = await search('Tenant B (renamed)');
    expect(byName.map((event) => event.action)).toEqual(
      expect.arrayContaining(['tenant.create', 'tenant.update', 'installation.freeze', 'installation.create']),
    );
    expect(await search('Tenant B (renamed)', caller().token)).toEqual([]);
  });

  it('shows tenant A as the viewer’s tenants', async () => {
    expect(dataOf(await gql('{ viewer { role tenants { slug } } }'))).toEqual({
      viewer: { role: 'VIEWER', tenants: [{ slug: 'a' }] },
    });
  });

  it('lists only tenant A, with a total count of 1', async () => {
    const tenants = dataOf(await gql('{ tenants { totalCount pageInfo { hasNextPage } nodes { slug } } }')).tenants;
    expect(tenants).toEqual({ totalCount: 1, pageInfo: { hasNextPage: false }, nodes: [{ slug: 'a' }] });
  });

  it('finds nothing of tenant B through the tenant filters', async () => {
    const query = 'query ($filter: TenantFilter) { tenants(filter: $filter) { totalCount nodes { slug } } }';
    expect(dataOf(await gql(query, { filter: { search: 'Tenant B' } })).tenants).toEqual({ totalCount: 0, nodes: [] });
    expect(dataOf(await gql(query, { filter: { labels: [{ key: 'region', value: 'eu' }] } })).tenants).toEqual({
      totalCount: 1,
      nodes: [{ slug: 'a' }],
    });
  });

  it('reads tenant A with its installations', async () => {
    const response = await gql('{ tenant(slug: "a") { slug installationCount installations { totalCount nodes { slug } } } }');
    expect(dataOf(response).tenant).toEqual({
      slug: 'a',
      installationCount: 1,
      installations: { totalCount: 1, nodes: [{ slug: 'prod' }] },
    });
  });

  it('answers tenant(slug: "b") exactly as for a tenant that does not exist', async () => {
    const query = 'query ($slug: String!) { tenant(slug: $slug) { id slug name } }';
    const forB = await gql(query, { slug: 'b' });
    expect(forB).toEqual({ data: { tenant: null } });
    expect(forB).toEqual(await gql(query, { slug: MISSING }));
  });

  it('answers installation(id) for B’s installation exactly as for an unknown id', async () => {
    const query = 'query ($id: ID!) { installation(id: $id) { id slug } }';
    expect(dataOf(await gql(query, { id: installationA.id })).installation).toEqual({ id: installationA.id, slug: 'prod' });
    const forB = await gql(query, { id: installationB.id });
    expect(forB).toEqual({ data: { installation: null } });
    expect(forB).toEqual(await gql(query, { id: randomUUID() }));
  });

  it('lists only tenant A’s installations, even when asked for B’s', async () => {
    const query = `query ($filter: InstallationFilter) {
      installations(filter: $filter) { totalCount nodes { id tenant { slug } } }
    }`;
    expect(dataOf(await gql(query)).installations).toEqual({
      totalCount: 1,
      nodes: [{ id: installationA.id, tenant: { slug: 'a' } }],
    });
    for (const filter of [{ tenantSlugs: ['b'] }, { ids: [installationB.id] }, { search: 'Tenant B' }]) {
      expect(dataOf(await gql(query, { filter })).installations).toEqual({ totalCount: 0, nodes: [] });
    }
  });

  it('shows only audit events of tenant A', async () => {
    const response = await gql('{ auditEvents(first: 100) { totalCount nodes { action subjectType subjectId } } }');
    const { totalCount, nodes } = dataOf(response).auditEvents as {
      totalCount: number;
      nodes: { action: string; subjectType: string; subjectId: string }[];
    };
    expect(totalCount).toBe(nodes.length);
    const installationsOfA = dataOf(await server.gql('{ tenant(slug: "a") { installations { nodes { id } } } }')).tenant
      .installations.nodes as { id: string }[];
    const subjectsOfA = new Set([tenantA.id, ...installationsOfA.map((installation) => installation.id)]);
    expect(nodes.filter((event) => !subjectsOfA.has(event.subjectId))).toEqual([]);
    expect(nodes.map((event) => [event.action, event.subjectId])).toEqual(
      expect.arrayContaining([
        ['installation.create', installationA.id],
        ['tenant.create', tenantA.id],
      ]),
    );
    // The admin sees B's events, so the scope is what hides them.
    expect((await auditEvents(server, { subjectId: tenantB.id })).totalCount).toBe(2);
    const forB = await gql('query ($id: String) { auditEvents(filter: { subjectId: $id }) { totalCount } }', {
      id: installationB.id,
    });
    expect(dataOf(forB).auditEvents.totalCount).toBe(0);
  });
});

describe('a RELEASE_MANAGER limited to tenant A', () => {
  const gql = (query: string, variables: Record<string, unknown>) => server.gql(query, variables, scopedReleaseManager.token);

  it('creates installations in tenant A', async () => {
    const response = await gql(CREATE_INSTALLATION, {
      input: { tenantSlug: 'a', slug: 'qa', name: 'A QA', tier: 'dev' },
    });
    expect(dataOf(response).createInstallation).toMatchObject({ slug: 'qa', tenant: { slug: 'a' } });
  });

  it('gets NOT_FOUND creating an installation in B, exactly as for a tenant that does not exist', async () => {
    const create = (tenantSlug: string) =>
      gql(CREATE_INSTALLATION, { input: { tenantSlug, slug: 'sneaky', name: 'Sneaky', tier: 'dev' } });
    const before = (await auditEvents(server, { action: 'installation.create' })).totalCount;
    const forB = await create('b');
    expect(errorCode(forB)).toBe('NOT_FOUND');
    expect(refusalShape(forB, 'b')).toEqual(refusalShape(await create(MISSING), MISSING));
    expect((await auditEvents(server, { action: 'installation.create' })).totalCount).toBe(before);
    const installationsOfB = await server.gql('{ tenant(slug: "b") { installations { nodes { slug } } } }');
    expect(dataOf(installationsOfB).tenant.installations.nodes).toEqual([{ slug: 'dev' }, { slug: 'prod' }]);
  });

  it('gets NOT_FOUND updating an installation of B, exactly as for a tenant that does not exist', async () => {
    const update = (tenantSlug: string) => gql(UPDATE_INSTALLATION, { input: { tenantSlug, slug: 'dev', frozen: true } });
    const before = (await auditEvents(server, { subjectType: 'Installation' })).totalCount;
    const forB = await update('b');
    expect(errorCode(forB)).toBe('NOT_FOUND');
    expect(refusalShape(forB, 'b')).toEqual(refusalShape(await update(MISSING), MISSING));
    expect((await auditEvents(server, { subjectType: 'Installation' })).totalCount).toBe(before);
    const devOfB = await server.gql('{ installations(filter: { tenantSlugs: ["b"], tiers: ["dev"] }) { nodes { frozen } } }');
    expect(dataOf(devOfB).installations.nodes).toEqual([{ frozen: false }]);
  });
});

describe('an ADMIN limited to tenant A', () => {
  const gql = (query: string, variables: Record<string, unknown>) => server.gql(query, variables, scopedAdmin.token);

  it('cannot create a tenant: FORBIDDEN', async () => {
    const response = await gql(CREATE_TENANT, { input: { slug: 'c', name: 'Tenant C' } });
    expect(errorCode(response)).toBe('FORBIDDEN');
    expect(dataOf(await server.gql('{ tenant(slug: "c") { slug } }')).tenant).toBeNull();
  });

  it('cannot create an environment tier: FORBIDDEN', async () => {
    const response = await gql(CREATE_TIER, { input: { name: 'qa', rank: 15 } });
    expect(errorCode(response)).toBe('FORBIDDEN');
    const tiers = dataOf(await server.gql('{ environmentTiers { name } }')).environmentTiers;
    expect(tiers).toEqual([{ name: 'dev' }, { name: 'prod' }]);
  });

  it('updates tenant A, recorded under its name', async () => {
    const response = await gql(UPDATE_TENANT, { input: { slug: 'a', name: 'Tenant A Ltd' } });
    expect(dataOf(response).updateTenant).toMatchObject({ slug: 'a', name: 'Tenant A Ltd' });
    const [latest] = (await auditEvents(server, { subjectType: 'Tenant', subjectId: tenantA.id })).nodes;
    expect(latest).toMatchObject({
      action: 'tenant.update',
      actor: `user:${scopedAdmin.name}`,
      before: { name: 'Tenant A' },
      after: { name: 'Tenant A Ltd' },
    });
  });

  it('gets NOT_FOUND updating tenant B, exactly as for a tenant that does not exist', async () => {
    const update = (slug: string) => gql(UPDATE_TENANT, { input: { slug, blocked: true } });
    const before = (await auditEvents(server, { subjectId: tenantB.id })).totalCount;
    const forB = await update('b');
    expect(errorCode(forB)).toBe('NOT_FOUND');
    expect(refusalShape(forB, 'b')).toEqual(refusalShape(await update(MISSING), MISSING));
    expect((await auditEvents(server, { subjectId: tenantB.id })).totalCount).toBe(before);
    expect(dataOf(await server.gql('{ tenant(slug: "b") { blocked } }')).tenant).toEqual({ blocked: false });
  });

  it('cannot create an API token for every tenant: FORBIDDEN', async () => {
    const response = await gql(CREATE_API_TOKEN, { input: { name: 'everywhere', role: 'VIEWER' } });
    expect(errorCode(response)).toBe('FORBIDDEN');
  });

  it('gets NOT_FOUND creating an API token for tenant B, exactly as for a tenant that does not exist', async () => {
    const create = (slug: string) => gql(CREATE_API_TOKEN, { input: { name: 'for-b', role: 'VIEWER', tenantSlugs: [slug] } });
    const forB = await create('b');
    expect(errorCode(forB)).toBe('NOT_FOUND');
    expect(refusalShape(forB, 'b')).toEqual(refusalShape(await create(MISSING), MISSING));
    const both = await gql(CREATE_API_TOKEN, { input: { name: 'for-a-and-b', role: 'VIEWER', tenantSlugs: ['a', 'b'] } });
    expect(errorCode(both)).toBe('NOT_FOUND');
  });

  it('creates an API token for tenant A, and that token sees only A', async () => {
    const response = await gql(CREATE_API_TOKEN, { input: { name: 'for-a', role: 'VIEWER', tenantSlugs: ['a'] } });
    const created = dataOf(response).createApiToken;
    expect(created.tenants).toEqual([{ slug: 'a' }]);
    const tenants = await server.gql('{ tenants { totalCount nodes { slug } } }', {}, created.token);
    expect(dataOf(tenants).tenants).toEqual({ totalCount: 1, nodes: [{ slug: 'a' }] });
  });

  it('cannot create a user for every tenant or for tenant B', async () => {
    const create = (tenantSlugs?: string[]) =>
      gql(CREATE_USER, { input: { username: 'escalator', password: randomUUID(), role: 'VIEWER', tenantSlugs } });
    expect(errorCode(await create())).toBe('FORBIDDEN');
    expect(errorCode(await create(['b']))).toBe('NOT_FOUND');
  });
});
