import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { Access } from '../auth/access';
import { AuthService } from '../auth/auth.service';
import { Role } from '../common/roles';
import type { Config } from '../config';
import { ApplicationService } from '../modules/application/application.service';
import { ReleaseService } from '../modules/release/release.service';
import { FailurePolicy } from '../modules/rollout/rollout.entity';
import { RolloutService } from '../modules/rollout/rollout.service';
import { DeploymentDriver } from '../modules/tenant/installation.entity';
import { TenantService } from '../modules/tenant/tenant.service';
import { TierService } from '../modules/tier/tier.service';

const TENANTS: { slug: string; name: string; tier: string; region: string; cohort?: string }[] = [
  { slug: 'acme', name: 'Acme Corporation', tier: 'gold', region: 'eu', cohort: 'early-adopter' },
  { slug: 'globex', name: 'Globex', tier: 'gold', region: 'us', cohort: 'early-adopter' },
  { slug: 'initech', name: 'Initech', tier: 'silver', region: 'us' },
  { slug: 'umbrella', name: 'Umbrella Health', tier: 'gold', region: 'eu' },
  { slug: 'hooli', name: 'Hooli', tier: 'platinum', region: 'us' },
  { slug: 'stark', name: 'Stark Industries', tier: 'platinum', region: 'us' },
  { slug: 'wayne', name: 'Wayne Enterprises', tier: 'gold', region: 'us' },
  { slug: 'tyrell', name: 'Tyrell', tier: 'silver', region: 'apac', cohort: 'early-adopter' },
  { slug: 'cyberdyne', name: 'Cyberdyne Systems', tier: 'silver', region: 'apac' },
  { slug: 'soylent', name: 'Soylent', tier: 'bronze', region: 'eu' },
  { slug: 'vandelay', name: 'Vandelay Industries', tier: 'bronze', region: 'us' },
  { slug: 'oscorp', name: 'Oscorp', tier: 'silver', region: 'eu' },
];

const APPLICATIONS = [
  { slug: 'api', name: 'API gateway', description: 'Public GraphQL and REST entry point' },
  { slug: 'web', name: 'Web frontend', description: 'The customer-facing single-page app' },
  { slug: 'worker', name: 'Background worker', description: 'Queues, schedules and exports' },
  { slug: 'billing', name: 'Billing service', description: 'Invoices and payment providers' },
  { slug: 'auth', name: 'Identity service', description: 'Sign-in, SSO and tokens' },
  { slug: 'db-migrations', name: 'Database migrations', description: 'Schema changes, run before the services' },
];

const VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0-rc.1'];

function hex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

export interface DemoCredentials {
  username: string;
  password: string;
  /** Where the password was saved too: only beside the embedded database, whose data folder is this server's own. */
  credentialsFile: string | null;
}

