import { log } from '../../src/log';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: any;
}

async function post(pathname: string, body: string, token: string | null = ADMIN_TOKEN): Promise<Answer> {
  const response = await fetch(`${server.url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

const graphql = (query: string, variables: Record<string, unknown> = {}) =>
  post('/graphql', JSON.stringify({ query, variables }));

/** What a refusal must never show: an HTML error page, a stack trace, the server's file paths. */
function expectNothingInternal(answer: Answer) {
  expect(answer.contentType).toContain('application/json');
  expect(answer.text).not.toMatch(/<html|<pre|\n\s+at |node_modules|\/src\/|\/work\//i);
}

let errors: jest.SpyInstance;
beforeEach(() => {
  errors = jest.spyOn(log, 'error');
});
afterEach(() => errors.mockRestore());

describe('a malformed or oversized body', () => {
  it('is refused on /graphql with 400, a code and a JSON body, never an error page', async () => {
    const answer = await post('/graphql', '{"query": "{ viewer { name } }"');
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })] });
    expectNothingInternal(answer);
  });

  it('is refused on /graphql with 413 when it is too large', async () => {
    const answer = await post('/graphql', JSON.stringify({ query: `{ viewer { name } } # ${'x'.repeat(3_000_000)}` }));
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'PAYLOAD_TOO_LARGE' } })] });
    expectNothingInternal(answer);
  });

  it('is refused on the HTTP API with 400 or 413 and the API’s error shape', async () => {
    const malformed = await post('/api/deployments/00000000-0000-0000-0000-000000000000/status', '{"status": ');
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    expectNothingInternal(malformed);

    const large = await post(
      '/api/deployments/00000000-0000-0000-0000-000000000000/log',
      JSON.stringify({ lines: ['x'.repeat(3_000_000)] }),
    );
    expect(large.status).toBe(413);
    expect(large.json).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    expectNothingInternal(large);
  });
});

describe('bad input in an operation', () => {
  it('answers a page size far over the cap with 400 and BAD_USER_INPUT', async () => {
    const answer = await graphql('{ tenants(first: 2147483647) { totalCount nodes { slug } } }');
    expect(answer.status).toBe(400);
    expect(answer.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expectNothingInternal(answer);
  });

  it.each([
    ['a NUL character', 'acme\u0000corp'],
    ['a lone surrogate', 'acme\ud800corp'],
  ])('refuses %s in a string with BAD_USER_INPUT, in variables and in the document, and stores nothing', async (_what, name) => {
    const inVariables = await graphql(
      'mutation ($name: String!) { createTenant(input: { slug: "nul-test", name: $name }) { id } }',
      {
        name,
      },
    );
    expect(inVariables.status).toBe(400);
    expect(inVariables.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expectNothingInternal(inVariables);

    const inDocument = await graphql(
      `mutation { createTenant(input: { slug: "nul-test", name: ${JSON.stringify(name)} }) { id } }`,
    );
    // graphql-js itself refuses a lone surrogate escape in a document as a syntax error.
    expect(inDocument.status).toBe(400);
    expect(inDocument.json.errors[0].extensions.code).toMatch(/^(BAD_USER_INPUT|GRAPHQL_PARSE_FAILED)$/);

    expect((await graphql('{ tenant(slug: "nul-test") { id } }')).json.data.tenant).toBeNull();
    expect(errors).not.toHaveBeenCalled();
  });

  it('refuses a NUL character in the HTTP API with 400 and BAD_USER_INPUT', async () => {
    const answer = await post(
      '/api/deployments/00000000-0000-0000-0000-000000000000/log',
      JSON.stringify({ lines: ['fine', 'not\u0000fine'] }),
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('BAD_USER_INPUT');
    expect(errors).not.toHaveBeenCalled();
  });

  it('answers a subscription sent over HTTP with 400 and a code, without logging an error', async () => {
    const answer = await graphql('subscription { events { sequence } }');
    expect(answer.status).toBe(400);
    expect(answer.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(answer.json.errors[0].message).toMatch(/WebSocket/);
    expectNothingInternal(answer);
    expect(errors).not.toHaveBeenCalled();
  });
});
