import { dataOf, type TestServer } from '../support/server';

export interface Fleet {
  installations: Record<string, string>;
}

/** Tiers dev < qa < prod with no promotion rules unless given, for rollout tests. */
export async function createTiers(
  server: TestServer,
  rules: { prodRequires?: string[]; prodRequiresVerification?: boolean } = {},
) {
  for (const [name, rank, requiredTiers, requireVerification] of [
    ['dev', 10, [], false],
    ['qa', 20, [], false],
    ['prod', 30, rules.prodRequires ?? [], rules.prodRequiresVerification ?? false],
  ] as const) {
    dataOf(
      await server.gql(`mutation ($input: CreateEnvironmentTierInput!) { createEnvironmentTier(input: $input) { id } }`, {
        input: { name, rank, requiredTiers, requireVerification },
      }),
    );
  }
}

export interface InstallationSpec {
  tenant: string;
  slug: string;
  tier: string;
  driver?: 'SIMULATED' | 'WEBHOOK' | 'MANUAL';
  driverConfig?: Record<string, unknown>;
  requiresApproval?: boolean;
  labels?: { key: string; value: string }[];
}

/** Creates tenants (once each) and installations; returns installation ids by `tenant/slug`. */
export async function createFleet(
  server: TestServer,
  specs: InstallationSpec[],
  tenantLabels: Record<string, { key: string; value: string }[]> = {},
) {
  const ids: Record<string, string> = {};
  const tenants = new Set<string>();
  for (const spec of specs) {
    if (!tenants.has(spec.tenant)) {
      tenants.add(spec.tenant);
      dataOf(
        await server.gql(`mutation ($input: CreateTenantInput!) { createTenant(input: $input) { id } }`, {
          input: { slug: spec.tenant, name: spec.tenant, labels: tenantLabels[spec.tenant] ?? [] },
        }),
      );
    }
    const created = dataOf(
      await server.gql<{ createInstallation: { id: string } }>(
        `mutation ($input: CreateInstallationInput!) { createInstallation(input: $input) { id } }`,
        {
          input: {
            tenantSlug: spec.tenant,
            slug: spec.slug,
            name: `${spec.tenant} ${spec.slug}`,
            tier: spec.tier,
            driver: spec.driver ?? 'SIMULATED',
            driverConfig: spec.driverConfig ?? { delayMs: 0 },
            requiresApproval: spec.requiresApproval ?? false,
            labels: spec.labels ?? [],
          },
        },
      ),
    );
    ids[`${spec.tenant}/${spec.slug}`] = created.createInstallation.id;
  }
  return ids;
}

/** Applications with the given versions registered. */
export async function createApplications(server: TestServer, slugs: string[], versions: string[]) {
  for (const slug of slugs) {
    dataOf(
      await server.gql(`mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { id } }`, {
        input: { slug, name: slug },
      }),
    );
    for (const version of versions) {
      dataOf(
        await server.gql(`mutation ($input: RegisterArtifactInput!) { registerArtifact(input: $input) { id } }`, {
          input: { applicationSlug: slug, version, imageRef: `registry.example/${slug}:${version}` },
        }),
      );
    }
  }
}

let trackCreated = new WeakSet<TestServer>();

/** A LOCKED release of track `product` with the given components (application → version, stage). */
export async function lockedRelease(
  server: TestServer,
  version: string,
  components: { app: string; version: string; stage: number }[],
) {
  if (!trackCreated.has(server)) {
    dataOf(await server.gql(`mutation { createReleaseTrack(input: { slug: "product", name: "Product" }) { id } }`));
    trackCreated.add(server);
  }
  const release = dataOf(
    await server.gql<{ createRelease: { id: string } }>(
      `mutation ($input: CreateReleaseInput!) { createRelease(input: $input) { id } }`,
      { input: { trackSlug: 'product', version } },
    ),
  ).createRelease;
  dataOf(
    await server.gql(`mutation ($input: SetReleaseComponentsInput!) { setReleaseComponents(input: $input) { id } }`, {
      input: {
        releaseId: release.id,
        components: components.map((c) => ({ applicationSlug: c.app, artifactVersion: c.version, stage: c.stage })),
      },
    }),
  );
  dataOf(await server.gql(`mutation ($id: ID!) { lockRelease(input: { releaseId: $id }) { status } }`, { id: release.id }));
  return release.id;
}

export function resetTracks() {
  trackCreated = new WeakSet<TestServer>();
}

export const ROLLOUT_FIELDS = `id status currentWave waveCount statusReason startedAt finishedAt
  progress { total pending awaitingApproval running succeeded failed skipped rolledBack cancelled rejected excluded finished percentComplete }
  targets(first: 50) { id wave status currentStage statusReason finishedAt installation { id slug tenant { slug } }
    deployments(first: 30) { id status stage kind finishedAt application { slug } artifact { version } } }`;

export async function startRollout(server: TestServer, input: Record<string, unknown>, token?: string) {
  return server.gql<{ startRollout: { id: string; status: string } }>(
    `mutation ($input: StartRolloutInput!) { startRollout(input: $input) { id status } }`,
    { input: { reason: 'test rollout', ...input } },
    token,
  );
}

export async function getRollout(server: TestServer, id: string) {
  return dataOf(await server.gql<{ rollout: any }>(`query ($id: ID!) { rollout(id: $id) { ${ROLLOUT_FIELDS} } }`, { id }))
    .rollout;
}

