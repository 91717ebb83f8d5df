import http from 'node:http';
import { ConfigError, loadConfig } from '../../src/config';
import { dataOf, startTestServer, type GraphQLResponse, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const PASSWORD = 'the right password 42';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: GraphQLResponse<{ signIn: { token: string } | null }>;
}

/**
 * Signs in from a given loopback address (all of 127.0.0.0/8 reaches the server), as clients at different
 * addresses would.
 */
function signInFrom(
  address: string,
  username: string,
  password: string,
  headers: Record<string, string> = {},
  target: TestServer = server,
): Promise<Answer> {
  const payload = JSON.stringify({
    query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
    variables: { input: { username, password } },
  });
  const url = new URL(`${target.url}/graphql`);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: address,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: response.headers['retry-after'],
            body: JSON.parse(text) as Answer['body'],
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code as string | undefined;

async function createUser(username: string): Promise<string> {
  const response = await server.gql<{ createUser: { id: string } }>(
    `mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }`,
    { input: { username, password: PASSWORD, role: 'VIEWER' } },
  );
  return dataOf(response).createUser.id;
}

async function failTimes(count: number, address: string, username: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await signInFrom(address, username, `wrong guess ${i}`));
  return answers;
}

describe('sign-in throttling', () => {
  it('after 10 wrong passwords answers RATE_LIMITED with HTTP 429, even to the right password', async () => {
    await createUser('target-one');
    const failures = await failTimes(10, '127.0.0.11', 'target-one');
    expect(failures.map(codeOf)).toEqual(Array(10).fill('UNAUTHENTICATED'));

    const limited = await signInFrom('127.0.0.11', 'target-one', PASSWORD);
    expect(limited.status).toBe(429);
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.body.data).toBeNull();
    const retryAfterSeconds = limited.body.errors![0].extensions!.retryAfterSeconds as number;
    expect(retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.retryAfter).toBe(String(retryAfterSeconds));
    expect(JSON.stringify(limited.body)).not.toContain('shs_');
  });

  it('waits longer after each further failure', async () => {
    await createUser('target-two');
    await failTimes(10, '127.0.0.12', 'target-two');
    const first = await signInFrom('127.0.0.12', 'target-two', 'another wrong guess');
    const firstWait = first.body.errors![0].extensions!.retryAfterSeconds as number;
    expect(codeOf(first)).toBe('RATE_LIMITED');

    await new Promise((resolve) => setTimeout(resolve, firstWait * 1000 + 200));
    expect(codeOf(await signInFrom('127.0.0.12', 'target-two', 'yet another wrong guess'))).toBe('UNAUTHENTICATED');
    const second = await signInFrom('127.0.0.12', 'target-two', PASSWORD);
    expect(codeOf(second)).toBe('RATE_LIMITED');
    expect(second.body.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(firstWait);
  }, 30_000);

  it('does not lock the real user out at an address it signed in from, while guesses from elsewhere are held back', async () => {
    await createUser('target-three');
    expect(dataOf((await signInFrom('127.0.0.21', 'target-three', PASSWORD)).body).signIn).toBeTruthy();

    await failTimes(10, '127.0.0.22', 'target-three');
    expect(codeOf(await signInFrom('127.0.0.22', 'target-three', PASSWORD))).toBe('RATE_LIMITED');
    // A new address guessing at the same name is held back too: the name itself is under attack.
    expect(codeOf(await signInFrom('127.0.0.23', 'target-three', 'fresh address guess'))).toBe('RATE_LIMITED');

    const real = await signInFrom('127.0.0.21', 'target-three', PASSWORD);
    expect(real.status).toBe(200);
    expect(dataOf(real.body).signIn!.token).toMatch(/^shs_/);
  });

  it('holds back an address that guesses at many usernames, and no other address', async () => {
    await createUser('bystander');
    for (let i = 0; i < 10; i++) {
      expect(codeOf(await signInFrom('127.0.0.31', `sprayed-${i}`, 'Summer2026!'))).toBe('UNAUTHENTICATED');
    }
    expect(codeOf(await signInFrom('127.0.0.31', 'bystander', PASSWORD))).toBe('RATE_LIMITED');
    expect(dataOf((await signInFrom('127.0.0.32', 'bystander', PASSWORD)).body).signIn!.token).toMatch(/^shs_/);
  });

  it('counts failures as consecutive: a successful sign-in starts the count over', async () => {
    await createUser('target-four');
    await failTimes(9, '127.0.0.41', 'target-four');
    expect(dataOf((await signInFrom('127.0.0.41', 'target-four', PASSWORD)).body).signIn).toBeTruthy();
    const again = await failTimes(9, '127.0.0.41', 'target-four');
    expect(again.map(codeOf)).toEqual(Array(9).fill('UNAUTHENTICATED'));
    expect(dataOf((await signInFrom('127.0.0.41', 'target-four', PASSWORD)).body).signIn).toBeTruthy();
  });
});

