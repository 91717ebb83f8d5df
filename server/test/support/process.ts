import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/db/embedded';

const SERVER_ROOT = path.resolve(__dirname, '..', '..');

export interface ShiplogProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to clean up. */
  kill(): Promise<void>;
}

/** Runs the server entry point as `pnpm start` does and waits until it says it is running. */
export async function startShiplog(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ShiplogProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], { cwd: SERVER_ROOT, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Shiplog did not start:\n${output}`));
    }, timeoutMs);
    const check = () => {
      const match = /Shiplog is running at (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Shiplog exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function gqlAt<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

/** The environment of a server process on `databaseUrl`, on a free port, with `token` as its admin token. */
export async function processEnvironment(
  databaseUrl: string,
  token: string,
  extra: Record<string, string> = {},
): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(await freePort()),
    SHIPLOG_ADMIN_TOKEN: token,
    SHIPLOG_DEMO_DATA: 'false',
    SHIPLOG_LOG_LEVEL: 'info',
    ...extra,
  };
}
