/** How global setup tells the test workers where the server under test is. */
export const SERVER_ENV = {
  url: 'SHIPLOG_E2E_URL',
  adminToken: 'SHIPLOG_E2E_ADMIN_TOKEN',
} as const;

export function serverUnderTest(): { url: string; adminToken: string } {
  const url = process.env[SERVER_ENV.url];
  const adminToken = process.env[SERVER_ENV.adminToken];
  if (!url || !adminToken) throw new Error('The server under test is not running: global setup did not run');
  return { url, adminToken };
}
