import { randomUUID } from 'node:crypto';
import {
  ADMIN_ACTOR,
  CREATE_INSTALLATION,
  CREATE_TENANT,
  CREATE_TIER,
  INSTALLATION_FIELDS,
  TENANT_FIELDS,
  UPDATE_INSTALLATION,
  UPDATE_TENANT,
  auditEvents,
  createApiToken,
  createInstallation,
  createSignedInUser,
  createTenant,
  createTier,
  uniqueSlug,
  type Caller,
  type Installation,
  type LabelPair,
  type Tenant,
  type Tier,
} from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type GraphQLResponse, type TestServer } from '../support/server';

let server: TestServer;
let releaseManager: Caller;
let operator: Caller;
let viewer: Caller;

beforeAll(async () => {
  server = await startTestServer();
  // Created out of rank order on purpose: the list must come back ordered by rank.
  await createTier(server, { name: 'prod', rank: 30, requiredTiers: [] });
  await createTier(server, { name: 'dev', rank: 10 });
  await createTier(server, { name: 'qa', rank: 20, requiredTiers: ['dev'] });
  releaseManager = await createApiToken(server, { role: 'RELEASE_MANAGER' });
  operator = await createApiToken(server, { role: 'OPERATOR' });
  viewer = await createSignedInUser(server, { role: 'VIEWER' });
});
afterAll(() => server.close());

async function auditCount(action: string): Promise<number> {
  return (await auditEvents(server, { action })).totalCount;
}

/** Runs `refused`, expects it to fail with `code`, and checks that it left no audit event with `action`. */
async function expectRefusedWithoutAudit(
  action: string,
  code: string,
  refused: () => Promise<GraphQLResponse>,
): Promise<GraphQLResponse> {
  const before = await auditCount(action);
  const response = await refused();
  expect(errorCode(response)).toBe(code);
  expect(response.data ?? null).toBeNull();
  expect(await auditCount(action)).toBe(before);
  return response;
}

