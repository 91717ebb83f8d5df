import { randomUUID } from 'node:crypto';
import {
  createApplications,
  createFleet,
  finishTimes,
  getRollout,
  lockedRelease,
  nextReleaseVersion,
  reportDeployment,
  rolloutCommand,
  rolloutDeployments,
  startRollout,
  targetFor,
  waitForRollout,
} from '../factories/rollouts';
import {
  auditEvents,
  createApiToken,
  createSignedInUser,
  createTier,
  UPDATE_INSTALLATION,
  UPDATE_TENANT,
} from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type GraphQLResponse, type TestServer } from '../support/server';

let server: TestServer;
let ids: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer();
  await createTier(server, { name: 'dev', rank: 10 });
  await createTier(server, { name: 'qa', rank: 20 });
  await createTier(server, { name: 'prod', rank: 30, requiredTiers: ['qa'] });
  await createTier(server, { name: 'secure', rank: 40, requiredTiers: ['qa'], requireVerification: true });
  await createApplications(server, ['db', 'api', 'web'], ['1.0.0', '1.1.0']);
  ids = await createFleet(server, [
    { tenant: 'acme', slug: 'dev', tier: 'dev' },
    { tenant: 'acme', slug: 'frozen', tier: 'dev' },
    { tenant: 'acme', slug: 'qa', tier: 'qa' },
    { tenant: 'acme', slug: 'prod', tier: 'prod' },
    { tenant: 'acme', slug: 'secure', tier: 'secure' },
    { tenant: 'blocked', slug: 'dev', tier: 'dev' },
    { tenant: 'other', slug: 'dev', tier: 'dev' },
  ]);
  dataOf(await server.gql(UPDATE_TENANT, { input: { slug: 'blocked', blocked: true } }));
  dataOf(await server.gql(UPDATE_INSTALLATION, { input: { tenantSlug: 'acme', slug: 'frozen', frozen: true } }));
});
afterAll(() => server.close());

const PLAN_FIELDS = `blockers promotionGaps { tier requiredTier missing } waveCount waves { index label targetCount } deploymentCount skipCount release { id }
  excluded(first: 100) { installation { slug tenant { slug } } reason }
  targets(first: 100) { wave requiresApproval installation { slug tenant { slug } }
    stages { stage deployments { action application { slug } artifact { version } running { version } } } }`;

function preview(input: Record<string, unknown>, token?: string) {
  return server.gql<{ previewRollout: any }>(
    `query ($input: RolloutPlanInput!) { previewRollout(input: $input) { ${PLAN_FIELDS} } }`,
    { input },
    token,
  );
}

const blockersOf = (response: GraphQLResponse): string[] => response.errors?.[0]?.extensions?.blockers ?? [];

async function release(
  components: { app: string; version: string; stage: number }[] = [{ app: 'api', version: '1.0.0', stage: 1 }],
) {
  return lockedRelease(server, nextReleaseVersion(), components);
}

async function startAndWait(input: Record<string, unknown>, status = 'SUCCEEDED') {
  const id = dataOf(await startRollout(server, input)).startRollout.id;
  return waitForRollout(server, id, (r) => r.status === status);
}

