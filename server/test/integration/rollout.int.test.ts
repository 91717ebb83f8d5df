import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';
import {
  createApplications,
  createFleet,
  createTiers,
  getRollout,
  lockedRelease,
  startRollout,
  waitForRollout,
} from '../factories/rollouts';

let server: TestServer;
let ids: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  ids = await createFleet(server, [
    { tenant: 'alpha', slug: 'prod', tier: 'prod' },
    { tenant: 'alpha', slug: 'qa', tier: 'qa' },
    { tenant: 'beta', slug: 'prod', tier: 'prod' },
  ]);
  await createApplications(server, ['db', 'api', 'web'], ['1.0.0', '1.1.0']);
});
afterAll(() => server.close());

describe('a rollout', () => {
  it('deploys every stage to every installation and records the ledger', async () => {
    const releaseId = await lockedRelease(server, '1.0.0', [
      { app: 'db', version: '1.0.0', stage: 1 },
      { app: 'api', version: '1.0.0', stage: 2 },
      { app: 'web', version: '1.0.0', stage: 2 },
    ]);
    const started = dataOf(
      await startRollout(server, { releaseId, selector: { tenantSlugs: ['alpha', 'beta'] }, maxParallel: 2 }),
    );
    const rollout = await waitForRollout(server, started.startRollout.id, (r) => r.status === 'SUCCEEDED');
    expect(rollout.progress).toMatchObject({ total: 3, succeeded: 3, finished: 3, percentComplete: 100 });
    for (const target of rollout.targets) {
      expect(target.status).toBe('SUCCEEDED');
      expect(target.deployments.map((d: any) => [d.stage, d.application.slug, d.status]).sort()).toEqual([
        [1, 'db', 'SUCCEEDED'],
        [2, 'api', 'SUCCEEDED'],
        [2, 'web', 'SUCCEEDED'],
      ]);
    }
    expect(rollout.finishedAt).toEqual(expect.any(String));
    const running = dataOf(
      await server.gql(`query ($id: ID!) { installation(id: $id) { running { application { slug } artifact { version } } } }`, {
        id: ids['alpha/prod'],
      }),
    );
    expect(running.installation.running).toEqual([
      { application: { slug: 'api' }, artifact: { version: '1.0.0' } },
      { application: { slug: 'db' }, artifact: { version: '1.0.0' } },
      { application: { slug: 'web' }, artifact: { version: '1.0.0' } },
    ]);
    const where = dataOf(await server.gql(`{ whereIs(applicationSlug: "api", version: "1.0.0") { slug tenant { slug } } }`));
    expect(where.whereIs).toHaveLength(3);
  });

  it('skips components that already run the same artifact', async () => {
    const releaseId = await lockedRelease(server, '1.1.0', [
      { app: 'db', version: '1.0.0', stage: 1 },
      { app: 'api', version: '1.1.0', stage: 2 },
      { app: 'web', version: '1.0.0', stage: 2 },
    ]);
    const preview = dataOf(
      await server.gql(
        `query ($input: RolloutPlanInput!) { previewRollout(input: $input) { blockers deploymentCount skipCount waveCount
          targets { installation { slug } wave stages { stage deployments { application { slug } action } } } } }`,
        { input: { releaseId, installationIds: [ids['alpha/prod']] } },
      ),
    );
    expect(preview.previewRollout).toMatchObject({ blockers: [], deploymentCount: 1, skipCount: 2, waveCount: 1 });
    const started = dataOf(await startRollout(server, { releaseId, installationIds: [ids['alpha/prod']] }));
    const rollout = await waitForRollout(server, started.startRollout.id, (r) => r.status === 'SUCCEEDED');
    const statuses = rollout.targets[0].deployments.map((d: any) => [d.application.slug, d.status]).sort();
    expect(statuses).toEqual([
      ['api', 'SUCCEEDED'],
      ['db', 'SKIPPED'],
      ['web', 'SKIPPED'],
    ]);
  });

  it('puts a release ON_HOLD, not back to DRAFT, when it is unlocked while a rollout of it is under way', async () => {
    dataOf(
      await server.gql(
        `mutation { createInstallation(input: { tenantSlug: "beta", slug: "manual", name: "Manual", tier: "qa", driver: MANUAL }) { id } }`,
      ),
    );
    const releaseId = await lockedRelease(server, '1.3.0', [{ app: 'web', version: '1.1.0', stage: 1 }]);
    const started = dataOf(await startRollout(server, { releaseId, selector: { tenantSlugs: ['beta'], tiers: ['qa'] } }));
    // A MANUAL deployment waits for a person: the rollout is under way and nothing has succeeded yet.
    await waitForRollout(server, started.startRollout.id, (r) => r.targets[0]?.deployments.length === 1);
    const unlocked = dataOf(
      await server.gql(`mutation ($id: ID!) { unlockRelease(input: { releaseId: $id, reason: "rethink" }) { status } }`, {
        id: releaseId,
      }),
    );
    expect(unlocked.unlockRelease.status).toBe('ON_HOLD');
    const edit = await server.gql(
      `mutation ($id: ID!) { setReleaseComponents(input: { releaseId: $id, components: [{ applicationSlug: "api", artifactVersion: "1.1.0", stage: 1 }] }) { id } }`,
      { id: releaseId },
    );
    expect(errorCode(edit)).toBe('CONFLICT');
    dataOf(
      await server.gql(`mutation ($id: ID!) { abortRollout(input: { rolloutId: $id, reason: "done" }) { status } }`, {
        id: started.startRollout.id,
      }),
    );
  });

  it('refuses to start for a release that is not locked', async () => {
    const draft = dataOf(
      await server.gql<{ createRelease: { id: string } }>(
        `mutation { createRelease(input: { trackSlug: "product", version: "9.0.0" }) { id } }`,
      ),
    ).createRelease;
    const response = await startRollout(server, { releaseId: draft.id, installationIds: [ids['alpha/prod']] });
    expect(errorCode(response)).toBe('CONFLICT');
    expect(response.errors![0].extensions!.blockers[0]).toContain('only a LOCKED release can roll out');
  });
});