describe('environment tiers', () => {
  async function listTiers(): Promise<Tier[]> {
    return dataOf(
      await server.gql<{ environmentTiers: Tier[] }>('{ environmentTiers { id name rank requiredTiers requireVerification } }'),
    ).environmentTiers;
  }

  it('lists tiers ordered by rank, whatever order they were created in', async () => {
    const tiers = await listTiers();
    const ranks = tiers.map((tier) => tier.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(tiers.filter((tier) => ['dev', 'qa', 'prod'].includes(tier.name)).map((tier) => tier.name)).toEqual([
      'dev',
      'qa',
      'prod',
    ]);
  });

  it('creates a tier with required tiers and records it in the audit log', async () => {
    const tier = await createTier(server, { name: 'staging', rank: 25, requiredTiers: ['qa', 'dev'], requireVerification: true });
    expect(tier).toMatchObject({ name: 'staging', rank: 25, requireVerification: true });
    expect([...tier.requiredTiers].sort()).toEqual(['dev', 'qa']);
    expect((await listTiers()).map((t) => t.name)).toContain('staging');

    const { nodes } = await auditEvents(server, { subjectType: 'EnvironmentTier', subjectId: tier.id });
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      actor: ADMIN_ACTOR,
      action: 'tier.create',
      subjectType: 'EnvironmentTier',
      subjectId: tier.id,
      before: null,
      after: { id: tier.id, name: 'staging', rank: 25, requireVerification: true },
    });
  });

  it('defaults to no required tiers and no verification', async () => {
    const tier = await createTier(server, { name: 'sandbox', rank: 5 });
    expect(tier).toMatchObject({ requiredTiers: [], requireVerification: false });
  });

  it('refuses a second tier with the same name as CONFLICT, writing no audit event', async () => {
    const response = await expectRefusedWithoutAudit('tier.create', 'CONFLICT', () =>
      server.gql(CREATE_TIER, { input: { name: 'prod', rank: 99 } }),
    );
    expect(response.errors?.[0]?.message).toContain('prod');
    expect((await listTiers()).some((tier) => tier.rank === 99)).toBe(false);
  });

  it('refuses a second tier with the same rank as CONFLICT, writing no audit event', async () => {
    await expectRefusedWithoutAudit('tier.create', 'CONFLICT', () =>
      server.gql(CREATE_TIER, { input: { name: 'preprod', rank: 30 } }),
    );
    expect((await listTiers()).map((tier) => tier.name)).not.toContain('preprod');
  });

  it('refuses required tiers that name an unknown tier as BAD_USER_INPUT', async () => {
    const response = await expectRefusedWithoutAudit('tier.create', 'BAD_USER_INPUT', () =>
      server.gql(CREATE_TIER, { input: { name: 'perf', rank: 40, requiredTiers: ['qa', 'nonexistent'] } }),
    );
    expect(response.errors?.[0]?.message).toContain('nonexistent');
    expect((await listTiers()).map((tier) => tier.name)).not.toContain('perf');
  });

  it('refuses required tiers that do not come earlier in the pipeline as BAD_USER_INPUT', async () => {
    const response = await expectRefusedWithoutAudit('tier.create', 'BAD_USER_INPUT', () =>
      server.gql(CREATE_TIER, { input: { name: 'hotfix', rank: 3, requiredTiers: ['prod'] } }),
    );
    expect(response.errors?.[0]?.message).toContain('earlier in the pipeline');
    expect((await listTiers()).map((tier) => tier.name)).not.toContain('hotfix');
  });

  it('refuses a malformed tier name or a negative rank as BAD_USER_INPUT', async () => {
    expect(errorCode(await server.gql(CREATE_TIER, { input: { name: 'Not A Name', rank: 41 } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(CREATE_TIER, { input: { name: 'negative', rank: -1 } }))).toBe('BAD_USER_INPUT');
  });

  it('lets only an ADMIN create tiers: a RELEASE_MANAGER is FORBIDDEN', async () => {
    await expectRefusedWithoutAudit('tier.create', 'FORBIDDEN', () =>
      server.gql(CREATE_TIER, { input: { name: 'uat', rank: 50 } }, releaseManager.token),
    );
    expect((await listTiers()).map((tier) => tier.name)).not.toContain('uat');
  });

  it('lets every role read the tiers', async () => {
    const response = await server.gql('{ environmentTiers { name } }', {}, viewer.token);
    expect(dataOf(response).environmentTiers.length).toBeGreaterThanOrEqual(3);
  });
});

describe('tenants', () => {
  const TENANT_BY_SLUG = `query ($slug: String!) { tenant(slug: $slug) { ${TENANT_FIELDS} } }`;

  async function tenantBySlug(slug: string): Promise<Tenant | null> {
    return dataOf(await server.gql<{ tenant: Tenant | null }>(TENANT_BY_SLUG, { slug })).tenant;
  }

  it('creates a tenant with labels and contacts and records it in the audit log', async () => {
    const tenant = await createTenant(server, {
      slug: 'acme',
      name: 'Acme Corp',
      labels: [
        { key: 'region', value: 'eu' },
        { key: 'cohort', value: 'early-adopter' },
      ],
      contacts: ['ops@acme.example'],
    });
    expect(tenant).toMatchObject({
      slug: 'acme',
      name: 'Acme Corp',
      blocked: false,
      contacts: ['ops@acme.example'],
      labels: [
        { key: 'cohort', value: 'early-adopter' },
        { key: 'region', value: 'eu' },
      ],
    });
    expect(await tenantBySlug('acme')).toEqual(tenant);

    const { nodes } = await auditEvents(server, { subjectType: 'Tenant', subjectId: tenant.id });
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      actor: ADMIN_ACTOR,
      action: 'tenant.create',
      before: null,
      after: { id: tenant.id, slug: 'acme', name: 'Acme Corp', labels: { region: 'eu', cohort: 'early-adopter' } },
    });
  });

  it('refuses a second tenant with the same slug as CONFLICT, writing no audit event', async () => {
    await createTenant(server, { slug: 'dupe', name: 'First' });
    await expectRefusedWithoutAudit('tenant.create', 'CONFLICT', () =>
      server.gql(CREATE_TENANT, { input: { slug: 'dupe', name: 'Second' } }),
    );
    expect(await tenantBySlug('dupe')).toMatchObject({ name: 'First' });
  });

  it.each([
    ['upper-case letters', 'Acme'],
    ['spaces', 'acme corp'],
    ['a leading dash', '-acme'],
    ['a trailing dash', 'acme-'],
    ['an empty slug', ''],
  ])('refuses a slug with %s as BAD_USER_INPUT', async (_, slug) => {
    await expectRefusedWithoutAudit('tenant.create', 'BAD_USER_INPUT', () =>
      server.gql(CREATE_TENANT, { input: { slug, name: 'Bad slug' } }),
    );
  });

  it.each<[string, LabelPair[]]>([
    ['an upper-case key', [{ key: 'Region', value: 'eu' }]],
    ['a key with spaces', [{ key: 'the region', value: 'eu' }]],
    ['an empty value', [{ key: 'region', value: '' }]],
    [
      'the same key twice',
      [
        { key: 'region', value: 'eu' },
        { key: 'region', value: 'us' },
      ],
    ],
  ])('refuses labels with %s as BAD_USER_INPUT and creates nothing', async (_, labels) => {
    const slug = uniqueSlug('bad-labels');
    await expectRefusedWithoutAudit('tenant.create', 'BAD_USER_INPUT', () =>
      server.gql(CREATE_TENANT, { input: { slug, name: 'Bad labels', labels } }),
    );
    expect(await tenantBySlug(slug)).toBeNull();
  });

  it('lets only an ADMIN create tenants: a RELEASE_MANAGER is FORBIDDEN', async () => {
    await expectRefusedWithoutAudit('tenant.create', 'FORBIDDEN', () =>
      server.gql(CREATE_TENANT, { input: { slug: 'by-rm', name: 'By RM' } }, releaseManager.token),
    );
    expect(await tenantBySlug('by-rm')).toBeNull();
  });

  it('updates name, contacts and blocked and replaces all labels', async () => {
    const tenant = await createTenant(server, {
      slug: 'globex',
      name: 'Globex',
      labels: [
        { key: 'region', value: 'eu' },
        { key: 'tier', value: 'gold' },
      ],
    });
    const response = await server.gql<{ updateTenant: Tenant }>(UPDATE_TENANT, {
      input: {
        slug: 'globex',
        name: 'Globex International',
        contacts: ['sre@globex.example'],
        labels: [{ key: 'region', value: 'us' }],
        blocked: true,
      },
    });
    const expected = {
      id: tenant.id,
      slug: 'globex',
      name: 'Globex International',
      contacts: ['sre@globex.example'],
      labels: [{ key: 'region', value: 'us' }],
      blocked: true,
    };
    expect(dataOf(response).updateTenant).toEqual(expected);
    expect(await tenantBySlug('globex')).toEqual(expected);
  });

  it('keeps fields that an update leaves out', async () => {
    await createTenant(server, { slug: 'initech', name: 'Initech', labels: [{ key: 'region', value: 'eu' }] });
    const response = await server.gql<{ updateTenant: Tenant }>(UPDATE_TENANT, {
      input: { slug: 'initech', name: 'Initech Ltd' },
    });
    expect(dataOf(response).updateTenant).toMatchObject({
      name: 'Initech Ltd',
      labels: [{ key: 'region', value: 'eu' }],
      blocked: false,
    });
  });

  it('records blocking, unblocking and other updates with before and after', async () => {
    const tenant = await createTenant(server, { slug: 'umbrella', name: 'Umbrella', labels: [{ key: 'region', value: 'eu' }] });
    await server.gql(UPDATE_TENANT, { input: { slug: 'umbrella', blocked: true } });
    await server.gql(UPDATE_TENANT, { input: { slug: 'umbrella', blocked: false } });
    await server.gql(UPDATE_TENANT, { input: { slug: 'umbrella', labels: [{ key: 'region', value: 'us' }] } });

    const { nodes } = await auditEvents(server, { subjectType: 'Tenant', subjectId: tenant.id });
    expect(nodes.map((event) => event.action)).toEqual(['tenant.update', 'tenant.unblock', 'tenant.block', 'tenant.create']);
    const [update, unblock, block] = nodes;
    expect(block).toMatchObject({ actor: ADMIN_ACTOR, before: { blocked: false }, after: { blocked: true } });
    expect(unblock).toMatchObject({ before: { blocked: true }, after: { blocked: false } });
    expect(update).toMatchObject({ before: { labels: { region: 'eu' } }, after: { labels: { region: 'us' } } });
  });

  it('answers NOT_FOUND for an update of an unknown tenant, writing no audit event', async () => {
    const response = await expectRefusedWithoutAudit('tenant.update', 'NOT_FOUND', () =>
      server.gql(UPDATE_TENANT, { input: { slug: 'no-such-tenant', name: 'Nobody' } }),
    );
    expect(response.errors?.[0]?.message).toContain('no-such-tenant');
  });

  it('refuses an update with bad labels as BAD_USER_INPUT and keeps the old labels', async () => {
    await createTenant(server, { slug: 'hooli', name: 'Hooli', labels: [{ key: 'region', value: 'eu' }] });
    await expectRefusedWithoutAudit('tenant.update', 'BAD_USER_INPUT', () =>
      server.gql(UPDATE_TENANT, { input: { slug: 'hooli', labels: [{ key: 'Bad Key', value: 'x' }] } }),
    );
    expect(await tenantBySlug('hooli')).toMatchObject({ labels: [{ key: 'region', value: 'eu' }] });
  });

  it('lets only an ADMIN update tenants: a RELEASE_MANAGER is FORBIDDEN', async () => {
    await createTenant(server, { slug: 'stark', name: 'Stark' });
    await expectRefusedWithoutAudit('tenant.update', 'FORBIDDEN', () =>
      server.gql(UPDATE_TENANT, { input: { slug: 'stark', name: 'Renamed' } }, releaseManager.token),
    );
    expect(await tenantBySlug('stark')).toMatchObject({ name: 'Stark' });
  });

  it('answers null for a tenant that does not exist', async () => {
    expect(await server.gql(TENANT_BY_SLUG, { slug: 'does-not-exist' })).toEqual({ data: { tenant: null } });
  });
});