/** Loads a demo data set through the services, so it obeys every rule and appears in the audit log. */
export async function loadDemoData(container: DependencyContainer, config: Config): Promise<DemoCredentials> {
  const system = Access.system();
  const tiers = container.resolve(TierService);
  const tenants = container.resolve(TenantService);
  const applications = container.resolve(ApplicationService);
  const releases = container.resolve(ReleaseService);
  const auth = container.resolve(AuthService);

  await tiers.create(system, { name: 'dev', rank: 10 });
  await tiers.create(system, { name: 'qa', rank: 20, requiredTiers: ['dev'] });
  await tiers.create(system, { name: 'staging', rank: 30, requiredTiers: ['qa'] });
  await tiers.create(system, { name: 'prod', rank: 40, requiredTiers: ['qa'], requireVerification: true });

  for (const [index, tenant] of TENANTS.entries()) {
    const labels = [
      { key: 'tier', value: tenant.tier },
      { key: 'region', value: tenant.region },
      ...(tenant.cohort ? [{ key: 'cohort', value: tenant.cohort }] : []),
    ];
    await tenants.create(system, { slug: tenant.slug, name: tenant.name, labels, contacts: [`ops@${tenant.slug}.example`] });
    for (const environment of ['prod', 'qa', 'dev']) {
      await tenants.createInstallation(system, {
        tenantSlug: tenant.slug,
        slug: environment,
        name: `${tenant.name} ${environment}`,
        tier: environment,
        labels: [{ key: 'region', value: tenant.region }],
        driver: DeploymentDriver.SIMULATED,
        // One dev installation fails billing, so the demo rollout below has a failure to look into.
        driverConfig: {
          delayMs: environment === 'prod' ? 3000 : 1500,
          ...(index === 1 && environment === 'dev' ? { fail: ['billing'] } : {}),
        },
        requiresApproval: environment === 'prod' && tenant.tier === 'platinum',
      });
    }
    if (index === TENANTS.length - 1) await tenants.update(system, { slug: tenant.slug, blocked: true });
  }

  for (const application of APPLICATIONS) {
    await applications.create(system, application);
    for (const version of VERSIONS) {
      await applications.registerArtifact(system, {
        applicationSlug: application.slug,
        version,
        imageRef: `registry.example/${application.slug}:${version}`,
        digest: `sha256:${hex(64)}`,
        commitSha: hex(40),
        buildUrl: `https://ci.example/job/${application.slug}/${version.replace(/\W/g, '-')}`,
      });
    }
  }

  const components = (version: string) => [
    {
      applicationSlug: 'db-migrations',
      artifactVersion: version,
      stage: 1,
      instructions: 'Runs first; takes a few minutes on large tenants.',
    },
    { applicationSlug: 'auth', artifactVersion: version, stage: 2 },
    { applicationSlug: 'api', artifactVersion: version, stage: 2 },
    { applicationSlug: 'worker', artifactVersion: version, stage: 2 },
    { applicationSlug: 'billing', artifactVersion: version, stage: 2 },
    { applicationSlug: 'web', artifactVersion: version, stage: 3 },
  ];

  await releases.createTrack(system, { slug: 'platform', name: 'Platform', description: 'The main product line' });
  await releases.createTrack(system, {
    slug: 'platform-lts',
    name: 'Platform LTS',
    description: 'Long-term support, security fixes only',
  });

  let current = '';
  for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
    const release = await releases.create(system, {
      trackSlug: 'platform',
      version,
      instructions: `## Platform ${version}\n\nRoll out to early adopters first, then everyone.`,
    });
    await releases.setComponents(system, { releaseId: release.id, components: components(version) });
    await releases.lock(system, release.id);
    current = release.id;
    if (version === '1.1.0') {
      await releases.rescind(system, { releaseId: release.id, reason: 'Billing rounding bug; use 1.2.0' });
    }
  }
  const draft = await releases.create(system, {
    trackSlug: 'platform',
    version: '1.3.0',
    instructions: '## Platform 1.3.0\n\nWork in progress.',
  });
  await releases.setComponents(system, {
    releaseId: draft.id,
    components: [
      { applicationSlug: 'db-migrations', artifactVersion: '1.3.0-rc.1', stage: 1 },
      { applicationSlug: 'api', artifactVersion: '1.3.0-rc.1', stage: 2 },
      { applicationSlug: 'web', stage: 3 },
    ],
  });

  const lts = await releases.create(system, { trackSlug: 'platform-lts', version: '1.0.1', instructions: 'Security fixes.' });
  await releases.setComponents(system, { releaseId: lts.id, components: components('1.0.0') });
  await releases.lock(system, lts.id);

  // Something to watch: Platform 1.2.0 rolls out to every dev installation as the server starts; one of them fails
  // billing and the rollout pauses there, waiting for a person.
  await container.resolve(RolloutService).start(system, {
    releaseId: current,
    selector: { tiers: ['dev'] },
    maxParallel: 4,
    failurePolicy: FailurePolicy.PAUSE,
    reason: 'Demo: Platform 1.2.0 to every dev installation',
  });

  const password = randomBytes(9).toString('base64url');
  await auth.createUser(system, { username: 'admin', password, role: Role.ADMIN });
  await auth.createUser(system, { username: 'release-manager', password, role: Role.RELEASE_MANAGER });
  await auth.createUser(system, { username: 'acme-viewer', password, role: Role.VIEWER, tenantSlugs: ['acme'] });

  // With DATABASE_URL the data folder belongs to no database in particular: another instance's file would be
  // overwritten with a password that is not its own.
  if (config.databaseUrl) return { username: 'admin', password, credentialsFile: null };
  fs.mkdirSync(config.dataDir, { recursive: true });
  const credentialsFile = path.join(config.dataDir, 'demo-credentials.txt');
  fs.writeFileSync(
    credentialsFile,
    `Demo users (all with the same password): admin, release-manager, acme-viewer (sees only tenant acme)\npassword: ${password}\n`,
    { mode: 0o600 },
  );
  return { username: 'admin', password, credentialsFile };
}