describe('pauseRollout and resumeRollout', () => {
  it('pause lets the running installation finish but starts no new one; resume goes on', async () => {
    await createFleet(
      server,
      ['a', 'b', 'c'].map((slug) => ({ tenant: 'pausing', slug, tier: 'dev', driverConfig: { delayMs: 300 } })),
    );
    const releaseId = await release();
    const id = dataOf(await startRollout(server, { releaseId, selector: { tenantSlugs: ['pausing'] }, maxParallel: 1 }))
      .startRollout.id;

    const paused = dataOf(
      await rolloutCommand(
        server,
        'pauseRollout',
        { rolloutId: id, reason: 'Watching the dashboards' },
        undefined,
        'status statusReason',
      ),
    );
    expect(paused.pauseRollout).toEqual({ status: 'PAUSED', statusReason: 'Watching the dashboards' });

    const settled = await waitForRollout(server, id, (r) => r.progress.running === 0);
    expect(settled.status).toBe('PAUSED');
    expect(settled.progress.pending).toBeGreaterThan(0);
    expect(settled.progress.succeeded + settled.progress.pending).toBe(3);
    for (const target of settled.targets.filter((t: any) => t.status === 'PENDING')) expect(target.deployments).toEqual([]);

    expect(dataOf(await rolloutCommand(server, 'resumeRollout', { rolloutId: id })).resumeRollout.status).toBe('RUNNING');
    const done = await waitForRollout(server, id, (r) => r.status === 'SUCCEEDED');
    expect(done.progress).toMatchObject({ succeeded: 3, finished: 3 });
  });

  it('refuses to pause, resume or promote a rollout in the wrong state, and anyone below RELEASE_MANAGER', async () => {
    const done = await startAndWait({ releaseId: await release(), installationIds: [ids['acme/dev']] });
    expect(errorCode(await rolloutCommand(server, 'pauseRollout', { rolloutId: done.id }))).toBe('CONFLICT');
    expect(errorCode(await rolloutCommand(server, 'resumeRollout', { rolloutId: done.id }))).toBe('CONFLICT');
    expect(errorCode(await rolloutCommand(server, 'promoteRollout', { rolloutId: done.id }))).toBe('CONFLICT');
    const operator = await createApiToken(server, { role: 'OPERATOR' });
    expect(errorCode(await rolloutCommand(server, 'pauseRollout', { rolloutId: done.id }, operator.token))).toBe('FORBIDDEN');
    expect(errorCode(await rolloutCommand(server, 'pauseRollout', { rolloutId: randomUUID() }))).toBe('NOT_FOUND');
  });
});

describe('abortRollout', () => {
  it('ends the rollout ABORTED, cancels pending installations and queued deployments, each with a finish time', async () => {
    await createFleet(
      server,
      ['a', 'b', 'c'].map((slug) => ({ tenant: 'aborting', slug, tier: 'dev', driver: 'MANUAL' as const, driverConfig: {} })),
    );
    const releaseId = await release([
      { app: 'db', version: '1.0.0', stage: 1 },
      { app: 'api', version: '1.0.0', stage: 1 },
    ]);
    const id = dataOf(await startRollout(server, { releaseId, selector: { tenantSlugs: ['aborting'] }, maxParallel: 1 }))
      .startRollout.id;
    const running = await getRollout(server, id);
    expect(running.targets.map((t: any) => [t.status, t.deployments.map((d: any) => d.status)])).toEqual([
      ['RUNNING', ['QUEUED', 'QUEUED']],
      ['PENDING', []],
      ['PENDING', []],
    ]);

    expect(errorCode(await rolloutCommand(server, 'abortRollout', { rolloutId: id, reason: ' ' }))).toBe('BAD_USER_INPUT');
    const aborted = dataOf(
      await rolloutCommand(
        server,
        'abortRollout',
        { rolloutId: id, reason: 'Wrong release' },
        undefined,
        'status statusReason finishedAt',
      ),
    );
    expect(aborted.abortRollout).toEqual({ status: 'ABORTED', statusReason: 'Wrong release', finishedAt: expect.any(String) });

    const after = await getRollout(server, id);
    expect(after.progress).toMatchObject({ cancelled: 3, finished: 3, running: 0, pending: 0 });
    for (const target of after.targets) {
      expect(target).toMatchObject({ status: 'CANCELLED', statusReason: 'Wrong release', finishedAt: expect.any(String) });
    }
    const deployments = await rolloutDeployments(server, id);
    expect(deployments.map((d) => [d.status, d.finishedAt !== null])).toEqual([
      ['CANCELLED', true],
      ['CANCELLED', true],
    ]);

    expect(errorCode(await rolloutCommand(server, 'abortRollout', { rolloutId: id, reason: 'again' }))).toBe('CONFLICT');
    expect(errorCode(await rolloutCommand(server, 'resumeRollout', { rolloutId: id }))).toBe('CONFLICT');
    expect(errorCode(await rolloutCommand(server, 'retryRolloutTarget', { targetId: after.targets[0].id }))).toBe('CONFLICT');
    expect(errorCode(await reportDeployment(server, { deploymentId: deployments[0].id, status: 'SUCCEEDED' }))).toBe('CONFLICT');
  });
});