describe('tenant list', () => {
  const TENANTS = `query ($first: Int, $after: String, $filter: TenantFilter) {
    tenants(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor } nodes { slug }
    }
  }`;

  interface TenantPage {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { slug: string }[];
  }

  async function tenantsPage(variables: Record<string, unknown>): Promise<TenantPage> {
    return dataOf(await server.gql<{ tenants: TenantPage }>(TENANTS, variables)).tenants;
  }

  async function slugsMatching(filter: Record<string, unknown>): Promise<string[]> {
    const page = await tenantsPage({ first: 100, filter });
    expect(page.totalCount).toBe(page.nodes.length);
    return page.nodes.map((node) => node.slug);
  }

  beforeAll(async () => {
    // Created out of slug order, with names in yet another order; "list-" in every slug lets the tests ignore
    // tenants the other tests make.
    await createTenant(server, {
      slug: 'list-c',
      name: 'Cyberdyne',
      labels: [
        { key: 'region', value: 'eu' },
        { key: 'tier', value: 'gold' },
      ],
    });
    await createTenant(server, {
      slug: 'list-a',
      name: 'Zeta Systems',
      labels: [
        { key: 'region', value: 'eu' },
        { key: 'tier', value: 'silver' },
      ],
    });
    await createTenant(server, {
      slug: 'list-e',
      name: 'Encom',
      labels: [
        { key: 'region', value: 'us' },
        { key: 'tier', value: 'gold' },
      ],
    });
    await createTenant(server, { slug: 'list-b', name: 'Black Mesa', labels: [{ key: 'region', value: 'eu' }] });
    await createTenant(server, { slug: 'list-d', name: 'Acme Dunder', labels: [{ key: 'tier', value: 'gold' }] });
    await server.gql(UPDATE_TENANT, { input: { slug: 'list-d', blocked: true } });
    await createInstallation(server, { tenantSlug: 'list-a', slug: 'main', tier: 'prod' });
    await createInstallation(server, { tenantSlug: 'list-c', slug: 'main', tier: 'qa' });
    await createInstallation(server, { tenantSlug: 'list-e', slug: 'main', tier: 'dev' });
  });

  it('orders tenants by slug', async () => {
    expect(await slugsMatching({ search: 'list-' })).toEqual(['list-a', 'list-b', 'list-c', 'list-d', 'list-e']);
  });

  it('pages through every tenant with endCursor, counting all matches on each page', async () => {
    const filter = { search: 'list-' };
    const first = await tenantsPage({ first: 2, filter });
    expect(first).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    expect(first.nodes.map((node) => node.slug)).toEqual(['list-a', 'list-b']);

    const second = await tenantsPage({ first: 2, after: first.pageInfo.endCursor, filter });
    expect(second).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    expect(second.nodes.map((node) => node.slug)).toEqual(['list-c', 'list-d']);

    const third = await tenantsPage({ first: 2, after: second.pageInfo.endCursor, filter });
    expect(third).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: false } });
    expect(third.nodes.map((node) => node.slug)).toEqual(['list-e']);
  });

  it('tells a Relay client where each page sits: hasPreviousPage and startCursor beside hasNextPage and endCursor', async () => {
    const RELAY = `query ($after: String) {
      tenants(first: 2, after: $after, filter: { search: "list-" }) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { slug } }
      }
    }`;
    type RelayPage = {
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
      edges: { cursor: string; node: { slug: string } }[];
    };
    const first = dataOf(await server.gql<{ tenants: RelayPage }>(RELAY)).tenants;
    expect(first.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: first.edges[0].cursor,
      endCursor: first.edges[1].cursor,
    });
    const second = dataOf(await server.gql<{ tenants: RelayPage }>(RELAY, { after: first.pageInfo.endCursor })).tenants;
    expect(second.edges.map((edge) => edge.node.slug)).toEqual(['list-c', 'list-d']);
    expect(second.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: second.edges[0].cursor,
      endCursor: second.edges[1].cursor,
    });
    const empty = dataOf(await server.gql(`{ tenants(first: 0) { pageInfo { hasPreviousPage startCursor endCursor } } }`));
    expect(empty).toEqual({ tenants: { pageInfo: { hasPreviousPage: false, startCursor: null, endCursor: null } } });
  });

  it('says there is no next page when the last page is exactly full', async () => {
    const page = await tenantsPage({ first: 5, filter: { search: 'list-' } });
    expect(page.nodes).toHaveLength(5);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('pages through the unfiltered list in slug order without skipping or repeating a tenant', async () => {
    const all = await tenantsPage({ first: 100 });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: TenantPage = await tenantsPage({ first: 3, after });
      expect(page.totalCount).toBe(all.totalCount);
      seen.push(...page.nodes.map((node) => node.slug));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.nodes.map((node) => node.slug));
    expect(seen).toHaveLength(all.totalCount);
  });

  it('accepts first up to 100 and refuses more as BAD_USER_INPUT', async () => {
    expect((await tenantsPage({ first: 100 })).nodes.length).toBeGreaterThan(0);
    const response = await server.gql(TENANTS, { first: 101 });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toContain('100');
  });

  it('refuses a negative first as BAD_USER_INPUT', async () => {
    expect(errorCode(await server.gql(TENANTS, { first: -1 }))).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['garbage text', 'garbage'],
    ['base64 of something that is not a list', Buffer.from('{"slug":"list-a"}').toString('base64url')],
    ['a list of the wrong length', Buffer.from('["list-a"]').toString('base64url')],
    ['the right length holding values of the wrong kind', Buffer.from('["list-a","not-an-id"]').toString('base64url')],
  ])('refuses an after cursor that is %s as BAD_USER_INPUT', async (_, after) => {
    const response = await server.gql(TENANTS, { first: 2, after });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toContain('after');
  });

  it('filters by text in the slug or name, ignoring case', async () => {
    expect(await slugsMatching({ search: 'MESA' })).toEqual(['list-b']);
    expect(await slugsMatching({ search: 'list-e' })).toEqual(['list-e']);
  });

  it('treats % and _ in the search text as plain characters', async () => {
    expect(await slugsMatching({ search: 'list_' })).toEqual([]);
    expect(await slugsMatching({ search: '%' })).toEqual([]);
  });

  it('filters by labels, matching only tenants that carry every given pair', async () => {
    expect(await slugsMatching({ search: 'list-', labels: [{ key: 'region', value: 'eu' }] })).toEqual([
      'list-a',
      'list-b',
      'list-c',
    ]);
    expect(
      await slugsMatching({
        search: 'list-',
        labels: [
          { key: 'region', value: 'eu' },
          { key: 'tier', value: 'gold' },
        ],
      }),
    ).toEqual(['list-c']);
    expect(
      await slugsMatching({
        labels: [
          { key: 'region', value: 'us' },
          { key: 'tier', value: 'silver' },
        ],
      }),
    ).toEqual([]);
  });

  it('filters by blocked', async () => {
    expect(await slugsMatching({ search: 'list-', blocked: true })).toEqual(['list-d']);
    expect(await slugsMatching({ search: 'list-', blocked: false })).toEqual(['list-a', 'list-b', 'list-c', 'list-e']);
  });

  it('filters by tiers: tenants with an installation on any of them', async () => {
    expect(await slugsMatching({ search: 'list-', tiers: ['prod'] })).toEqual(['list-a']);
    expect(await slugsMatching({ search: 'list-', tiers: ['qa', 'dev'] })).toEqual(['list-c', 'list-e']);
    expect(await slugsMatching({ search: 'list-', tiers: ['nonexistent'] })).toEqual([]);
  });

  it('combines filters, and counts only the matches', async () => {
    const page = await tenantsPage({
      first: 1,
      filter: { search: 'list-', labels: [{ key: 'tier', value: 'gold' }], blocked: false },
    });
    expect(page.totalCount).toBe(2);
    expect(page.nodes.map((node) => node.slug)).toEqual(['list-c']);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });
});