/** Polls until the rollout satisfies `done` (the engine works in the background); fails after `timeoutMs`. */
export async function waitForRollout(server: TestServer, id: string, done: (rollout: any) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rollout = await getRollout(server, id);
    if (done(rollout)) return rollout;
    if (Date.now() > deadline) throw new Error(`Rollout did not reach the expected state: ${JSON.stringify(rollout, null, 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The ledger fields the execution and reporting tests read. */
export const DEPLOYMENT_FIELDS = `id status stage kind reason triggeredBy message externalUrl queuedAt startedAt finishedAt
  installation { id slug tenant { slug } } application { slug } artifact { version } rollout { id } target { id }`;

/** Polls `probe` until `done` holds (the engine works in the background); fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value, null, 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every deployment of a rollout, oldest first. */
export async function rolloutDeployments(server: TestServer, rolloutId: string): Promise<any[]> {
  const { deployments } = dataOf(
    await server.gql<{ deployments: { nodes: any[] } }>(
      `query ($filter: DeploymentFilter) { deployments(first: 100, filter: $filter) { nodes { ${DEPLOYMENT_FIELDS} } } }`,
      { filter: { rolloutId } },
    ),
  );
  return deployments.nodes.reverse();
}

export async function getDeployment(server: TestServer, id: string, token?: string) {
  return dataOf(
    await server.gql<{ deployment: any }>(
      `query ($id: ID!) { deployment(id: $id) { ${DEPLOYMENT_FIELDS} log { line } verifications { status source url recordedBy } } }`,
      { id },
      token,
    ),
  ).deployment;
}

/** The target of a rollout (as `getRollout` reads it) for the installation `tenant/slug`. */
export function targetFor(rollout: any, key: string): any {
  const target = rollout.targets.find((t: any) => `${t.installation.tenant.slug}/${t.installation.slug}` === key);
  if (!target) throw new Error(`No target ${key} in rollout ${rollout.id}`);
  return target;
}

const COMMAND_INPUTS = {
  pauseRollout: 'PauseRolloutInput',
  resumeRollout: 'ResumeRolloutInput',
  abortRollout: 'AbortRolloutInput',
  promoteRollout: 'RolloutIdInput',
  approveRolloutTarget: 'TargetIdInput',
  rejectRolloutTarget: 'RejectRolloutTargetInput',
  retryRolloutTarget: 'RetryRolloutTargetInput',
} as const;

/** Runs a rollout or target command with its one `input`; the response is keyed by the mutation's name. */
export async function rolloutCommand(
  server: TestServer,
  mutation: keyof typeof COMMAND_INPUTS,
  input: Record<string, unknown>,
  token?: string,
  fields = 'id status',
) {
  return server.gql<Record<string, any>>(
    `mutation ($input: ${COMMAND_INPUTS[mutation]}!) { ${mutation}(input: $input) { ${fields} } }`,
    { input },
    token,
  );
}

export async function reportDeployment(server: TestServer, input: Record<string, unknown>, token?: string) {
  return server.gql<{ reportDeployment: any }>(
    `mutation ($input: ReportDeploymentInput!) { reportDeployment(input: $input) { ${DEPLOYMENT_FIELDS} } }`,
    { input },
    token,
  );
}

/** Replaces an installation's driver settings (e.g. to stop a SIMULATED failure). */
export async function setDriverConfig(server: TestServer, key: string, driverConfig: Record<string, unknown>) {
  const [tenantSlug, slug] = key.split('/');
  dataOf(
    await server.gql(`mutation ($input: UpdateInstallationInput!) { updateInstallation(input: $input) { id } }`, {
      input: { tenantSlug, slug, driverConfig },
    }),
  );
}

/** What runs on an installation, as `application@version` sorted by application. */
export async function runningOn(server: TestServer, installationId: string): Promise<string[]> {
  const { installation } = dataOf(
    await server.gql<{ installation: any }>(
      `query ($id: ID!) { installation(id: $id) { running { application { slug } artifact { version } } } }`,
      { id: installationId },
    ),
  );
  return installation.running.map((r: any) => `${r.application.slug}@${r.artifact.version}`);
}

let releaseSequence = 0;

/** A release version no other call in this test file has used. */
export function nextReleaseVersion(): string {
  releaseSequence += 1;
  return `10.${releaseSequence}.0`;
}

const TERMINAL_ROLLOUT = ['SUCCEEDED', 'FAILED', 'ABORTED'];
const TERMINAL_TARGET = ['SUCCEEDED', 'FAILED', 'SKIPPED', 'ROLLED_BACK', 'CANCELLED', 'REJECTED'];
const TERMINAL_DEPLOYMENT = ['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'];

/**
 * Every rollout, target and deployment in the database, each as `[kind, status, has a finish time, is terminal]`,
 * for asserting that a finish time is set exactly on the terminal states.
 */
export async function finishTimes(server: TestServer): Promise<[string, string, boolean, boolean][]> {
  const { rollouts, deployments } = dataOf(
    await server.gql<{ rollouts: any; deployments: any }>(`{
      rollouts(first: 100) { totalCount nodes { status finishedAt progress { total } targets(first: 50) { status finishedAt } } }
      deployments(first: 100) { totalCount nodes { status finishedAt } }
    }`),
  );
  if (rollouts.totalCount > 100 || deployments.totalCount > 100) throw new Error('finishTimes reads at most 100 of each');
  if (rollouts.nodes.some((r: any) => r.progress.total > 50))
    throw new Error('finishTimes reads at most 50 targets of a rollout');
  return [
    ...rollouts.nodes.map((r: any) => ['rollout', r.status, r.finishedAt !== null, TERMINAL_ROLLOUT.includes(r.status)]),
    ...rollouts.nodes.flatMap((r: any) =>
      r.targets.map((t: any) => ['target', t.status, t.finishedAt !== null, TERMINAL_TARGET.includes(t.status)]),
    ),
    ...deployments.nodes.map((d: any) => ['deployment', d.status, d.finishedAt !== null, TERMINAL_DEPLOYMENT.includes(d.status)]),
  ];
}
