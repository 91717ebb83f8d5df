import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded';

/** With no DATABASE_URL the tests run on an embedded PostgreSQL of their own, removed afterwards. */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-test-pg-'));
  const database = await startEmbeddedPostgres(dataDir);
  process.env.DATABASE_URL = database.url;
  (globalThis as { shiplogTestDatabase?: unknown }).shiplogTestDatabase = { ...database, dataDir };
}