describe('installations', () => {
  const INSTALLATION_BY_ID = `query ($id: ID!) { installation(id: $id) { ${INSTALLATION_FIELDS} } }`;
  const INSTALLATIONS = `query ($first: Int, $after: String, $filter: InstallationFilter) {
    installations(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor } nodes { slug tenant { slug } }
    }
  }`;
  const SECRET = 'webhook-secret-0123456789abcdef';

  async function installationById(id: string): Promise<Installation | null> {
    return dataOf(await server.gql<{ installation: Installation | null }>(INSTALLATION_BY_ID, { id })).installation;
  }

  interface InstallationPage {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { slug: string; tenant: { slug: string } }[];
  }

  async function installationKeys(filter: Record<string, unknown>): Promise<string[]> {
    const response = await server.gql<{ installations: InstallationPage }>(INSTALLATIONS, { first: 100, filter });
    const { totalCount, nodes } = dataOf(response).installations;
    expect(totalCount).toBe(nodes.length);
    return nodes.map((node) => `${node.tenant.slug}/${node.slug}`);
  }

  beforeAll(async () => {
    await createTenant(server, { slug: 'inst-one', name: 'Installations One', labels: [{ key: 'region', value: 'eu' }] });
    await createTenant(server, { slug: 'inst-two', name: 'Installations Two', labels: [{ key: 'region', value: 'us' }] });
  });

  it('creates a SIMULATED installation with its settings and records it in the audit log', async () => {
    const installation = await createInstallation(server, {
      tenantSlug: 'inst-one',
      slug: 'prod',
      name: 'Production',
      tier: 'prod',
      labels: [
        { key: 'region', value: 'eu-west' },
        { key: 'size', value: 'large' },
      ],
      driver: 'SIMULATED',
      driverConfig: { delayMs: 50, fail: ['billing'] },
      requiresApproval: true,
    });
    expect(installation).toMatchObject({
      slug: 'prod',
      name: 'Production',
      driver: 'SIMULATED',
      driverConfig: { delayMs: 50, fail: ['billing'] },
      requiresApproval: true,
      frozen: false,
      tenant: { slug: 'inst-one' },
      tier: { name: 'prod' },
      labels: [
        { key: 'region', value: 'eu-west' },
        { key: 'size', value: 'large' },
      ],
    });
    expect(await installationById(installation.id)).toEqual(installation);

    const { nodes } = await auditEvents(server, { subjectType: 'Installation', subjectId: installation.id });
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      actor: ADMIN_ACTOR,
      action: 'installation.create',
      before: null,
      after: {
        id: installation.id,
        slug: 'prod',
        driver: 'SIMULATED',
        driverConfig: { delayMs: 50, fail: ['billing'] },
        requiresApproval: true,
      },
    });
  });

  it('defaults to the SIMULATED driver, no approval and not frozen', async () => {
    const installation = await createInstallation(server, { tenantSlug: 'inst-one', tier: 'dev' });
    expect(installation).toMatchObject({ driver: 'SIMULATED', driverConfig: {}, requiresApproval: false, frozen: false });
  });

  it('refuses a second installation with the same slug in one tenant as CONFLICT', async () => {
    await createInstallation(server, { tenantSlug: 'inst-one', slug: 'qa', tier: 'qa' });
    await expectRefusedWithoutAudit('installation.create', 'CONFLICT', () =>
      server.gql(CREATE_INSTALLATION, { input: { tenantSlug: 'inst-one', slug: 'qa', name: 'Again', tier: 'dev' } }),
    );
    expect(await installationKeys({ tenantSlugs: ['inst-one'], search: 'qa' })).toEqual(['inst-one/qa']);
  });

  it('allows the same installation slug in another tenant', async () => {
    await createInstallation(server, { tenantSlug: 'inst-one', slug: 'shared-slug', tier: 'qa' });
    const other = await createInstallation(server, { tenantSlug: 'inst-two', slug: 'shared-slug', tier: 'qa' });
    expect(other).toMatchObject({ slug: 'shared-slug', tenant: { slug: 'inst-two' } });
    expect(await installationKeys({ search: 'shared-slug' })).toEqual(['inst-one/shared-slug', 'inst-two/shared-slug']);
  });

  it('answers NOT_FOUND for an unknown tier or tenant, writing no audit event', async () => {
    const unknownTier = await expectRefusedWithoutAudit('installation.create', 'NOT_FOUND', () =>
      server.gql(CREATE_INSTALLATION, { input: { tenantSlug: 'inst-one', slug: 'perf', name: 'Perf', tier: 'perf' } }),
    );
    expect(unknownTier.errors?.[0]?.message).toContain('perf');
    const unknownTenant = await expectRefusedWithoutAudit('installation.create', 'NOT_FOUND', () =>
      server.gql(CREATE_INSTALLATION, { input: { tenantSlug: 'no-such-tenant', slug: 'perf', name: 'Perf', tier: 'qa' } }),
    );
    expect(unknownTenant.errors?.[0]?.message).toContain('no-such-tenant');
  });

  it.each([
    ['a WEBHOOK driver without a url', 'WEBHOOK', { secret: SECRET }],
    ['a WEBHOOK driver with a url that is not http(s)', 'WEBHOOK', { url: 'ftp://orchestrator.example/deploy', secret: SECRET }],
    ['a WEBHOOK driver with a short secret', 'WEBHOOK', { url: 'https://orchestrator.example/deploy', secret: 'short' }],
    ['a SIMULATED driver with a setting it does not know', 'SIMULATED', { delayMs: 10, url: 'https://x.example' }],
    ['a SIMULATED driver with a negative delay', 'SIMULATED', { delayMs: -5 }],
  ])('refuses driver settings that do not suit the driver (%s) as BAD_USER_INPUT', async (_, driver, driverConfig) => {
    const slug = uniqueSlug('bad-driver');
    const response = await expectRefusedWithoutAudit('installation.create', 'BAD_USER_INPUT', () =>
      server.gql(CREATE_INSTALLATION, {
        input: { tenantSlug: 'inst-one', slug, name: 'Bad driver', tier: 'qa', driver, driverConfig },
      }),
    );
    expect(response.errors?.[0]?.message).toContain('driverConfig');
    expect(await installationKeys({ search: slug })).toEqual([]);
  });

  it('refuses driver settings larger than 16 KB as BAD_USER_INPUT naming driverConfig, on create and on update', async () => {
    const slug = uniqueSlug('big-driver');
    const oversized = { instructions: 'x'.repeat(16 * 1024) };
    const created = await expectRefusedWithoutAudit('installation.create', 'BAD_USER_INPUT', () =>
      server.gql(CREATE_INSTALLATION, {
        input: { tenantSlug: 'inst-one', slug, name: 'Big driver', tier: 'qa', driver: 'MANUAL', driverConfig: oversized },
      }),
    );
    expect(created.errors?.[0]?.message).toMatch(/driverConfig: must be at most 16 KB/);
    expect(await installationKeys({ search: slug })).toEqual([]);

    const fits = { instructions: 'x'.repeat(15 * 1024) };
    const installation = await createInstallation(server, {
      tenantSlug: 'inst-one',
      slug,
      name: 'Big driver',
      tier: 'qa',
      driver: 'MANUAL',
      driverConfig: fits,
    });
    const updated = await expectRefusedWithoutAudit('installation.update', 'BAD_USER_INPUT', () =>
      server.gql(UPDATE_INSTALLATION, { input: { tenantSlug: 'inst-one', slug, driverConfig: oversized } }),
    );
    expect(updated.errors?.[0]?.message).toMatch(/driverConfig: must be at most 16 KB/);
    expect((await installationById(installation.id))?.driverConfig).toEqual(fits);
  });

  it('never reads a WEBHOOK secret back, in the API or in the audit log', async () => {
    const response = await server.gql<{ createInstallation: Installation }>(CREATE_INSTALLATION, {
      input: {
        tenantSlug: 'inst-two',
        slug: 'hooked',
        name: 'Hooked',
        tier: 'prod',
        driver: 'WEBHOOK',
        driverConfig: { url: 'https://orchestrator.example/deploy', secret: SECRET, headers: { 'x-team': 'ops' } },
      },
    });
    const created = dataOf(response).createInstallation;
    const redacted = { url: 'https://orchestrator.example/deploy', secret: '********', headers: { 'x-team': '********' } };
    expect(created.driverConfig).toEqual(redacted);
    expect(JSON.stringify(response)).not.toContain(SECRET);

    const byId = await server.gql(INSTALLATION_BY_ID, { id: created.id });
    expect(dataOf(byId).installation.driverConfig).toEqual(redacted);
    const listed = await server.gql(
      'query ($filter: InstallationFilter) { installations(filter: $filter) { nodes { driverConfig } } }',
      { filter: { ids: [created.id] } },
    );
    expect(dataOf(listed).installations.nodes).toEqual([{ driverConfig: redacted }]);

    // A change that keeps the secret must not leak it either.
    await server.gql(UPDATE_INSTALLATION, { input: { tenantSlug: 'inst-two', slug: 'hooked', name: 'Hooked again' } });
    const audit = await auditEvents(server, { subjectType: 'Installation', subjectId: created.id });
    const [update, create] = audit.nodes;
    expect(audit.nodes.map((event) => event.action)).toEqual(['installation.update', 'installation.create']);
    expect(create.after).toMatchObject({ driverConfig: redacted });
    expect(update.before).toMatchObject({ driverConfig: redacted });
    expect(update.after).toMatchObject({ driverConfig: redacted });
    for (const body of [byId, listed, audit]) expect(JSON.stringify(body)).not.toContain(SECRET);
  });

  it('keeps a WEBHOOK secret that is sent back as ******** while other settings change', async () => {
    const created = dataOf(
      await server.gql<{ createInstallation: Installation }>(CREATE_INSTALLATION, {
        input: {
          tenantSlug: 'inst-two',
          slug: 'rehooked',
          name: 'Rehooked',
          tier: 'prod',
          driver: 'WEBHOOK',
          driverConfig: { url: 'https://old.example/deploy', secret: SECRET },
        },
      }),
    ).createInstallation;
    const updated = await server.gql(UPDATE_INSTALLATION, {
      input: {
        tenantSlug: 'inst-two',
        slug: 'rehooked',
        driverConfig: { ...created.driverConfig, url: 'https://new.example/deploy' },
      },
    });
    expect(dataOf(updated).updateInstallation.driverConfig).toEqual({ url: 'https://new.example/deploy', secret: '********' });
    const [row] = await server.dataSource.query('SELECT driver_config FROM installation WHERE id = $1', [created.id]);
    expect(row.driver_config).toEqual({ url: 'https://new.example/deploy', secret: SECRET });
  });

  it('updates what the input names, replaces labels, and records before and after', async () => {
    const installation = await createInstallation(server, {
      tenantSlug: 'inst-one',
      slug: 'staging',
      name: 'Staging',
      tier: 'qa',
      labels: [
        { key: 'region', value: 'eu' },
        { key: 'size', value: 'small' },
      ],
      driver: 'SIMULATED',
      driverConfig: { delayMs: 10 },
    });
    const response = await server.gql<{ updateInstallation: Installation }>(UPDATE_INSTALLATION, {
      input: {
        tenantSlug: 'inst-one',
        slug: 'staging',
        name: 'Staging EU',
        tier: 'prod',
        labels: [{ key: 'size', value: 'large' }],
        driver: 'MANUAL',
        driverConfig: { instructions: 'Ask the on-call engineer' },
        requiresApproval: true,
      },
    });
    const expected = {
      ...installation,
      name: 'Staging EU',
      tier: { name: 'prod' },
      labels: [{ key: 'size', value: 'large' }],
      driver: 'MANUAL',
      driverConfig: { instructions: 'Ask the on-call engineer' },
      requiresApproval: true,
      frozen: false,
    };
    expect(dataOf(response).updateInstallation).toEqual(expected);
    expect(await installationById(installation.id)).toEqual(expected);

    const { nodes } = await auditEvents(server, { subjectType: 'Installation', subjectId: installation.id });
    expect(nodes.map((event) => event.action)).toEqual(['installation.update', 'installation.create']);
    expect(nodes[0]).toMatchObject({
      actor: ADMIN_ACTOR,
      before: { name: 'Staging', labels: { region: 'eu', size: 'small' }, driver: 'SIMULATED', requiresApproval: false },
      after: {
        name: 'Staging EU',
        labels: { size: 'large' },
        driver: 'MANUAL',
        driverConfig: { instructions: 'Ask the on-call engineer' },
        requiresApproval: true,
      },
    });
  });

  it('keeps the driver settings when an update leaves them out', async () => {
    const installation = await createInstallation(server, {
      tenantSlug: 'inst-one',
      tier: 'dev',
      driver: 'SIMULATED',
      driverConfig: { delayMs: 25, fail: ['api'] },
    });
    const response = await server.gql(UPDATE_INSTALLATION, {
      input: { tenantSlug: 'inst-one', slug: installation.slug, requiresApproval: true },
    });
    expect(dataOf(response).updateInstallation).toMatchObject({
      driver: 'SIMULATED',
      driverConfig: { delayMs: 25, fail: ['api'] },
      requiresApproval: true,
    });
  });

  it('refuses a change to the WEBHOOK driver without its settings as BAD_USER_INPUT, changing nothing', async () => {
    const installation = await createInstallation(server, { tenantSlug: 'inst-one', tier: 'dev' });
    await expectRefusedWithoutAudit('installation.update', 'BAD_USER_INPUT', () =>
      server.gql(UPDATE_INSTALLATION, { input: { tenantSlug: 'inst-one', slug: installation.slug, driver: 'WEBHOOK' } }),
    );
    expect(await installationById(installation.id)).toEqual(installation);
  });

  it('records freezing as installation.freeze and thawing as installation.unfreeze', async () => {
    const installation = await createInstallation(server, { tenantSlug: 'inst-two', slug: 'frosty', tier: 'prod' });
    const frozen = await server.gql(UPDATE_INSTALLATION, { input: { tenantSlug: 'inst-two', slug: 'frosty', frozen: true } });
    expect(dataOf(frozen).updateInstallation.frozen).toBe(true);
    expect((await installationById(installation.id))?.frozen).toBe(true);
    await server.gql(UPDATE_INSTALLATION, { input: { tenantSlug: 'inst-two', slug: 'frosty', frozen: false } });

    const { nodes } = await auditEvents(server, { subjectType: 'Installation', subjectId: installation.id });
    expect(nodes.map((event) => event.action)).toEqual(['installation.unfreeze', 'installation.freeze', 'installation.create']);
    expect(nodes[1]).toMatchObject({ actor: ADMIN_ACTOR, before: { frozen: false }, after: { frozen: true } });
    expect(nodes[0]).toMatchObject({ before: { frozen: true }, after: { frozen: false } });
  });

  it('answers NOT_FOUND for an update of an unknown installation or tenant, writing no audit event', async () => {
    const unknownInstallation = await expectRefusedWithoutAudit('installation.update', 'NOT_FOUND', () =>
      server.gql(UPDATE_INSTALLATION, { input: { tenantSlug: 'inst-one', slug: 'nope', name: 'Nope' } }),
    );
    expect(unknownInstallation.errors?.[0]?.message).toContain('inst-one/nope');
    await expectRefusedWithoutAudit('installation.update', 'NOT_FOUND', () =>
      server.gql(UPDATE_INSTALLATION, { input: { tenantSlug: 'no-such-tenant', slug: 'prod', name: 'Nope' } }),
    );
  });

  it('lists a tenant’s installations by slug, page by page, with their count', async () => {
    await createTenant(server, { slug: 'paged', name: 'Paged' });
    for (const [slug, tier] of [
      ['web-c', 'prod'],
      ['web-a', 'dev'],
      ['web-b', 'qa'],
    ]) {
      await createInstallation(server, { tenantSlug: 'paged', slug, tier, labels: [{ key: 'app', value: slug }] });
    }
    const query = `query ($after: String) {
      tenant(slug: "paged") {
        installationCount
        installations(first: 2, after: $after) {
          totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { slug tier { name } labels { key value } }
        }
      }
    }`;
    const first = dataOf(await server.gql(query)).tenant;
    expect(first.installationCount).toBe(3);
    expect(first.installations).toMatchObject({
      totalCount: 3,
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: expect.any(String) },
      nodes: [
        { slug: 'web-a', tier: { name: 'dev' }, labels: [{ key: 'app', value: 'web-a' }] },
        { slug: 'web-b', tier: { name: 'qa' }, labels: [{ key: 'app', value: 'web-b' }] },
      ],
    });
    const second = dataOf(await server.gql(query, { after: first.installations.pageInfo.endCursor })).tenant;
    expect(second.installations).toMatchObject({
      totalCount: 3,
      pageInfo: { hasNextPage: false, hasPreviousPage: true },
      nodes: [{ slug: 'web-c', tier: { name: 'prod' }, labels: [{ key: 'app', value: 'web-c' }] }],
    });
  });

  describe('across tenants', () => {
    beforeAll(async () => {
      await createTenant(server, {
        slug: 'find-eu',
        name: 'Finder Europe',
        labels: [
          { key: 'region', value: 'eu' },
          { key: 'cohort', value: 'early' },
        ],
      });
      await createTenant(server, { slug: 'find-us', name: 'Finder America', labels: [{ key: 'region', value: 'us' }] });
      await createInstallation(server, {
        tenantSlug: 'find-eu',
        slug: 'prod',
        name: 'Frankfurt production',
        tier: 'prod',
        labels: [{ key: 'cloud', value: 'aws' }],
      });
      await createInstallation(server, {
        tenantSlug: 'find-eu',
        slug: 'qa',
        tier: 'qa',
        labels: [
          { key: 'cloud', value: 'aws' },
          { key: 'size', value: 'small' },
        ],
      });
      await createInstallation(server, {
        tenantSlug: 'find-us',
        slug: 'prod',
        name: 'Ohio production',
        tier: 'prod',
        labels: [{ key: 'cloud', value: 'gcp' }],
      });
      await createInstallation(server, {
        tenantSlug: 'find-us',
        slug: 'dev',
        tier: 'dev',
        labels: [{ key: 'size', value: 'small' }],
      });
    });

    const finders = { tenantSlugs: ['find-eu', 'find-us'] };

    it('lists installations by tenant slug, then installation slug', async () => {
      expect(await installationKeys(finders)).toEqual(['find-eu/prod', 'find-eu/qa', 'find-us/dev', 'find-us/prod']);
    });

    it('filters by tenant slugs', async () => {
      expect(await installationKeys({ tenantSlugs: ['find-us'] })).toEqual(['find-us/dev', 'find-us/prod']);
      expect(await installationKeys({ tenantSlugs: ['no-such-tenant'] })).toEqual([]);
    });

    it('filters by tiers', async () => {
      expect(await installationKeys({ ...finders, tiers: ['prod'] })).toEqual(['find-eu/prod', 'find-us/prod']);
      expect(await installationKeys({ ...finders, tiers: ['dev', 'qa'] })).toEqual(['find-eu/qa', 'find-us/dev']);
    });

    it('filters by installation labels, matching every given pair', async () => {
      expect(await installationKeys({ ...finders, labels: [{ key: 'cloud', value: 'aws' }] })).toEqual([
        'find-eu/prod',
        'find-eu/qa',
      ]);
      expect(
        await installationKeys({
          ...finders,
          labels: [
            { key: 'cloud', value: 'aws' },
            { key: 'size', value: 'small' },
          ],
        }),
      ).toEqual(['find-eu/qa']);
    });

    it('filters by tenant labels, matching every given pair', async () => {
      expect(await installationKeys({ ...finders, tenantLabels: [{ key: 'region', value: 'us' }] })).toEqual([
        'find-us/dev',
        'find-us/prod',
      ]);
      expect(
        await installationKeys({
          ...finders,
          tenantLabels: [
            { key: 'region', value: 'eu' },
            { key: 'cohort', value: 'early' },
          ],
        }),
      ).toEqual(['find-eu/prod', 'find-eu/qa']);
      expect(
        await installationKeys({
          ...finders,
          tenantLabels: [
            { key: 'region', value: 'us' },
            { key: 'cohort', value: 'early' },
          ],
        }),
      ).toEqual([]);
    });

    it('filters by text in the installation or tenant slug or name', async () => {
      expect(await installationKeys({ search: 'frankfurt' })).toEqual(['find-eu/prod']);
      expect(await installationKeys({ search: 'Finder America' })).toEqual(['find-us/dev', 'find-us/prod']);
      expect(await installationKeys({ ...finders, search: 'dev' })).toEqual(['find-us/dev']);
    });

    it('pages through the matches with endCursor', async () => {
      const page = async (after: string | null) =>
        dataOf(await server.gql<{ installations: InstallationPage }>(INSTALLATIONS, { first: 3, after, filter: finders }))
          .installations;
      const first = await page(null);
      expect(first.totalCount).toBe(4);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = await page(first.pageInfo.endCursor);
      expect(second.pageInfo.hasNextPage).toBe(false);
      expect([...first.nodes, ...second.nodes].map((node) => `${node.tenant.slug}/${node.slug}`)).toEqual([
        'find-eu/prod',
        'find-eu/qa',
        'find-us/dev',
        'find-us/prod',
      ]);
    });

    it('finds an installation by id and answers null for an unknown or malformed id', async () => {
      const [node] = dataOf(
        await server.gql(
          'query { installations(filter: { tenantSlugs: ["find-us"], tiers: ["dev"] }) { nodes { id slug tenant { slug } } } }',
        ),
      ).installations.nodes;
      expect(await installationById(node.id)).toMatchObject({ id: node.id, slug: 'dev', tenant: { slug: 'find-us' } });
      expect(await server.gql(INSTALLATION_BY_ID, { id: randomUUID() })).toEqual({ data: { installation: null } });
      expect(await server.gql(INSTALLATION_BY_ID, { id: 'not-an-id' })).toEqual({ data: { installation: null } });
    });
  });

  describe('roles', () => {
    it.each([
      ['VIEWER', () => viewer],
      ['OPERATOR', () => operator],
    ])('refuses a %s creating an installation as FORBIDDEN', async (_, caller) => {
      const slug = uniqueSlug('by-role');
      await expectRefusedWithoutAudit('installation.create', 'FORBIDDEN', () =>
        server.gql(
          CREATE_INSTALLATION,
          { input: { tenantSlug: 'inst-one', slug, name: 'By role', tier: 'dev' } },
          caller().token,
        ),
      );
      expect(await installationKeys({ search: slug })).toEqual([]);
    });

    it.each([
      ['VIEWER', () => viewer],
      ['OPERATOR', () => operator],
    ])('refuses a %s updating an installation as FORBIDDEN', async (_, caller) => {
      const installation = await createInstallation(server, { tenantSlug: 'inst-one', tier: 'dev' });
      await expectRefusedWithoutAudit('installation.freeze', 'FORBIDDEN', () =>
        server.gql(
          UPDATE_INSTALLATION,
          { input: { tenantSlug: 'inst-one', slug: installation.slug, frozen: true } },
          caller().token,
        ),
      );
      expect((await installationById(installation.id))?.frozen).toBe(false);
    });

    it('lets a RELEASE_MANAGER create and update installations, recorded under its name', async () => {
      const installation = await createInstallation(server, { tenantSlug: 'inst-one', tier: 'qa' }, releaseManager.token);
      await server.gql(
        UPDATE_INSTALLATION,
        { input: { tenantSlug: 'inst-one', slug: installation.slug, frozen: true } },
        releaseManager.token,
      );
      const { nodes } = await auditEvents(server, { subjectType: 'Installation', subjectId: installation.id });
      expect(nodes.map((event) => [event.action, event.actor])).toEqual([
        ['installation.freeze', `token:${releaseManager.name}`],
        ['installation.create', `token:${releaseManager.name}`],
      ]);
    });

    it('lets a VIEWER read tenants and installations', async () => {
      const response = await server.gql(
        '{ tenant(slug: "inst-one") { slug installationCount installations { totalCount } } installations { totalCount } }',
        {},
        viewer.token,
      );
      const data = dataOf(response);
      expect(data.tenant.slug).toBe('inst-one');
      expect(data.tenant.installations.totalCount).toBe(data.tenant.installationCount);
      expect(data.installations.totalCount).toBeGreaterThan(0);
    });
  });
});