describe('retryRolloutTarget', () => {
  it('refuses a target that has not failed, and an unknown one', async () => {
    const done = await startAndWait({
      releaseId: await release([{ app: 'web', version: '1.0.0', stage: 1 }]),
      installationIds: [ids['acme/dev']],
    });
    expect(errorCode(await rolloutCommand(server, 'retryRolloutTarget', { targetId: done.targets[0].id }))).toBe('CONFLICT');
    expect(errorCode(await rolloutCommand(server, 'retryRolloutTarget', { targetId: randomUUID() }))).toBe('NOT_FOUND');
  });
});

describe('startRollout refusals', () => {
  it('refuses a release that is not LOCKED', async () => {
    const rescinded = await release();
    const draft = dataOf(
      await server.gql(`mutation { createRelease(input: { trackSlug: "product", version: "${nextReleaseVersion()}" }) { id } }`),
    ).createRelease.id;
    dataOf(
      await server.gql(`mutation ($input: RescindReleaseInput!) { rescindRelease(input: $input) { status } }`, {
        input: { releaseId: rescinded, reason: 'Withdrawn' },
      }),
    );
    for (const releaseId of [draft, rescinded]) {
      const response = await startRollout(server, { releaseId, installationIds: [ids['acme/dev']] });
      expect(errorCode(response)).toBe('CONFLICT');
      expect(blockersOf(response).join()).toContain('only a LOCKED release can roll out');
    }
    expect(dataOf(await server.gql(`{ rollouts(filter: { releaseId: "${draft}" }) { totalCount } }`)).rollouts.totalCount).toBe(
      0,
    );
  });

  it('refuses a blocked tenant or a frozen installation chosen by id', async () => {
    const releaseId = await release();
    const blocked = await startRollout(server, { releaseId, installationIds: [ids['acme/dev'], ids['blocked/dev']] });
    expect(errorCode(blocked)).toBe('CONFLICT');
    expect(blockersOf(blocked)).toContain('Tenant blocked is blocked');
    const frozen = await startRollout(server, { releaseId, installationIds: [ids['acme/frozen']] });
    expect(errorCode(frozen)).toBe('CONFLICT');
    expect(blockersOf(frozen)).toContain('Installation acme/frozen is frozen');
  });

  it('leaves blocked tenants and frozen installations out of a selector and lists them as excluded', async () => {
    const releaseId = await release();
    const input = { releaseId, selector: { tenantSlugs: ['acme', 'blocked'], tiers: ['dev'] } };
    const plan = dataOf(await preview(input)).previewRollout;
    expect(plan.blockers).toEqual([]);
    expect(plan.targets.map((t: any) => `${t.installation.tenant.slug}/${t.installation.slug}`)).toEqual(['acme/dev']);
    expect(plan.excluded).toEqual([
      { installation: { slug: 'frozen', tenant: { slug: 'acme' } }, reason: 'Installation acme/frozen is frozen' },
      { installation: { slug: 'dev', tenant: { slug: 'blocked' } }, reason: 'Tenant blocked is blocked' },
    ]);
    const rollout = await startAndWait(input);
    expect(rollout.targets.map((t: any) => t.installation.id)).toEqual([ids['acme/dev']]);
  });

  it('refuses a selection with no installation', async () => {
    const releaseId = await release();
    for (const selector of [{ tenantSlugs: ['nobody'] }, { tenantSlugs: ['blocked'] }]) {
      const response = await startRollout(server, { releaseId, selector });
      expect(errorCode(response)).toBe('CONFLICT');
      expect(blockersOf(response)).toContain('No installation to roll out to');
    }
    expect(errorCode(await startRollout(server, { releaseId }))).toBe('BAD_USER_INPUT');
  });

  it('refuses prod until the release has succeeded on qa', async () => {
    const releaseId = await release();
    const early = await startRollout(server, { releaseId, installationIds: [ids['acme/prod']] });
    expect(errorCode(early)).toBe('CONFLICT');
    expect(blockersOf(early).join()).toContain('prod requires the release to have succeeded on qa first');
    const plan = dataOf(await preview({ releaseId, installationIds: [ids['acme/prod']] })).previewRollout;
    expect(plan.blockers).toEqual(blockersOf(early));
    expect(plan.promotionGaps).toEqual([{ tier: 'prod', requiredTier: 'qa', missing: 'SUCCESS' }]);

    await startAndWait({ releaseId, installationIds: [ids['acme/qa']] });
    await startAndWait({ releaseId, installationIds: [ids['acme/prod']] });
  });

  it('refuses a tier that requires verification until a qa deployment of the release passed one', async () => {
    const releaseId = await release([{ app: 'db', version: '1.1.0', stage: 1 }]);
    const qa = await startAndWait({ releaseId, installationIds: [ids['acme/qa']] });
    const qaDeployment = qa.targets[0].deployments[0].id;

    const verify = async (status: string) =>
      dataOf(
        await server.gql(`mutation ($input: RecordVerificationInput!) { recordVerification(input: $input) { id } }`, {
          input: { deploymentId: qaDeployment, status, source: `e2e ${status}` },
        }),
      );
    const refused = async () => {
      const response = await startRollout(server, { releaseId, installationIds: [ids['acme/secure']] });
      expect(errorCode(response)).toBe('CONFLICT');
      expect(blockersOf(response).join()).toContain('secure requires a passed verification of the release on qa');
    };
    const gaps = async () =>
      dataOf(await preview({ releaseId, installationIds: [ids['acme/secure']] })).previewRollout.promotionGaps;
    await refused();
    expect(await gaps()).toEqual([{ tier: 'secure', requiredTier: 'qa', missing: 'VERIFICATION' }]);
    await verify('FAILED');
    await refused();
    await verify('PASSED');
    expect(await gaps()).toEqual([]);
    await startAndWait({ releaseId, installationIds: [ids['acme/secure']] });
  });

  it('refuses VIEWER and OPERATOR callers', async () => {
    const releaseId = await release();
    for (const role of ['VIEWER', 'OPERATOR'] as const) {
      const { token } = await createApiToken(server, { role });
      expect(errorCode(await startRollout(server, { releaseId, installationIds: [ids['acme/dev']] }, token))).toBe('FORBIDDEN');
      expect(errorCode(await preview({ releaseId, installationIds: [ids['acme/dev']] }, token))).toBe('FORBIDDEN');
    }
  });

  it('answers NOT_FOUND for an unknown installation or release', async () => {
    const releaseId = await release();
    expect(errorCode(await startRollout(server, { releaseId, installationIds: [ids['acme/dev'], randomUUID()] }))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await startRollout(server, { releaseId, installationIds: ['not-an-id'] }))).toBe('NOT_FOUND');
    expect(errorCode(await startRollout(server, { releaseId: randomUUID(), installationIds: [ids['acme/dev']] }))).toBe(
      'NOT_FOUND',
    );
  });

  it("keeps a tenant-scoped release manager to its own tenants' installations and rollouts", async () => {
    const manager = await createSignedInUser(server, { role: 'RELEASE_MANAGER', tenantSlugs: ['acme'] });
    const releaseId = await release([{ app: 'api', version: '1.1.0', stage: 1 }]);

    const foreign = await startRollout(
      server,
      { releaseId, installationIds: [ids['acme/dev'], ids['other/dev']] },
      manager.token,
    );
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    expect(errorCode(await preview({ releaseId, installationIds: [ids['other/dev']] }, manager.token))).toBe('NOT_FOUND');
    const bySelector = await startRollout(server, { releaseId, selector: { tenantSlugs: ['other'] } }, manager.token);
    expect(blockersOf(bySelector)).toContain('No installation to roll out to');

    const own = dataOf(await startRollout(server, { releaseId, installationIds: [ids['acme/dev']] }, manager.token)).startRollout;
    await waitForRollout(server, own.id, (r) => r.status === 'SUCCEEDED');

    const theirs = dataOf(await startRollout(server, { releaseId, installationIds: [ids['other/dev']] })).startRollout;
    expect(
      errorCode(await rolloutCommand(server, 'abortRollout', { rolloutId: theirs.id, reason: 'mine now' }, manager.token)),
    ).toBe('NOT_FOUND');
    expect(
      dataOf(await server.gql(`query ($id: ID!) { rollout(id: $id) { id } }`, { id: theirs.id }, manager.token)).rollout,
    ).toBeNull();
  });
});

