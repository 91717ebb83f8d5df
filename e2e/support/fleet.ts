import { randomInt } from 'node:crypto';
import type { ShiplogApi } from './api';

/** A small fleet whose running versions were put there by real (simulated, instant) rollouts. */
export interface SeededFleet {
  tiers: { prod: string; qa: string };
  tenants: { acme: string; globex: string; initech: string };
  apps: { api: string; web: string; worker: string };
  track: { slug: string; name: string };
  /** The track's locked releases 1.0.0 and 1.1.0. */
  releases: { r100: string; r110: string };
  installations: Record<'acme/prod' | 'acme/qa' | 'globex/prod' | 'globex/qa' | 'initech/prod', string>;
  /** The deployment that put api 1.1.0 on acme/prod, with a passed verification. */
  verifiedDeployment: string;
  reason: string;
}

/**
 * acme (region=eu): prod runs release 1.1.0 of the track, qa runs 1.0.0.
 * globex (region=us): prod runs api 1.2.0 (newer), web 1.0.0 (older) and worker 1.0.0 (not in the release);
 * qa runs 1.0.0. initech (region=eu) is blocked and runs nothing.
 * The track's latest locked release is 1.1.0: api 1.1.0, web 1.1.0.
 */
export async function seedFleet(api: ShiplogApi, uid: string): Promise<SeededFleet> {
  const base = randomInt(1_000, 1_000_000) * 10;
  const prod = (await api.createEnvironmentTier({ name: `prod-${uid}`, rank: base + 2 })).name;
  const qa = (await api.createEnvironmentTier({ name: `qa-${uid}`, rank: base + 1 })).name;

  const acme = await api.createTenant({
    slug: `acme-${uid}`,
    name: `Acme ${uid}`,
    labels: [
      { key: 'region', value: 'eu' },
      { key: 'cohort', value: 'early' },
    ],
  });
  const globex = await api.createTenant({
    slug: `globex-${uid}`,
    name: `Globex ${uid}`,
    labels: [{ key: 'region', value: 'us' }],
  });
  const initech = await api.createTenant({
    slug: `initech-${uid}`,
    name: `Initech ${uid}`,
    labels: [{ key: 'region', value: 'eu' }],
  });
  await api.updateTenant({ slug: initech.slug, blocked: true });

  const create = async (tenant: string, slug: string, tier: string, zone: string) =>
    (
      await api.createInstallation({
        tenantSlug: tenant,
        slug,
        name: `${tenant} ${slug}`,
        tier,
        labels: [{ key: 'zone', value: zone }],
        driverConfig: { delayMs: 0 },
      })
    ).id;
  const installations = {
    'acme/prod': await create(acme.slug, 'prod', prod, 'a'),
    'acme/qa': await create(acme.slug, 'qa', qa, 'b'),
    'globex/prod': await create(globex.slug, 'prod', prod, 'b'),
    'globex/qa': await create(globex.slug, 'qa', qa, 'a'),
    'initech/prod': await create(initech.slug, 'prod', prod, 'a'),
  };

  const apps = { api: `api-${uid}`, web: `web-${uid}`, worker: `worker-${uid}` };
  for (const slug of Object.values(apps)) {
    await api.createApplication({ slug, name: slug });
    for (const version of ['1.0.0', '1.1.0', '1.2.0'])
      await api.registerArtifact({
        applicationSlug: slug,
        version,
        imageRef: `registry.example/${slug}:${version}`,
        commitSha: '0123456789abcdef0123456789abcdef01234567',
      });
  }

  const reason = `e2e fleet ${uid}`;
  const release = async (trackSlug: string, version: string, components: [string, string][]) => {
    const created = await api.createRelease({ trackSlug, version });
    await api.setReleaseComponents({
      releaseId: created.id,
      components: components.map(([applicationSlug, artifactVersion]) => ({ applicationSlug, artifactVersion, stage: 1 })),
    });
    await api.lockRelease(created.id);
    return created.id;
  };
  const rollOut = async (releaseId: string, installationIds: string[]) => {
    const rollout = await api.startRollout({ releaseId, installationIds, reason });
    await api.waitForRollout(rollout.id);
  };

  const track = { slug: `fleet-${uid}`, name: `Fleet ${uid}` };
  await api.createReleaseTrack({ slug: track.slug, name: track.name });
  const hotfixTrack = `hotfix-${uid}`;
  await api.createReleaseTrack({ slug: hotfixTrack, name: `Hotfix ${uid}` });

  const r100 = await release(track.slug, '1.0.0', [
    [apps.api, '1.0.0'],
    [apps.web, '1.0.0'],
  ]);
  const r110 = await release(track.slug, '1.1.0', [
    [apps.api, '1.1.0'],
    [apps.web, '1.1.0'],
  ]);
  const hotfix = await release(hotfixTrack, '9.0.0', [
    [apps.api, '1.2.0'],
    [apps.worker, '1.0.0'],
  ]);
  await rollOut(r100, [
    installations['acme/prod'],
    installations['acme/qa'],
    installations['globex/prod'],
    installations['globex/qa'],
  ]);
  await rollOut(r110, [installations['acme/prod']]);
  await rollOut(hotfix, [installations['globex/prod']]);

  const verifiedDeployment = await api.runningDeployment(installations['acme/prod'], apps.api);
  await api.recordVerification({ deploymentId: verifiedDeployment, status: 'PASSED', source: `smoke ${uid}` });

  return {
    tiers: { prod, qa },
    tenants: { acme: acme.slug, globex: globex.slug, initech: initech.slug },
    apps,
    track,
    releases: { r100, r110 },
    installations,
    verifiedDeployment,
    reason,
  };
}