describe('the client address', () => {
  it('ignores X-Forwarded-For unless SHIPLOG_TRUST_PROXY trusts the proxy', async () => {
    for (let i = 0; i < 10; i++) {
      const spoofed = { 'x-forwarded-for': `198.51.100.${i}` };
      expect(codeOf(await signInFrom('127.0.0.61', `spoofer-${i}`, 'Winter2026!', spoofed))).toBe('UNAUTHENTICATED');
    }
    expect(codeOf(await signInFrom('127.0.0.61', 'spoofer-x', 'Winter2026!', { 'x-forwarded-for': '198.51.100.99' }))).toBe(
      'RATE_LIMITED',
    );
  });

  it('behind a trusted proxy, tells clients apart by the address it forwards', async () => {
    const proxied = await startTestServer({ SHIPLOG_TRUST_PROXY: 'loopback' });
    try {
      const from = (client: string, username: string, password: string) =>
        signInFrom('127.0.0.71', username, password, { 'x-forwarded-for': client }, proxied);
      for (let i = 0; i < 10; i++) expect(codeOf(await from('203.0.113.7', `guess-${i}`, 'Autumn2026!'))).toBe('UNAUTHENTICATED');
      expect(codeOf(await from('203.0.113.7', 'guess-x', 'Autumn2026!'))).toBe('RATE_LIMITED');
      // Another client behind the same proxy is not held back.
      expect(codeOf(await from('203.0.113.8', 'guess-y', 'Autumn2026!'))).toBe('UNAUTHENTICATED');
    } finally {
      await proxied.close();
    }
  });

  it('refuses a SHIPLOG_TRUST_PROXY that is not a proxy setting', () => {
    expect(() => loadConfig({ SHIPLOG_TRUST_PROXY: 'the usual one' })).toThrow(ConfigError);
    expect(loadConfig({ SHIPLOG_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({}).trustProxy).toBe(false);
  });
});

describe('the audit log of signing in and out', () => {
  it('records failed sign-ins, sign-ins and sign-outs with the address, never the password', async () => {
    const id = await createUser('audited');
    await signInFrom('127.0.0.51', 'audited', 'a wrong password 1');
    const token = dataOf((await signInFrom('127.0.0.51', 'audited', PASSWORD)).body).signIn!.token;
    dataOf(await server.gql('mutation { signOut }', undefined, token));
    await signInFrom('127.0.0.51', 'nobody-by-this-name', 'a wrong password 2');

    const response = await server.gql<{ auditEvents: { nodes: { action: string; actor: string; after: any }[] } }>(
      `{ auditEvents(first: 100, filter: { subjectType: "User" }) { nodes { action actor subjectId after } } }`,
    );
    const events = dataOf(response).auditEvents.nodes.filter(
      (event) =>
        event.after?.username === 'audited' || event.after?.username === 'nobody-by-this-name' || (event as any).subjectId === id,
    );
    expect(events.map((event) => [event.action, event.actor])).toEqual([
      ['user.sign-in-failed', 'anonymous'],
      ['user.sign-out', 'user:audited'],
      ['user.sign-in', 'user:audited'],
      ['user.sign-in-failed', 'anonymous'],
      ['user.create', 'token:admin (SHIPLOG_ADMIN_TOKEN)'],
    ]);
    expect(events[0].after).toMatchObject({ username: 'nobody-by-this-name', address: '127.0.0.51', refusal: 'unknown user' });
    expect(events[3].after).toMatchObject({ username: 'audited', address: '127.0.0.51', refusal: 'wrong password' });
    const text = JSON.stringify(events);
    expect(text).not.toContain('a wrong password');
    expect(text).not.toContain(PASSWORD);
  });
});