describe('a rollout shared by several tenants', () => {
  it("shows a tenant-scoped viewer only its own tenant's targets, in the list and in the progress counts", async () => {
    const fleet = await createFleet(server, [
      { tenant: 'sharing-one', slug: 'dev', tier: 'dev' },
      { tenant: 'sharing-two', slug: 'dev', tier: 'dev' },
    ]);
    const viewer = await createSignedInUser(server, { role: 'VIEWER', tenantSlugs: ['sharing-one'] });
    const releaseId = await release([{ app: 'web', version: '1.1.0', stage: 1 }]);
    const shared = await startAndWait({ releaseId, installationIds: [fleet['sharing-one/dev'], fleet['sharing-two/dev']] });
    const query = `query ($id: ID!) { rollout(id: $id) {
      targets { installation { slug tenant { slug } } }
      progress { total succeeded finished percentComplete } } }`;

    const all = dataOf(await server.gql<{ rollout: any }>(query, { id: shared.id })).rollout;
    expect(all.progress).toEqual({ total: 2, succeeded: 2, finished: 2, percentComplete: 100 });

    const scoped = dataOf(await server.gql<{ rollout: any }>(query, { id: shared.id }, viewer.token)).rollout;
    expect(scoped.targets).toEqual([{ installation: { slug: 'dev', tenant: { slug: 'sharing-one' } } }]);
    expect(scoped.progress).toEqual({ total: 1, succeeded: 1, finished: 1, percentComplete: 100 });
  });
});

