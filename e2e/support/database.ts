import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Where the server under test keeps its data, and how to throw it away afterwards. */
export interface TestDatabase {
  /** Environment for the server: DATABASE_URL, or SHIPLOG_DATA_DIR for the embedded PostgreSQL. */
  env: Record<string, string>;
  /** The database's URL when it is on a PostgreSQL server the tests can reach; tests seed bulk data through it. */
  url?: string;
  describe(): string;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database on the PostgreSQL server that `serverUrl` points to, dropped at the end of the run. */
async function freshDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `shiplog_e2e_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    url: url.toString(),
    describe: () => `database ${name} on ${url.host}`,
    drop: async () => {
      // WITH (FORCE) ends connections a crashed server may have left open (PostgreSQL 13+).
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** A temporary data folder in which the server starts its embedded PostgreSQL. */
async function embeddedDataDir(): Promise<TestDatabase> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shiplog-e2e-'));
  return {
    env: { SHIPLOG_DATA_DIR: dataDir },
    describe: () => `embedded PostgreSQL in ${dataDir}`,
    drop: () => fs.rm(dataDir, { recursive: true, force: true }),
  };
}

/** With DATABASE_URL set, a new database on that server; otherwise the embedded PostgreSQL in a temporary folder. */
export function createTestDatabase(databaseUrl = process.env.DATABASE_URL): Promise<TestDatabase> {
  return databaseUrl ? freshDatabase(databaseUrl) : embeddedDataDir();
}
