import { connectWebSocket } from '../support/subscriptions';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** About 1 MB of repeated fields: seconds of parsing and validation for graphql-js if it reads it all. */
const HUGE_DOCUMENT = `{ ${'viewer { id } '.repeat(70_000)} }`;

async function postDocument(query: string, token: string | null) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { errors?: { message: string; extensions?: any }[] } };
}

describe('a large document', () => {
  it('without a token is refused before it is read: 413 with a code', async () => {
    const answer = await postDocument(HUGE_DOCUMENT, null);
    expect(answer.status).toBe(413);
    expect(answer.body.errors?.[0].extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('with an invalid token is refused the same way', async () => {
    const answer = await postDocument(HUGE_DOCUMENT, 'shp_not-a-real-token');
    expect(answer.status).toBe(413);
  });

  it('with a valid token is parsed only up to the token limit: 400 GRAPHQL_PARSE_FAILED', async () => {
    const answer = await postDocument(HUGE_DOCUMENT, ADMIN_TOKEN);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(answer.body.errors?.[0].message).toMatch(/more th\w+ 1000 tokens/);
  });

  it('still lets signIn and ordinary queries through', async () => {
    const signIn = await postDocument('mutation { signIn(input: { username: "nobody", password: "wrong" }) { token } }', null);
    expect(signIn.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await server.gql('{ viewer { name } }')).data).toEqual({ viewer: { name: expect.any(String) } });
  });

  it('sent many times at once without a token leaves /healthz responsive', async () => {
    const flood = Array.from({ length: 12 }, () => postDocument(HUGE_DOCUMENT, null).catch(() => undefined));
    const started = Date.now();
    const health = await fetch(`${server.url}/healthz`);
    const healthMs = Date.now() - started;
    await Promise.all(flood);
    expect(health.status).toBe(200);
    // Generous: reading all of them takes many seconds of event loop; refusing them, milliseconds.
    expect(healthMs).toBeLessThan(3000);
  });

  it('is held to the same token limit over WebSocket', async () => {
    const client = await connectWebSocket(server.url, ADMIN_TOKEN);
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: `subscription { events { ${'sequence '.repeat(2000)} } }` },
          { next: () => resolve('answered'), error: resolve, complete: () => resolve('completed') },
        );
      });
      expect(errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/more th\w+ 1000 tokens/) })]);
    } finally {
      await client.dispose();
    }
  });
});