describe('previewRollout', () => {
  it('lists each target with its wave and per stage what it would DEPLOY or SKIP, and changes nothing', async () => {
    const fleet = await createFleet(
      server,
      [
        { tenant: 'preview-early', slug: 'app', tier: 'dev' },
        { tenant: 'preview-late', slug: 'app', tier: 'dev' },
      ],
      { 'preview-early': [{ key: 'cohort', value: 'early-adopter' }] },
    );
    const first = await release([
      { app: 'db', version: '1.0.0', stage: 1 },
      { app: 'api', version: '1.0.0', stage: 2 },
    ]);
    await startAndWait({ releaseId: first, installationIds: [fleet['preview-early/app']] });
    const releaseId = await release([
      { app: 'db', version: '1.0.0', stage: 1 },
      { app: 'api', version: '1.1.0', stage: 2 },
      { app: 'web', version: '1.0.0', stage: 2 },
    ]);

    const counts = async () => ({
      ...dataOf(await server.gql(`{ rollouts { totalCount } deployments { totalCount } }`)),
      audit: (await auditEvents(server, {})).totalCount,
    });
    const before = await counts();
    const plan = dataOf(
      await preview({
        releaseId,
        selector: { tenantSlugs: ['preview-early', 'preview-late'] },
        waves: [{ tenantLabels: [{ key: 'cohort', value: 'early-adopter' }] }],
      }),
    ).previewRollout;
    expect(await counts()).toEqual(before);

    expect(plan).toMatchObject({
      release: { id: releaseId },
      blockers: [],
      excluded: [],
      waveCount: 2,
      deploymentCount: 5,
      skipCount: 1,
    });
    const view = (target: any) => ({
      tenant: target.installation.tenant.slug,
      wave: target.wave,
      stages: target.stages.map((s: any) => [
        s.stage,
        s.deployments
          .map((d: any) => `${d.application.slug}@${d.artifact.version}:${d.action}:${d.running?.version ?? 'none'}`)
          .sort(),
      ]),
    });
    expect(plan.targets.map(view)).toEqual([
      {
        tenant: 'preview-early',
        wave: 1,
        stages: [
          [1, ['db@1.0.0:SKIP:1.0.0']],
          [2, ['api@1.1.0:DEPLOY:1.0.0', 'web@1.0.0:DEPLOY:none']],
        ],
      },
      {
        tenant: 'preview-late',
        wave: 2,
        stages: [
          [1, ['db@1.0.0:DEPLOY:none']],
          [2, ['api@1.1.0:DEPLOY:none', 'web@1.0.0:DEPLOY:none']],
        ],
      },
    ]);
  });

  it('splits waves by percent', async () => {
    const releaseId = await release();
    const plan = dataOf(
      await preview({ releaseId, selector: { tenantSlugs: ['acme'], tiers: ['dev', 'qa'] }, waves: [{ percent: 50 }] }),
    ).previewRollout;
    expect(plan.targets.map((t: any) => [t.installation.slug, t.wave])).toEqual([
      ['dev', 1],
      ['qa', 2],
    ]);
  });
});

