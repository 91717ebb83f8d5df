import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from './database';
import { artifactsDir, repositoryRoot, serverMain, webIndex } from './paths';

export interface RunningServer {
  url: string;
  adminToken: string;
  /** Set when the database is on a PostgreSQL server (DATABASE_URL), not embedded. */
  databaseUrl?: string;
  /** What the server has printed since it started. */
  output(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Load the demo data set, as a first start on the embedded database does. */
  demoData?: boolean;
  /** The log file's name in e2e/artifacts. */
  logName?: string;
}

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited(child)) {
      throw new Error(
        `The Shiplog server exited (code ${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The Shiplog server was not healthy at ${url}/healthz within ${START_TIMEOUT_MS / 1000} s:\n${output()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
  console.warn(`The Shiplog server (pid ${child.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
}

/** Starts the built server (server/dist) on a free port with a database of its own, empty unless demoData. */
export async function startServer({ demoData = false, logName = 'server.log' }: ServerOptions = {}): Promise<RunningServer> {
  for (const [file, what] of [
    [serverMain, 'the server'],
    [webIndex, 'the web app'],
  ] as const) {
    if (!fs.existsSync(file))
      throw new Error(`${path.relative(repositoryRoot, file)} is missing: build ${what} first (pnpm build)`);
  }

  const adminToken = `e2e-admin-${randomBytes(24).toString('hex')}`;
  const database: TestDatabase = await createTestDatabase();
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // The server must not pick up a developer's database or data folder.
    const { DATABASE_URL: _url, SHIPLOG_DATA_DIR: _dir, ...inherited } = process.env;
    fs.mkdirSync(artifactsDir, { recursive: true });
    const log = fs.createWriteStream(path.join(artifactsDir, logName));
    let recent: string[] = [];
    let printed = '';
    const started = spawn(process.execPath, [serverMain], {
      cwd: path.join(repositoryRoot, 'server'),
      env: {
        ...inherited,
        ...database.env,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        SHIPLOG_ADMIN_TOKEN: adminToken,
        SHIPLOG_DEMO_DATA: String(demoData),
        // Outbound webhooks retry within seconds, so a browser test sees a message fail for good.
        SHIPLOG_WEBHOOK_RETRY_SCHEDULE: '0s,1s,1s',
        SHIPLOG_LOG_LEVEL: process.env.SHIPLOG_LOG_LEVEL ?? 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    for (const stream of [started.stdout, started.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        if (printed.length < 1_000_000) printed += chunk.toString();
        recent = [...recent, ...chunk.toString().split('\n').filter(Boolean)].slice(-40);
      });
    }
    started.once('exit', () => log.end());
    // Should the test runner die without its teardown, the server goes with it.
    const killOnExit = () => started.kill('SIGTERM');
    process.once('exit', killOnExit);

    await waitUntilHealthy(url, started, () => recent.join('\n'));
    console.log(`Shiplog server (pid ${started.pid}) at ${url}, ${database.describe()}`);

    return {
      url,
      adminToken,
      databaseUrl: database.url,
      output: () => printed,
      stop: async () => {
        process.off('exit', killOnExit);
        try {
          await stopProcess(started);
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    if (child) await stopProcess(child);
    await database.drop();
    throw error;
  }
}
