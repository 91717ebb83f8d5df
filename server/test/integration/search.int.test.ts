import { createPrincipal, type TestPrincipal } from '../factories/principals';
import { createApplications, createFleet, createTiers, lockedRelease, resetTracks } from '../factories/rollouts';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

/** The search box: tenants, installations, releases and artifacts, within what the caller may see. */

let server: TestServer;
let scopedViewer: TestPrincipal;
let ids: Record<string, string>;

const DIGEST = 'sha256:7f3a9c0e5b2d4f6a8c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a';

const SEARCH = `query ($query: String!, $first: Int) {
  search(query: $query, first: $first) {
    __typename
    ... on Tenant { slug }
    ... on Installation { slug tenant { slug } }
    ... on Release { version status track { slug } }
    ... on Artifact { version digest application { slug } }
  }
}`;

async function search(query: string, first?: number, token?: string) {
  return dataOf(await server.gql<{ search: Record<string, any>[] }>(SEARCH, { query, first }, token)).search;
}

beforeAll(async () => {
  server = await startTestServer();
  resetTracks();
  await createTiers(server);
  ids = await createFleet(server, [
    { tenant: 'northwind', slug: 'prod', tier: 'prod' },
    { tenant: 'northwind', slug: 'qa', tier: 'qa' },
    { tenant: 'southwind', slug: 'prod', tier: 'prod' },
  ]);
  await createApplications(server, ['billing'], ['4.2.0']);
  dataOf(
    await server.gql(`mutation ($input: RegisterArtifactInput!) { registerArtifact(input: $input) { id } }`, {
      input: { applicationSlug: 'billing', version: '4.3.0', imageRef: `registry.example/billing@${DIGEST}`, digest: DIGEST },
    }),
  );
  await lockedRelease(server, '4.2.0', [{ app: 'billing', version: '4.2.0', stage: 1 }]);
  dataOf(await server.gql(`mutation { createRelease(input: { trackSlug: "product", version: "4.2.1" }) { id } }`));
  scopedViewer = await createPrincipal(server, 'VIEWER', { tenantSlugs: ['northwind'] });
});
afterAll(() => server.close());

describe('search', () => {
  it('finds tenants and their installations by slug or name', async () => {
    expect(await search('wind')).toEqual([
      { __typename: 'Tenant', slug: 'northwind' },
      { __typename: 'Tenant', slug: 'southwind' },
      { __typename: 'Installation', slug: 'prod', tenant: { slug: 'northwind' } },
      { __typename: 'Installation', slug: 'qa', tenant: { slug: 'northwind' } },
      { __typename: 'Installation', slug: 'prod', tenant: { slug: 'southwind' } },
    ]);
    expect(await search('northwind/qa')).toEqual([{ __typename: 'Installation', slug: 'qa', tenant: { slug: 'northwind' } }]);
  });

  it('finds releases and artifacts by version, and an artifact by its digest with or without sha256:', async () => {
    expect(await search('4.2')).toEqual([
      { __typename: 'Release', version: '4.2.1', status: 'DRAFT', track: { slug: 'product' } },
      { __typename: 'Release', version: '4.2.0', status: 'LOCKED', track: { slug: 'product' } },
      { __typename: 'Artifact', version: '4.2.0', digest: null, application: { slug: 'billing' } },
    ]);
    const byDigest = [{ __typename: 'Artifact', version: '4.3.0', digest: DIGEST, application: { slug: 'billing' } }];
    expect(await search(DIGEST.slice(0, 20))).toEqual(byDigest);
    expect(await search('7f3a9c0e5b2d')).toEqual(byDigest);
  });

  it('gives each kind a share of first', async () => {
    const hits = await search('r', 4);
    expect(hits).toHaveLength(4);
    expect(new Set(hits.map((hit) => hit.__typename))).toEqual(new Set(['Tenant', 'Installation', 'Artifact', 'Release']));
  });

  it('answers nothing for blank text, and refuses a first beyond the cap or a novel-length query', async () => {
    expect(await search('   ')).toEqual([]);
    expect(errorCode(await server.gql(SEARCH, { query: 'wind', first: 51 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await server.gql(SEARCH, { query: 'x'.repeat(201) }))).toBe('BAD_USER_INPUT');
  });

  it('treats % and _ as the characters they are', async () => {
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
  });

  it("finds for a tenant's viewer only its tenant and installations, and no drafts", async () => {
    expect(await search('wind', undefined, scopedViewer.token)).toEqual([
      { __typename: 'Tenant', slug: 'northwind' },
      { __typename: 'Installation', slug: 'prod', tenant: { slug: 'northwind' } },
      { __typename: 'Installation', slug: 'qa', tenant: { slug: 'northwind' } },
    ]);
    expect(await search('southwind', undefined, scopedViewer.token)).toEqual([]);
    expect(await search(ids['southwind/prod'].slice(0, 8), undefined, scopedViewer.token)).toEqual([]);
    expect((await search('4.2', undefined, scopedViewer.token)).map((hit) => `${hit.__typename} ${hit.version}`)).toEqual([
      'Release 4.2.0',
      'Artifact 4.2.0',
    ]);
  });

  it('needs a signed-in caller', async () => {
    expect(errorCode(await server.gql(SEARCH, { query: 'wind' }, null))).toBe('UNAUTHENTICATED');
  });
});
