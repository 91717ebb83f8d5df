import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { AuthService } from '../../src/auth/auth.service';
import { connectWebSocket, until } from '../support/subscriptions';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const PASSWORD = 'correct horse battery staple';

async function createUser(username: string, role: string, tenantSlugs?: string[]) {
  return server.gql(`mutation ($input: CreateUserInput!) { createUser(input: $input) { id username role tenants { slug } } }`, {
    input: { username, password: PASSWORD, role, tenantSlugs },
  });
}

async function signIn(username: string, password = PASSWORD) {
  return server.gql<{ signIn: { token: string; expiresAt: string; user: { username: string } } }>(
    `mutation ($input: SignInInput!) { signIn(input: $input) { token expiresAt user { username } } }`,
    { input: { username, password } },
    null,
  );
}

async function createToken(name: string, role: string, tenantSlugs?: string[], token?: string) {
  return server.gql<{ createApiToken: { id: string; token: string; prefix: string; role: string } }>(
    `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { id token prefix role } }`,
    { input: { name, role, tenantSlugs } },
    token,
  );
}

describe('requests without a valid token', () => {
  it.each([
    ['viewer', '{ viewer { name } }'],
    ['tenants', '{ tenants { totalCount } }'],
    ['environmentTiers', '{ environmentTiers { name } }'],
    ['applications', '{ applications { totalCount } }'],
    ['releaseTracks', '{ releaseTracks { slug } }'],
    ['auditEvents', '{ auditEvents { totalCount } }'],
  ])('cannot read %s', async (_name, query) => {
    const response = await server.gql(query, undefined, null);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(response.data).toBeNull();
  });

  it('cannot change anything', async () => {
    const response = await server.gql(`mutation { createApplication(input: { slug: "x", name: "X" }) { id } }`, undefined, null);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    const applications = dataOf(await server.gql('{ applications { totalCount } }'));
    expect(applications).toEqual({ applications: { totalCount: 0 } });
  });

  it('refuses an unknown token and a malformed Authorization header', async () => {
    expect(errorCode(await server.gql('{ viewer { name } }', undefined, 'shp_not-a-real-token'))).toBe('UNAUTHENTICATED');
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic YWRtaW46YWRtaW4=' },
      body: JSON.stringify({ query: '{ viewer { name } }' }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0].message).toContain('Bearer');
  });
});

