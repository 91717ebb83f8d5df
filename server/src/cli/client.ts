import { CliError, EXIT, exitCodeOf } from './exit-codes';

export interface Connection {
  url: string;
  token?: string;
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; blockers?: unknown };
}

/** The server's GraphQL endpoint; `url` is the server's base address. */
export function endpoint(url: string, scheme: 'http' | 'ws' = 'http'): string {
  const base = url.replace(/\/+$/, '').replace(/\/graphql$/, '');
  const address = `${base}/graphql`;
  return scheme === 'ws' ? address.replace(/^http/, 'ws') : address;
}

/** Runs one GraphQL operation; a refusal becomes a CliError with the exit code its error code maps to. */
export async function request<T>(connection: Connection, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(endpoint(connection.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(connection.token ? { authorization: `Bearer ${connection.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new CliError(`Cannot reach the Shiplog server at ${connection.url}: ${cause}`, EXIT.FAILURE);
  }
  let body: { data?: T | null; errors?: GraphQLErrorBody[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new CliError(`The server at ${connection.url} answered ${response.status} without a GraphQL response`, EXIT.FAILURE);
  }
  const [error] = body.errors ?? [];
  if (error) {
    const code = error.extensions?.code;
    const blockers = Array.isArray(error.extensions?.blockers) ? error.extensions.blockers.map(String) : [];
    throw new CliError(code ? `${error.message} (${code})` : error.message, exitCodeOf(code), blockers);
  }
  if (!response.ok || !body.data) throw new CliError(`The server answered ${response.status}`, EXIT.FAILURE);
  return body.data;
}
