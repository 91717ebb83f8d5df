import {
  createApplications,
  createFleet,
  createTiers,
  getDeployment,
  lockedRelease,
  nextReleaseVersion,
  startRollout,
  targetFor,
  waitForRollout,
} from '../factories/rollouts';
import { createApiToken } from '../factories/tenants';
import { startReceiver } from '../support/receiver';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

const SECRETS = ['hunter2-password', 'ci-bot', 'very-secret-bearer', 'key-42', 'signing-secret-0123456789'];
const CREATE = `mutation ($input: CreateInstallationInput!) { createInstallation(input: $input) { id driverConfig } }`;

describe('secrets in driver settings', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTiers(server);
    dataOf(await server.gql(`mutation { createTenant(input: { slug: "acme", name: "Acme" }) { id } }`));
  });
  afterAll(() => server.close());

  it('never reads back header values or URL credentials, to a viewer, an admin or in the audit log, and keeps them on edit', async () => {
    const created = dataOf(
      await server.gql<{ createInstallation: { id: string; driverConfig: any } }>(CREATE, {
        input: {
          tenantSlug: 'acme',
          slug: 'prod',
          name: 'Prod',
          tier: 'prod',
          driver: 'WEBHOOK',
          driverConfig: {
            url: 'https://ci-bot:hunter2-password@orchestrator.example/deploy',
            secret: 'signing-secret-0123456789',
            headers: { Authorization: 'Bearer very-secret-bearer', 'X-Api-Key': 'key-42' },
          },
        },
      }),
    ).createInstallation;
    const viewer = await createApiToken(server, { role: 'VIEWER', tenantSlugs: ['acme'] });
    const read = `query ($id: ID!) { installation(id: $id) { driverConfig } }`;
    const seen = [
      JSON.stringify(created),
      JSON.stringify(await server.gql(read, { id: created.id }, viewer.token)),
      JSON.stringify(await server.gql(read, { id: created.id })),
      JSON.stringify(await server.gql(`{ auditEvents(first: 50) { nodes { action before after } } }`)),
    ];
    for (const text of seen) for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(seen[1]).toContain('orchestrator.example');

    // Sending back what was read, with one change, keeps every secret.
    const readBack = dataOf(await server.gql<{ installation: { driverConfig: any } }>(read, { id: created.id })).installation
      .driverConfig;
    dataOf(
      await server.gql(`mutation ($input: UpdateInstallationInput!) { updateInstallation(input: $input) { id } }`, {
        input: { tenantSlug: 'acme', slug: 'prod', driverConfig: { ...readBack, maxAttempts: 3 } },
      }),
    );
    const [row] = await server.dataSource.query('SELECT driver_config FROM installation WHERE id = $1', [created.id]);
    expect(row.driver_config).toEqual({
      url: 'https://ci-bot:hunter2-password@orchestrator.example/deploy',
      secret: 'signing-secret-0123456789',
      headers: { Authorization: 'Bearer very-secret-bearer', 'X-Api-Key': 'key-42' },
      maxAttempts: 3,
    });
  });

  it.each(['http://169.254.169.254/latest/meta-data', 'http://2852039166/', 'http://[fe80::1]/', 'http://224.0.0.1/'])(
    'refuses %s as a WEBHOOK target with BAD_USER_INPUT naming driverConfig.url, creating nothing',
    async (url) => {
      const manager = await createApiToken(server, { role: 'RELEASE_MANAGER', tenantSlugs: ['acme'] });
      const response = await server.gql(
        CREATE,
        {
          input: {
            tenantSlug: 'acme',
            slug: 'probe',
            name: 'Probe',
            tier: 'prod',
            driver: 'WEBHOOK',
            driverConfig: { url, secret: 'x'.repeat(16) },
          },
        },
        manager.token,
      );
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors![0].message).toContain('driverConfig.url');
      const [{ count }] = await server.dataSource.query(`SELECT count(*) AS count FROM installation WHERE slug = 'probe'`);
      expect(Number(count)).toBe(0);
    },
  );
});

describe('delivery to targets', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  async function rolloutTo(server: TestServer, url: string) {
    servers.push(server);
    await createTiers(server);
    await createApplications(server, ['api'], ['1.0.0']);
    const ids = await createFleet(server, [
      {
        tenant: 'hooked',
        slug: 'prod',
        tier: 'prod',
        driver: 'WEBHOOK',
        driverConfig: { url, secret: 's'.repeat(16), maxAttempts: 1 },
      },
    ]);
    const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const rolloutId = dataOf(await startRollout(server, { releaseId, installationIds: [ids['hooked/prod']] })).startRollout.id;
    const paused = await waitForRollout(server, rolloutId, (r) => r.status === 'PAUSED');
    const [deployment] = targetFor(paused, 'hooked/prod').deployments;
    return getDeployment(server, deployment.id);
  }

  it('refuses at connection time a name that resolves outside SHIPLOG_WEBHOOK_ALLOWED_HOSTS, sending nothing', async () => {
    const receiver = await startReceiver();
    try {
      const server = await startTestServer({ SHIPLOG_WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/8' });
      const deployment = await rolloutTo(server, `${receiver.url.replace('127.0.0.1', 'localhost')}/deploy`);
      expect(deployment.status).toBe('FAILED');
      expect(deployment.log.map((l: any) => l.line)).toContain(
        'Attempt 1 of 1 refused: the target is not in SHIPLOG_WEBHOOK_ALLOWED_HOSTS',
      );
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it('tells the same outcome for a closed port as for an endpoint that answers 404: the log is no port scanner', async () => {
    const receiver = await startReceiver(() => ({ status: 404 }));
    const closed = await startReceiver();
    const closedUrl = closed.url;
    await closed.close();
    try {
      const answered = await rolloutTo(await startTestServer(), `${receiver.url}/deploy`);
      const nothing = await rolloutTo(await startTestServer(), `${closedUrl}/deploy`);
      const lines = (d: any) => d.log.map((l: any) => l.line).filter((line: string) => line.startsWith('Attempt'));
      expect(receiver.requests).toHaveLength(1);
      expect(lines(answered)).toEqual(['Attempt 1 of 1 failed: the orchestrator did not accept the request']);
      expect(lines(nothing)).toEqual(lines(answered));
      expect(nothing.message).toBe(answered.message);
    } finally {
      await receiver.close();
    }
  });
});
