import { createFleet } from '../factories/rollouts';
import { createSignedInUser, createTier } from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createTier(server, { name: 'dev', rank: 10 });
  await createFleet(
    server,
    [
      { tenant: 'early-one', slug: 'prod', tier: 'dev', labels: [{ key: 'zone', value: 'a' }] },
      { tenant: 'early-two', slug: 'prod', tier: 'dev' },
      { tenant: 'late', slug: 'prod', tier: 'dev' },
    ],
    {
      'early-one': [
        { key: 'cohort', value: 'early-adopter' },
        { key: 'region', value: 'eu' },
      ],
      'early-two': [{ key: 'cohort', value: 'early-adopter' }],
      late: [
        { key: 'cohort', value: 'late-majority' },
        { key: 'secret-project', value: 'falcon' },
      ],
    },
  );
});
afterAll(() => server.close());

async function suggestions(args: { of?: string; search?: string; first?: number }, token?: string) {
  const response = await server.gql<{ labelSuggestions: { key: string; value: string }[] }>(
    `query ($of: LabelOwner, $search: String, $first: Int) { labelSuggestions(of: $of, search: $search, first: $first) { key value } }`,
    args,
    token,
  );
  return dataOf(response).labelSuggestions.map((label) => `${label.key}=${label.value}`);
}

describe('labelSuggestions', () => {
  it('suggests the labels tenants carry, most used first, narrowed by what was typed', async () => {
    expect(await suggestions({})).toEqual(['cohort=early-adopter', 'cohort=late-majority', 'region=eu', 'secret-project=falcon']);
    expect(await suggestions({ search: 'EARLY' })).toEqual(['cohort=early-adopter']);
    expect(await suggestions({ search: 'cohort=l' })).toEqual(['cohort=late-majority']);
    expect(await suggestions({ first: 1 })).toEqual(['cohort=early-adopter']);
    expect(await suggestions({ of: 'INSTALLATION' })).toEqual(['zone=a']);
  });

  it("shows a tenant-scoped caller only its own tenants' labels", async () => {
    const viewer = await createSignedInUser(server, { role: 'VIEWER', tenantSlugs: ['early-two'] });
    expect(await suggestions({}, viewer.token)).toEqual(['cohort=early-adopter']);
    expect(await suggestions({ search: 'falcon' }, viewer.token)).toEqual([]);
  });

  it('refuses a page larger than the cap', async () => {
    const response = await server.gql(`{ labelSuggestions(first: 1001) { key } }`);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });
});