describe('users and sessions', () => {
  beforeAll(async () => {
    dataOf(await createUser('alice', 'RELEASE_MANAGER'));
  });

  it('signs in with a password and acts as that user', async () => {
    const { signIn: session } = dataOf(await signIn('alice'));
    expect(session.token).toMatch(/^shs_/);
    expect(new Date(session.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const viewer = dataOf(await server.gql('{ viewer { name role kind tenants { slug } } }', undefined, session.token));
    expect(viewer).toEqual({ viewer: { name: 'alice', role: 'RELEASE_MANAGER', kind: 'USER', tenants: null } });
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrongPassword = await signIn('alice', 'not the password');
    const unknownUser = await signIn('nobody');
    expect(errorCode(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(errorCode(unknownUser)).toBe('UNAUTHENTICATED');
    expect(wrongPassword.errors![0].message).toBe(unknownUser.errors![0].message);
  });

  it('stores passwords only as a slow salted hash', async () => {
    const [row] = await server.dataSource.query(`SELECT password_hash FROM app_user WHERE username = 'alice'`);
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('ends the session on sign-out', async () => {
    const { signIn: session } = dataOf(await signIn('alice'));
    expect(dataOf(await server.gql('mutation { signOut }', undefined, session.token))).toEqual({ signOut: true });
    const after = await server.gql('{ viewer { name } }', undefined, session.token);
    expect(errorCode(after)).toBe('UNAUTHENTICATED');
  });

  it('refuses a duplicate username, a short password and an unknown tenant', async () => {
    expect(errorCode(await createUser('alice', 'VIEWER'))).toBe('CONFLICT');
    const short = await server.gql(`mutation { createUser(input: { username: "bob", password: "short", role: VIEWER }) { id } }`);
    expect(errorCode(short)).toBe('BAD_USER_INPUT');
    expect(short.errors![0].message).toContain('password must be at least 10 characters');
    expect(errorCode(await createUser('carol', 'VIEWER', ['no-such-tenant']))).toBe('NOT_FOUND');
    expect(errorCode(await createUser('carol', 'VIEWER', []))).toBe('BAD_USER_INPUT');
  });

  it('lets only admins create users and tokens', async () => {
    const { signIn: session } = dataOf(await signIn('alice'));
    const user = await server.gql(
      `mutation { createUser(input: { username: "mallory", password: "${PASSWORD}", role: ADMIN }) { id } }`,
      undefined,
      session.token,
    );
    expect(errorCode(user)).toBe('FORBIDDEN');
    expect(errorCode(await createToken('sneaky', 'ADMIN', undefined, session.token))).toBe('FORBIDDEN');
  });
});

describe('sessions that expire', () => {
  let shortLived: TestServer;
  beforeAll(async () => {
    // 0.0005 hours: 1.8 seconds.
    shortLived = await startTestServer({ SHIPLOG_SESSION_TTL_HOURS: '0.0005' });
    dataOf(
      await shortLived.gql(`mutation { createUser(input: { username: "dave", password: "${PASSWORD}", role: VIEWER }) { id } }`),
    );
  });
  afterAll(() => shortLived.close());

  it('refuses an expired session and says to sign in again', async () => {
    const response = await shortLived.gql<{ signIn: { token: string } }>(
      `mutation { signIn(input: { username: "dave", password: "${PASSWORD}" }) { token } }`,
      undefined,
      null,
    );
    const token = dataOf(response).signIn.token;
    expect(dataOf(await shortLived.gql('{ viewer { name } }', undefined, token))).toEqual({ viewer: { name: 'dave' } });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const expired = await shortLived.gql('{ viewer { name } }', undefined, token);
    expect(errorCode(expired)).toBe('UNAUTHENTICATED');
    expect(expired.errors![0].message).toContain('expired');
  });

  it('closes a live connection when its session expires, and refuses to open it again', async () => {
    const response = await shortLived.gql<{ signIn: { token: string } }>(
      `mutation { signIn(input: { username: "dave", password: "${PASSWORD}" }) { token } }`,
      undefined,
      null,
    );
    const token = dataOf(response).signIn.token;
    const closes: number[] = [];
    const client = createClient({
      url: `${shortLived.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
    try {
      await until(() => closes.length > 0, 'the connection to close at the end of the session', 10_000);
      expect(closes[0]).toBe(4401);
      await expect(connectWebSocket(shortLived.url, token)).rejects.toMatchObject({ code: 4403 });
    } finally {
      await client.dispose();
    }
  });
});

describe('API tokens', () => {
  it('shows the token once and keeps only its hash', async () => {
    const created = dataOf(await createToken('jenkins', 'OPERATOR')).createApiToken;
    expect(created.token).toMatch(/^shp_/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    const listed = dataOf(
      await server.gql<{ apiTokens: { nodes: { id: string; token: string | null }[] } }>(
        '{ apiTokens(first: 100) { nodes { id token } } }',
      ),
    );
    expect(listed.apiTokens.nodes.find((node) => node.id === created.id)).toEqual({ id: created.id, token: null });
    const [row] = await server.dataSource.query('SELECT * FROM api_token WHERE id = $1', [created.id]);
    expect(JSON.stringify(row)).not.toContain(created.token);
    const viewer = dataOf(await server.gql('{ viewer { name role kind } }', undefined, created.token));
    expect(viewer).toEqual({ viewer: { name: 'jenkins', role: 'OPERATOR', kind: 'API_TOKEN' } });
  });

  it('stops working once revoked, and the revocation is audited', async () => {
    const created = dataOf(await createToken('short-lived', 'VIEWER')).createApiToken;
    const revoked = await server.gql<{ revokeApiToken: { revokedAt: string } }>(
      `mutation ($id: ID!) { revokeApiToken(input: { id: $id }) { id revokedAt } }`,
      { id: created.id },
    );
    expect(dataOf(revoked).revokeApiToken.revokedAt).toEqual(expect.any(String));
    expect(errorCode(await server.gql('{ viewer { name } }', undefined, created.token))).toBe('UNAUTHENTICATED');
    const audit = dataOf(
      await server.gql(`query ($id: String!) { auditEvents(filter: { subjectId: $id }) { nodes { action actor } } }`, {
        id: created.id,
      }),
    );
    expect(audit).toEqual({
      auditEvents: {
        nodes: [
          { action: 'token.revoke', actor: 'token:admin (SHIPLOG_ADMIN_TOKEN)' },
          { action: 'token.create', actor: 'token:admin (SHIPLOG_ADMIN_TOKEN)' },
        ],
      },
    });
  });

  it('answers revoking an unknown token with NOT_FOUND', async () => {
    const response = await server.gql(
      `mutation { revokeApiToken(input: { id: "00000000-0000-0000-0000-000000000000" }) { id } }`,
    );
    expect(errorCode(response)).toBe('NOT_FOUND');
    expect(errorCode(await server.gql(`mutation { revokeApiToken(input: { id: "nope" }) { id } }`))).toBe('NOT_FOUND');
  });

  it('restores the SHIPLOG_ADMIN_TOKEN token at start even after it was revoked', async () => {
    const tokens = dataOf(
      await server.gql<{ apiTokens: { nodes: { id: string; name: string }[] } }>(
        '{ apiTokens(first: 100) { nodes { id name } } }',
      ),
    );
    const bootstrap = tokens.apiTokens.nodes.find((node) => node.name === 'admin (SHIPLOG_ADMIN_TOKEN)')!;
    dataOf(await server.gql(`mutation ($id: ID!) { revokeApiToken(input: { id: $id }) { id } }`, { id: bootstrap.id }));
    expect(errorCode(await server.gql('{ viewer { name } }'))).toBe('UNAUTHENTICATED');
    await server.app.container.resolve(AuthService).ensureAdminToken(server.adminToken);
    expect(dataOf(await server.gql('{ viewer { role } }'))).toEqual({ viewer: { role: 'ADMIN' } });
  });

  it('shows no part of SHIPLOG_ADMIN_TOKEN as the prefix of its token, also for one stored before', async () => {
    const bootstrapPrefix = async () => {
      const tokens = dataOf(
        await server.gql<{ apiTokens: { nodes: { name: string; prefix: string }[] } }>(
          '{ apiTokens(first: 100) { nodes { name prefix } } }',
        ),
      );
      return tokens.apiTokens.nodes.find((node) => node.name === 'admin (SHIPLOG_ADMIN_TOKEN)')!.prefix;
    };
    const revealed = (prefix: string) => [4, 6, 8].some((n) => server.adminToken.includes(prefix.slice(-n)));
    expect(revealed(await bootstrapPrefix())).toBe(false);

    // An older Shiplog stored the token's first characters; the next start replaces them.
    await server.dataSource.query(`UPDATE api_token SET prefix = $1 WHERE name = 'admin (SHIPLOG_ADMIN_TOKEN)'`, [
      server.adminToken.slice(0, 10),
    ]);
    await server.app.container.resolve(AuthService).ensureAdminToken(server.adminToken);
    expect(revealed(await bootstrapPrefix())).toBe(false);
  });
});

describe('roles', () => {
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    for (const role of ['VIEWER', 'OPERATOR', 'RELEASE_MANAGER']) {
      tokens[role] = dataOf(await createToken(`role-${role.toLowerCase()}`, role)).createApiToken.token;
    }
    dataOf(await server.gql(`mutation { createApplication(input: { slug: "portal", name: "Portal" }) { id } }`));
  });

  const registerArtifact = (token: string, version: string) =>
    server.gql(
      `mutation ($v: String!) { registerArtifact(input: { applicationSlug: "portal", version: $v, imageRef: "img/portal:1" }) { version } }`,
      { v: version },
      token,
    );
  const createApplication = (token: string, slug: string) =>
    server.gql(`mutation ($slug: String!) { createApplication(input: { slug: $slug, name: "App" }) { slug } }`, { slug }, token);

  it('lets a VIEWER read but change nothing', async () => {
    expect(dataOf(await server.gql('{ applications { totalCount } }', undefined, tokens.VIEWER))).toEqual({
      applications: { totalCount: 1 },
    });
    expect(errorCode(await registerArtifact(tokens.VIEWER, '0.0.1'))).toBe('FORBIDDEN');
    expect(errorCode(await createApplication(tokens.VIEWER, 'viewer-app'))).toBe('FORBIDDEN');
  });

  it('lets an OPERATOR register artifacts but not define applications', async () => {
    expect(dataOf(await registerArtifact(tokens.OPERATOR, '0.0.2'))).toEqual({ registerArtifact: { version: '0.0.2' } });
    expect(errorCode(await createApplication(tokens.OPERATOR, 'operator-app'))).toBe('FORBIDDEN');
  });

  it('lets a RELEASE_MANAGER define applications but not tenants', async () => {
    expect(dataOf(await createApplication(tokens.RELEASE_MANAGER, 'rm-app'))).toEqual({ createApplication: { slug: 'rm-app' } });
    const tenant = await server.gql(
      `mutation { createTenant(input: { slug: "t", name: "T" }) { slug } }`,
      undefined,
      tokens.RELEASE_MANAGER,
    );
    expect(errorCode(tenant)).toBe('FORBIDDEN');
  });
});

describe('GraphQL over WebSocket', () => {
  function client(authorization?: string) {
    return createClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: authorization ? { authorization } : {},
      retryAttempts: 0,
      lazy: true,
    });
  }

  function run(c: ReturnType<typeof client>, query: string) {
    return new Promise<unknown>((resolve, reject) => {
      let result: unknown;
      c.subscribe({ query }, { next: (value) => (result = value), error: reject, complete: () => resolve(result) });
    });
  }

  it('answers operations for a client that sends a valid token', async () => {
    const c = client(`Bearer ${server.adminToken}`);
    try {
      expect(await run(c, '{ viewer { role } }')).toEqual({ data: { viewer: { role: 'ADMIN' } } });
    } finally {
      await c.dispose();
    }
  });

  it('closes the connection of a client without a valid token', async () => {
    const c = client('Bearer shp_wrong');
    try {
      await expect(run(c, '{ viewer { role } }')).rejects.toMatchObject({ code: 4403 });
    } finally {
      await c.dispose();
    }
  });
});
