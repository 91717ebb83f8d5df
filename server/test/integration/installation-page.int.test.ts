import { randomUUID } from 'node:crypto';
import { createPrincipal, type TestPrincipal } from '../factories/principals';
import {
  createApplications,
  createFleet,
  createTiers,
  lockedRelease,
  resetTracks,
  startRollout,
  waitForRollout,
} from '../factories/rollouts';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

/**
 * What the installation page reads and changes: the installation with what runs there, the rollouts that touched
 * it (newest first, paged), its settings, and verifications of its deployments; a caller limited to one tenant
 * learns nothing of another tenant's installation.
 */

let server: TestServer;
let ids: Record<string, string>;
let rolloutIds: string[];
let scopedViewer: TestPrincipal;
let scopedOperator: TestPrincipal;
let scopedReleaseManager: TestPrincipal;

const INSTALLATION = `query ($id: ID!, $first: Int, $after: String) {
  installation(id: $id) {
    id slug driver driverConfig requiresApproval frozen
    running { application { slug } artifact { version } deployment { id verifications { status source } } }
    rolloutTargets(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { status rollout { id release { version } } }
    }
  }
}`;

const UPDATE = `mutation ($input: UpdateInstallationInput!) {
  updateInstallation(input: $input) { id driverConfig frozen requiresApproval }
}`;

const VERIFY = `mutation ($input: RecordVerificationInput!) { recordVerification(input: $input) { id status source url recordedBy } }`;

async function runningDeployment(installationId: string, token?: string): Promise<string> {
  const { installation } = dataOf(await server.gql<{ installation: any }>(INSTALLATION, { id: installationId }, token));
  return installation.running[0].deployment.id as string;
}

beforeAll(async () => {
  server = await startTestServer();
  resetTracks();
  await createTiers(server);
  ids = await createFleet(server, [
    {
      tenant: 'acme',
      slug: 'prod',
      tier: 'prod',
      driver: 'WEBHOOK',
      driverConfig: { url: 'https://hooks.example/deploy', secret: 's3cret-value-0123456789' },
    },
    { tenant: 'acme', slug: 'qa', tier: 'qa' },
    { tenant: 'globex', slug: 'prod', tier: 'prod' },
  ]);
  await createApplications(server, ['api'], ['1.0.0', '1.1.0', '1.2.0']);
  rolloutIds = [];
  for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
    const releaseId = await lockedRelease(server, version, [{ app: 'api', version, stage: 1 }]);
    const { startRollout: rollout } = dataOf(
      await startRollout(server, { releaseId, installationIds: [ids['acme/qa'], ids['globex/prod']] }),
    );
    await waitForRollout(server, rollout.id, (r) => r.status === 'SUCCEEDED');
    rolloutIds.push(rollout.id);
  }
  scopedViewer = await createPrincipal(server, 'VIEWER', { tenantSlugs: ['acme'] });
  scopedOperator = await createPrincipal(server, 'OPERATOR', { tenantSlugs: ['acme'] });
  scopedReleaseManager = await createPrincipal(server, 'RELEASE_MANAGER', { tenantSlugs: ['acme'] });
});
afterAll(() => server.close());

describe('Installation.rolloutTargets', () => {
  it('lists the rollouts that touched the installation, newest first, a page at a time', async () => {
    const first = dataOf(await server.gql<{ installation: any }>(INSTALLATION, { id: ids['acme/qa'], first: 2 })).installation;
    expect(first.rolloutTargets.totalCount).toBe(3);
    expect(first.rolloutTargets.nodes).toEqual([
      { status: 'SUCCEEDED', rollout: { id: rolloutIds[2], release: { version: '1.2.0' } } },
      { status: 'SUCCEEDED', rollout: { id: rolloutIds[1], release: { version: '1.1.0' } } },
    ]);
    expect(first.rolloutTargets.pageInfo.hasNextPage).toBe(true);
    const rest = dataOf(
      await server.gql<{ installation: any }>(INSTALLATION, {
        id: ids['acme/qa'],
        first: 2,
        after: first.rolloutTargets.pageInfo.endCursor,
      }),
    ).installation;
    expect(rest.rolloutTargets.nodes).toEqual([
      { status: 'SUCCEEDED', rollout: { id: rolloutIds[0], release: { version: '1.0.0' } } },
    ]);
    expect(rest.rolloutTargets.pageInfo.hasNextPage).toBe(false);
  });

  it('is empty for an installation no rollout touched', async () => {
    const { installation } = dataOf(await server.gql<{ installation: any }>(INSTALLATION, { id: ids['acme/prod'] }));
    expect(installation.rolloutTargets).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] });
    expect(installation.running).toEqual([]);
  });

  it('reads a driver secret back only as ********', async () => {
    const { installation } = dataOf(await server.gql<{ installation: any }>(INSTALLATION, { id: ids['acme/prod'] }));
    expect(installation.driverConfig).toEqual({ url: 'https://hooks.example/deploy', secret: '********' });
    expect(JSON.stringify(installation)).not.toContain('s3cret-value-0123456789');
  });
});

