import { startServer } from './server';
import { SERVER_ENV } from './env';

/** One server for the whole run; Playwright calls the returned function as the global teardown. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startServer();
  // Workers start after global setup and inherit these.
  process.env[SERVER_ENV.url] = server.url;
  process.env[SERVER_ENV.adminToken] = server.adminToken;
  if (server.databaseUrl) process.env[SERVER_ENV.databaseUrl] = server.databaseUrl;
  return () => server.stop();
}