describe('the ledger', () => {
  it('filters by application slug or by its name in any case, and finds nothing for another name', async () => {
    dataOf(await server.gql(`mutation { createApplication(input: { slug: "billing", name: "Billing service" }) { id } }`));
    dataOf(
      await server.gql(
        `mutation { registerArtifact(input: { applicationSlug: "billing", version: "1.0.0", imageRef: "registry.example/billing:1.0.0" }) { id } }`,
      ),
    );
    const releaseId = await lockedRelease(server, '5.0.0', [{ app: 'billing', version: '1.0.0', stage: 1 }]);
    const started = dataOf(await startRollout(server, { releaseId, installationIds: [ids['beta/prod']] }));
    await waitForRollout(server, started.startRollout.id, (r) => r.status === 'SUCCEEDED');

    const ledger = async (applicationSlug: string) =>
      dataOf(
        await server.gql(
          `query ($filter: DeploymentFilter) { deployments(filter: $filter) { totalCount nodes { application { slug } } } }`,
          { filter: { applicationSlug } },
        ),
      ).deployments;
    for (const typed of ['billing', 'Billing service', 'billing SERVICE', ' Billing service ']) {
      const found = await ledger(typed);
      expect(found.totalCount).toBe(1);
      expect(found.nodes).toEqual([{ application: { slug: 'billing' } }]);
    }
    expect((await ledger('Billing')).totalCount).toBe(0);
  });
});

describe("an artifact's journey", () => {
  it('lists every installation and tier it reached in time order, with verifications', async () => {
    const releaseId = await lockedRelease(server, '1.2.0', [{ app: 'db', version: '1.1.0', stage: 1 }]);
    const toQa = dataOf(await startRollout(server, { releaseId, installationIds: [ids['alpha/qa']] }));
    const qa = await waitForRollout(server, toQa.startRollout.id, (r) => r.status === 'SUCCEEDED');
    const qaDeployment = qa.targets[0].deployments[0].id;
    dataOf(
      await server.gql(
        `mutation ($id: ID!) { recordVerification(input: { deploymentId: $id, status: PASSED, source: "e2e #5" }) { id } }`,
        {
          id: qaDeployment,
        },
      ),
    );
    const toProd = dataOf(await startRollout(server, { releaseId, selector: { tiers: ['prod'] } }));
    await waitForRollout(server, toProd.startRollout.id, (r) => r.status === 'SUCCEEDED');

    const journey = dataOf(
      await server.gql(`{ artifact(applicationSlug: "db", version: "1.1.0") {
        journey(first: 100) { at tier { name } installation { slug tenant { slug } } verifications(first: 10) { status source } deployment { id } } } }`),
    ).artifact.journey;
    const places = journey.map((step: any) => `${step.installation.tenant.slug}/${step.installation.slug}@${step.tier.name}`);
    expect(places[0]).toBe('alpha/qa@qa');
    expect(places.slice(1).sort()).toEqual(['alpha/prod@prod', 'beta/prod@prod']);
    expect(journey[0]).toMatchObject({
      deployment: { id: qaDeployment },
      verifications: [{ status: 'PASSED', source: 'e2e #5' }],
    });
    const times = journey.map((step: any) => new Date(step.at).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

it('keeps a rollout readable while it runs', async () => {
  const all = dataOf(await server.gql(`{ rollouts { totalCount nodes { id status release { version } } } }`));
  expect(all.rollouts.totalCount).toBeGreaterThanOrEqual(2);
  await getRollout(server, all.rollouts.nodes[0].id);
});
