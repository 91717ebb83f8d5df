import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const database = (globalThis as { shiplogTestDatabase?: { stop(): Promise<void>; dataDir: string } }).shiplogTestDatabase;
  if (!database) return;
  await database.stop();
  fs.rmSync(database.dataDir, { recursive: true, force: true });
}