describe('empty waves', () => {
  const unmatched = [{ tenantLabels: [{ key: 'cohort', value: 'nobody' }] }, { count: 1 }];

  it('reports every requested wave with its count, an empty one included, and refuses to start with it', async () => {
    const releaseId = await release();
    const input = { releaseId, selector: { tenantSlugs: ['acme'], tiers: ['dev', 'qa'] }, waves: unmatched };
    const plan = dataOf(await preview(input)).previewRollout;
    expect(plan.waves).toEqual([
      { index: 1, label: 'tenants labelled cohort=nobody', targetCount: 0 },
      { index: 2, label: 'first 1', targetCount: 1 },
      { index: 3, label: 'the rest', targetCount: 1 },
    ]);
    expect(plan.blockers).toEqual([
      'Wave 1 (tenants labelled cohort=nobody) would take no installation; change it, remove it or allow empty waves',
    ]);

    const before = dataOf(await server.gql(`{ rollouts { totalCount } }`)).rollouts.totalCount;
    const refused = await startRollout(server, input);
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(blockersOf(refused)).toEqual(plan.blockers);
    expect(dataOf(await server.gql(`{ rollouts { totalCount } }`)).rollouts.totalCount).toBe(before);
  });

  it('starts without the empty wave when the caller allows empty waves', async () => {
    const releaseId = await release();
    const input = {
      releaseId,
      selector: { tenantSlugs: ['acme'], tiers: ['dev', 'qa'] },
      waves: unmatched,
      allowEmptyWaves: true,
    };
    const plan = dataOf(await preview(input)).previewRollout;
    expect(plan).toMatchObject({ blockers: [], waveCount: 2 });
    expect(plan.waves.map((w: any) => w.targetCount)).toEqual([0, 1, 1]);
    const started = dataOf(await startRollout(server, { ...input, promoteAfterSeconds: 0 })).startRollout.id;
    const rollout = await waitForRollout(server, started, (r) => r.status === 'SUCCEEDED');
    expect(rollout.waveCount).toBe(2);
    expect(rollout.targets.map((t: any) => [t.installation.slug, t.wave])).toEqual([
      ['dev', 1],
      ['qa', 2],
    ]);
  });

  it('a count or percent wave that finds nothing left is empty too', async () => {
    const releaseId = await release();
    const plan = dataOf(
      await preview({ releaseId, installationIds: [ids['acme/dev']], waves: [{ count: 1 }, { percent: 50 }] }),
    ).previewRollout;
    expect(plan.waves).toEqual([
      { index: 1, label: 'first 1', targetCount: 1 },
      { index: 2, label: '50 %', targetCount: 0 },
    ]);
    expect(plan.blockers).toEqual(['Wave 2 (50 %) would take no installation; change it, remove it or allow empty waves']);
  });

  it('one wave of all when no wave is asked for', async () => {
    const releaseId = await release();
    const plan = dataOf(await preview({ releaseId, installationIds: [ids['acme/dev'], ids['acme/qa']] })).previewRollout;
    expect(plan.waves).toEqual([{ index: 1, label: 'all', targetCount: 2 }]);
    expect(plan.blockers).toEqual([]);
  });
});

describe('rollouts', () => {
  it('filters by release and status, newest first', async () => {
    const releaseId = await release([{ app: 'web', version: '1.1.0', stage: 1 }]);
    const first = await startAndWait({ releaseId, installationIds: [ids['acme/dev']] });
    const second = await startAndWait({ releaseId, installationIds: [ids['acme/qa']] });
    const { rollouts } = dataOf(
      await server.gql(
        `query ($id: ID!) { rollouts(filter: { releaseId: $id, statuses: [SUCCEEDED] }) { totalCount nodes { id } } }`,
        {
          id: releaseId,
        },
      ),
    );
    expect(rollouts).toEqual({ totalCount: 2, nodes: [{ id: second.id }, { id: first.id }] });
    expect(targetFor(first, 'acme/dev').status).toBe('SUCCEEDED');
  });
});

it('sets a finish time on exactly the terminal rollouts, targets and deployments', async () => {
  const rows = await finishTimes(server);
  expect(rows.filter(([, , finished, terminal]) => finished !== terminal)).toEqual([]);
});