describe('a caller limited to tenant acme', () => {
  it('reads its own installation with its rollouts', async () => {
    const { installation } = dataOf(
      await server.gql<{ installation: any }>(INSTALLATION, { id: ids['acme/qa'] }, scopedViewer.token),
    );
    expect(installation.rolloutTargets.totalCount).toBe(3);
  });

  it("answers another tenant's installation exactly as an unknown id", async () => {
    const forGlobex = await server.gql(INSTALLATION, { id: ids['globex/prod'] }, scopedViewer.token);
    expect(forGlobex).toEqual({ data: { installation: null } });
    expect(forGlobex).toEqual(await server.gql(INSTALLATION, { id: randomUUID() }, scopedViewer.token));
  });

  it("cannot change another tenant's installation: the refusal is the one for a missing tenant", async () => {
    const forGlobex = await server.gql(
      UPDATE,
      { input: { tenantSlug: 'globex', slug: 'prod', frozen: true } },
      scopedReleaseManager.token,
    );
    const forMissing = await server.gql(
      UPDATE,
      { input: { tenantSlug: 'nobody', slug: 'prod', frozen: true } },
      scopedReleaseManager.token,
    );
    expect(errorCode(forGlobex)).toBe('NOT_FOUND');
    expect(forGlobex.errors![0].message.replace('globex', '<slug>')).toBe(
      forMissing.errors![0].message.replace('nobody', '<slug>'),
    );
    const { installation } = dataOf(await server.gql<{ installation: any }>(INSTALLATION, { id: ids['globex/prod'] }));
    expect(installation.frozen).toBe(false);
  });

  it('may change its own installation as a release manager, and a secret sent back as ******** is kept', async () => {
    const updated = dataOf(
      await server.gql<{ updateInstallation: any }>(
        UPDATE,
        {
          input: {
            tenantSlug: 'acme',
            slug: 'prod',
            requiresApproval: true,
            driverConfig: { url: 'https://hooks.example/deploy-v2', secret: '********' },
          },
        },
        scopedReleaseManager.token,
      ),
    ).updateInstallation;
    expect(updated).toMatchObject({
      requiresApproval: true,
      driverConfig: { url: 'https://hooks.example/deploy-v2', secret: '********' },
    });
    const rows: { driver_config: { secret: string } }[] = await server.dataSource.query(
      'SELECT driver_config FROM installation WHERE id = $1',
      [ids['acme/prod']],
    );
    expect(rows[0].driver_config.secret).toBe('s3cret-value-0123456789');
  });

  it('may not change settings as a viewer', async () => {
    const response = await server.gql(UPDATE, { input: { tenantSlug: 'acme', slug: 'qa', frozen: true } }, scopedViewer.token);
    expect(errorCode(response)).toBe('FORBIDDEN');
  });

  it('may not record a verification as a VIEWER, even on its own deployment', async () => {
    const deploymentId = await runningDeployment(ids['acme/qa']);
    const response = await server.gql(
      VERIFY,
      { input: { deploymentId, status: 'PASSED', source: 'viewer says so' } },
      scopedViewer.token,
    );
    expect(errorCode(response)).toBe('FORBIDDEN');
    const { installation } = dataOf(await server.gql<{ installation: any }>(INSTALLATION, { id: ids['acme/qa'] }));
    expect(installation.running[0].deployment.verifications).toEqual([]);
  });

  it("records a verification on its own deployment as an OPERATOR, and not on another tenant's", async () => {
    const own = await runningDeployment(ids['acme/qa']);
    const verified = dataOf(
      await server.gql<{ recordVerification: any }>(
        VERIFY,
        { input: { deploymentId: own, status: 'FAILED', source: 'smoke test', url: 'https://ci.example/run/7' } },
        scopedOperator.token,
      ),
    ).recordVerification;
    expect(verified).toMatchObject({
      status: 'FAILED',
      source: 'smoke test',
      url: 'https://ci.example/run/7',
      recordedBy: scopedOperator.actor,
    });

    const other = await runningDeployment(ids['globex/prod']);
    const forGlobex = await server.gql(
      VERIFY,
      { input: { deploymentId: other, status: 'PASSED', source: 'x' } },
      scopedOperator.token,
    );
    const missing = randomUUID();
    const forMissing = await server.gql(
      VERIFY,
      { input: { deploymentId: missing, status: 'PASSED', source: 'x' } },
      scopedOperator.token,
    );
    expect(errorCode(forGlobex)).toBe('NOT_FOUND');
    expect(forGlobex.errors![0].message.replace(other, '<id>')).toBe(forMissing.errors![0].message.replace(missing, '<id>'));
    const { installation } = dataOf(await server.gql<{ installation: any }>(INSTALLATION, { id: ids['globex/prod'] }));
    expect(installation.running[0].deployment.verifications).toEqual([]);
  });
});
