/** How global setup tells the test workers where the server under test is. */
export const SERVER_ENV = {
  url: 'SHIPLOG_E2E_URL',
  adminToken: 'SHIPLOG_E2E_ADMIN_TOKEN',
  databaseUrl: 'SHIPLOG_E2E_DATABASE_URL',
} as const;

export function serverUnderTest(): { url: string; adminToken: string } {
  const url = process.env[SERVER_ENV.url];
  const adminToken = process.env[SERVER_ENV.adminToken];
  if (!url || !adminToken) throw new Error('The server under test is not running: global setup did not run');
  return { url, adminToken };
}

/** The server's database, when the tests may write to it directly (bulk seeding); undefined on the embedded one. */
export function databaseUnderTest(): string | undefined {
  return process.env[SERVER_ENV.databaseUrl] || undefined;
}
