import fs from 'node:fs';
import path from 'node:path';
import { createSchema, printApiSchema } from '../../src/graphql/schema';
import { dataOf, errorCode, startTestServer, type QueryCounter, type TestServer } from '../support/server';

const queries: QueryCounter = { count: 0 };
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, queries);
});
afterAll(() => server.close());

describe('the schema', () => {
  it('matches shared/schema.graphql (run `pnpm codegen` after changing the API)', async () => {
    const checkedIn = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'shared', 'schema.graphql'), 'utf8');
    expect(printApiSchema(await createSchema())).toBe(checkedIn);
  });

  it('is what the migrations build: the entities need no further migration', async () => {
    const pending = await server.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });
});

describe('limits', () => {
  it('refuses a page larger than the cap', async () => {
    const response = await server.gql('{ tenants(first: 101) { totalCount } }');
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toContain('at most 100');
  });

  it('refuses a query nested deeper than the depth limit', async () => {
    let selection = 'slug';
    for (let depth = 0; depth < 8; depth++) selection = `tenant { installations { nodes { ${selection} } } }`;
    const response = await server.gql(`{ installations { nodes { ${selection} } } }`);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors![0].message).toMatch(/depth/i);
  });

  it('refuses a query whose cost is over the limit, and says so', async () => {
    const response = await server.gql(
      '{ tenants(first: 100) { nodes { installations(first: 100) { nodes { tenant { slug name } tier { name } } } } } }',
    );
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/too expensive/);
    expect(response.errors![0].extensions).toMatchObject({ maxCost: 20000 });
  });

  it('refuses a query with too many aliases', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: viewer { name }`).join(' ');
    expect(errorCode(await server.gql(`{ ${aliases} }`))).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('errors', () => {
  it('does not suggest field names outside development', async () => {
    const response = await server.gql('{ tenantz { totalCount } }');
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors![0].message).not.toMatch(/did you mean/i);
  });

  it('says which input is wrong and why', async () => {
    const response = await server.gql(`mutation { createTenant(input: { slug: "Not A Slug", name: "" }) { id } }`);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toContain('slug must be 1-63 lowercase letters');
    expect(response.errors![0].message).toContain('name must not be empty');
    expect(response.errors![0].extensions).not.toHaveProperty('stacktrace');
  });
});

describe('CSRF prevention', () => {
  it('refuses a GET query that a browser could send cross-site', async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ viewer { name } }')}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Cross-Site Request Forgery');
  });

  it('refuses a form-encoded POST', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${server.adminToken}` },
      body: 'query=%7Bviewer%7Bname%7D%7D',
    });
    expect(response.status).toBe(400);
  });
});

describe('health', () => {
  it('answers /healthz with 200 once ready', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('batching', () => {
  async function makeTenants(prefix: string, count: number) {
    for (let i = 0; i < count; i++) {
      dataOf(
        await server.gql(
          `mutation ($slug: String!) { createTenant(input: { slug: $slug, name: $slug, labels: [{ key: "batch", value: "${prefix}" }] }) { id } }`,
          {
            slug: `${prefix}-${i}`,
          },
        ),
      );
      for (const environment of ['prod', 'qa']) {
        dataOf(
          await server.gql(
            `mutation ($tenant: String!, $slug: String!) { createInstallation(input: { tenantSlug: $tenant, slug: $slug, name: $slug, tier: "prod" }) { id } }`,
            { tenant: `${prefix}-${i}`, slug: environment },
          ),
        );
      }
    }
  }

  async function queriesFor(prefix: string) {
    const before = queries.count;
    const response = await server.gql(
      `query ($v: String!) { tenants(first: 50, filter: { labels: [{ key: "batch", value: $v }] }) {
        totalCount nodes { slug installationCount labels { key } installations(first: 5) { totalCount nodes { slug tier { name } tenant { slug } } } } } }`,
      { v: prefix },
    );
    dataOf(response);
    return { count: queries.count - before, response };
  }

  it('answers a page of tenants with their installations in the same number of queries for 2 tenants as for 12', async () => {
    dataOf(await server.gql(`mutation { createEnvironmentTier(input: { name: "prod", rank: 40 }) { id } }`));
    await makeTenants('small', 2);
    await makeTenants('large', 12);
    const small = await queriesFor('small');
    const large = await queriesFor('large');
    expect((large.response.data as { tenants: { nodes: unknown[] } }).tenants.nodes).toHaveLength(12);
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(8);
  });
});

describe('introspection', () => {
  const introspect = (target: TestServer) => target.gql('{ __schema { queryType { name } } }');

  it('can be switched off', async () => {
    const closed = await startTestServer({ SHIPLOG_INTROSPECTION: 'false' });
    try {
      const response = await introspect(closed);
      expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(response.errors![0].message).toMatch(/introspection/i);
    } finally {
      await closed.close();
    }
  });

  it('can be switched on', async () => {
    const open = await startTestServer({ SHIPLOG_INTROSPECTION: 'true' });
    try {
      expect(dataOf(await introspect(open))).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await open.close();
    }
  });
});

describe('an unexpected failure', () => {
  it('is answered as INTERNAL_SERVER_ERROR without SQL or a stack trace', async () => {
    const broken = await startTestServer();
    try {
      await broken.dataSource.query('DROP TABLE environment_tier CASCADE');
      const response = await broken.gql('{ environmentTiers { name } }');
      expect(errorCode(response)).toBe('INTERNAL_SERVER_ERROR');
      expect(response.errors![0].message).toBe('Internal server error');
      expect(JSON.stringify(response)).not.toMatch(/environment_tier|relation|SELECT|at .*\.ts/);
    } finally {
      await broken.close();
    }
  });
});
