import type { ShiplogApi } from './api';

/** What `seedLedger` made, named as the pages show it. */
export interface LedgerSeed {
  uid: string;
  tenant: { slug: string; name: string; id: string };
  qaTier: string;
  prodTier: string;
  qa: { id: string; name: string };
  prod: { id: string; name: string };
  /** Deploys everywhere. */
  api: { slug: string; name: string };
  /** Fails on prod. */
  web: { slug: string; name: string };
  version: string;
  releaseId: string;
  releaseName: string;
  qaRolloutId: string;
  verificationSource: string;
}

/**
 * A small pipeline qa → prod (tiers ranked above every other, so prod is the last tier), one tenant with a qa
 * and a prod installation (SIMULATED; prod fails `web`), a locked release of `api` and `web`, rolled out to qa
 * and verified there. `rollOutToProd` then starts the rollout to prod, where `web` fails.
 */
export async function seedLedger(api: ShiplogApi, uid: string, prodDelayMs = 1500) {
  // Ranks grow with time, so the prod tier of the latest seed is the last tier of the pipeline.
  const rank = 2 * (Math.floor(Date.now() / 10) % 1_000_000_000);
  const qaTier = (await api.createEnvironmentTier({ name: `qa-${uid}`, rank })).name;
  const prodTier = (await api.createEnvironmentTier({ name: `prod-${uid}`, rank: rank + 1 })).name;
  const tenant = await api.createTenant({ slug: `ledger-${uid}`, name: `Ledger ${uid}` });
  const apiApp = { slug: `api-${uid}`, name: `API ${uid}` };
  const webApp = { slug: `web-${uid}`, name: `Web ${uid}` };
  const qa = await api.createInstallation({
    tenantSlug: tenant.slug,
    slug: 'qa',
    name: 'QA',
    tier: qaTier,
    driverConfig: { delayMs: 200 },
  });
  const prod = await api.createInstallation({
    tenantSlug: tenant.slug,
    slug: 'prod',
    name: 'Production',
    tier: prodTier,
    driverConfig: { delayMs: prodDelayMs, fail: [webApp.slug] },
  });
  const version = '2.0.0';
  for (const app of [apiApp, webApp]) {
    await api.createApplication(app);
    await api.registerArtifact({ applicationSlug: app.slug, version, imageRef: `registry.example/${app.slug}:${version}` });
  }
  const trackName = `Ledger track ${uid}`;
  const track = await api.createReleaseTrack({ slug: `ledger-${uid}`, name: trackName });
  const release = await api.createRelease({ trackSlug: track.slug, version });
  await api.setReleaseComponents({
    releaseId: release.id,
    components: [apiApp, webApp].map((app) => ({ applicationSlug: app.slug, artifactVersion: version, stage: 1 })),
  });
  await api.lockRelease(release.id);

  const qaRollout = await api.startRollout({ releaseId: release.id, installationIds: [qa.id], reason: 'e2e: to qa first' });
  await api.waitForRollout(qaRollout.id, ['SUCCEEDED']);
  const verificationSource = `e2e suite #${uid}`;
  const [qaApiDeployment] = await api.deployments({ installationId: qa.id, applicationSlug: apiApp.slug });
  await api.recordVerification({ deploymentId: qaApiDeployment.id, status: 'PASSED', source: verificationSource });

  const seed: LedgerSeed = {
    uid,
    tenant: { slug: tenant.slug, name: tenant.name, id: tenant.id },
    qaTier,
    prodTier,
    qa: { id: qa.id, name: 'QA' },
    prod: { id: prod.id, name: 'Production' },
    api: apiApp,
    web: webApp,
    version,
    releaseId: release.id,
    releaseName: `${trackName} ${version}`,
    qaRolloutId: qaRollout.id,
    verificationSource,
  };
  return {
    seed,
    /** Starts the rollout to prod (where `web` fails); returns its id. */
    rollOutToProd: async () =>
      (await api.startRollout({ releaseId: release.id, installationIds: [prod.id], reason: 'e2e: on to prod' })).id,
  };
}
