import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { ShiplogApi, type Role } from './api';
import { serverUnderTest } from './env';
import { seedFleet, type SeededFleet } from './fleet';
import { AppShell } from './pages/app-shell';
import { DeploymentDrawer, InstallationsPage, MatrixPage, TenantPage } from './pages/fleet.page';
import { AuditPage } from './pages/audit.page';
import { InstallationPage } from './pages/installation.page';
import { ArtifactJourneyPage, DeploymentsPage } from './pages/deployments.page';
import { OverviewPage } from './pages/overview.page';
import { ReleasePage, ReleaseTrackPage, ReleaseTracksPage } from './pages/releases.page';
import { NewRolloutPage, RolloutPage, RolloutsPage } from './pages/rollouts.page';
import { SignInPage } from './pages/sign-in.page';
import { TenantsPage } from './pages/tenants.page';
import { artifactsDir } from './paths';

export interface TestUser {
  username: string;
  password: string;
  role: Role;
}

/** A rollout started through the API, with what it was made of. */
export interface StartedRollout {
  id: string;
  /** Track name and version, as the pages show the release. */
  releaseName: string;
  tenantSlug: string;
  installationSlugs: string[];
  /** The applications of stage 1 and stage 2. */
  applicationSlugs: string[];
  /** The release's track, for making other releases of it. */
  trackSlug: string;
}

/** A locked release ready to roll out to a tenant's two installations. */
export interface PreparedRollout extends Omit<StartedRollout, 'id'> {
  releaseId: string;
  installationIds: string[];
}

/** How the installations of a started rollout behave. */
export interface RolloutOptions {
  /** This installation's simulated driver fails this stage's application. */
  failing?: { installation: 'eu' | 'us'; stage: 1 | 2 };
  /** These installations wait for approval before they deploy. */
  requireApproval?: ('eu' | 'us')[];
  /** Roll out version 3.0.0 of both applications first, and wait until it succeeded. */
  previousRelease?: boolean;
}

interface TestFixtures {
  /** Unique within the run: keeps each test's slugs and usernames apart in the shared database. */
  uid: string;
  signInPage: SignInPage;
  tenantsPage: TenantsPage;
  shell: AppShell;
  releaseTracksPage: ReleaseTracksPage;
  releaseTrackPage: ReleaseTrackPage;
  releasePage: ReleasePage;
  rolloutsPage: RolloutsPage;
  rolloutPage: RolloutPage;
  newRolloutPage: NewRolloutPage;
  overviewPage: OverviewPage;
  deploymentsPage: DeploymentsPage;
  journeyPage: ArtifactJourneyPage;
  auditPage: AuditPage;
  /**
   * Starts a rollout of a locked two-stage release to a tenant's two simulated installations
   * (each deployment takes 1.5 s).
   */
  startRollout: (options?: RolloutOptions) => Promise<StartedRollout>;
  /** Everything startRollout prepares (tenant, installations, a locked 3.1.0 release), without starting it. */
  prepareRollout: (options?: RolloutOptions) => Promise<PreparedRollout>;
  /** Creates a user through the API; the password is generated. */
  createUser: (options?: { role?: Role; tenantSlugs?: string[]; name?: string }) => Promise<TestUser>;
  /** Signs in through the sign-in page, which lands on the overview, then opens the tenants page from the navigation. */
  signInAs: (user: TestUser) => Promise<void>;
  /** Saves a full-page screenshot to e2e/artifacts/screenshots/<name>.png. */
  saveScreenshot: (name: string) => Promise<void>;
  installationsPage: InstallationsPage;
  installationPage: InstallationPage;
  tenantPage: TenantPage;
  matrixPage: MatrixPage;
  deploymentDrawer: DeploymentDrawer;
  /** Seeds tenants, installations, a track with locked releases and running versions (see support/fleet.ts). */
  seedFleet: () => Promise<SeededFleet>;
}

interface WorkerFixtures {
  api: ShiplogApi;
  /** An environment tier for installations, created once per worker. */
  tier: string;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  baseURL: async ({}, use) => {
    await use(serverUnderTest().url);
  },
  api: [
    async ({}, use) => {
      const { url, adminToken } = serverUnderTest();
      await use(new ShiplogApi(url, adminToken));
    },
    { scope: 'worker' },
  ],
  tier: [
    async ({ api }, use, workerInfo) => {
      const tier = await api.createEnvironmentTier({
        name: `prod-w${workerInfo.workerIndex}-${randomBytes(3).toString('hex')}`,
        // Ranks are unique; a worker restarted after a failed test makes a tier of its own.
        rank: 100 + randomBytes(3).readUIntBE(0, 3),
      });
      await use(tier.name);
    },
    { scope: 'worker' },
  ],
  uid: async ({}, use) => {
    await use(randomBytes(4).toString('hex'));
  },
  signInPage: async ({ page }, use) => {
    await use(new SignInPage(page));
  },
  tenantsPage: async ({ page }, use) => {
    await use(new TenantsPage(page));
  },
  shell: async ({ page }, use) => {
    await use(new AppShell(page));
  },
  releaseTracksPage: async ({ page }, use) => {
    await use(new ReleaseTracksPage(page));
  },
  releaseTrackPage: async ({ page }, use) => {
    await use(new ReleaseTrackPage(page));
  },
  releasePage: async ({ page }, use) => {
    await use(new ReleasePage(page));
  },
  rolloutsPage: async ({ page }, use) => {
    await use(new RolloutsPage(page));
  },
  rolloutPage: async ({ page }, use) => {
    await use(new RolloutPage(page));
  },
  overviewPage: async ({ page }, use) => {
    await use(new OverviewPage(page));
  },
  deploymentsPage: async ({ page }, use) => {
    await use(new DeploymentsPage(page));
  },
  journeyPage: async ({ page }, use) => {
    await use(new ArtifactJourneyPage(page));
  },
  auditPage: async ({ page }, use) => {
    await use(new AuditPage(page));
  },
  newRolloutPage: async ({ page }, use) => {
    await use(new NewRolloutPage(page));
  },
  prepareRollout: async ({ api, uid, tier }, use) => {
    await use(async ({ failing, requireApproval = [], previousRelease = false }: RolloutOptions = {}) => {
      const tenant = await api.createTenant({ slug: `acme-${uid}`, name: `Acme ${uid}` });
      const applicationSlugs = [`api-${uid}`, `ui-${uid}`];
      const installations = [];
      for (const slug of ['eu', 'us'] as const) {
        installations.push(
          await api.createInstallation({
            tenantSlug: tenant.slug,
            slug,
            name: `Acme ${slug.toUpperCase()}`,
            tier,
            driverConfig: { delayMs: previousRelease ? 0 : 1500 },
          }),
        );
      }
      const versions = previousRelease ? ['3.0.0', '3.1.0'] : ['3.1.0'];
      for (const slug of applicationSlugs) {
        await api.createApplication({ slug, name: slug });
        for (const version of versions) {
          await api.registerArtifact({
            applicationSlug: slug,
            version,
            imageRef: `registry.example/${slug}:${version}`,
            commitSha: '0123456789abcdef0123456789abcdef01234567',
            buildUrl: `https://ci.example/${slug}/${version}`,
          });
        }
      }
      const trackName = `Rollout track ${uid}`;
      const track = await api.createReleaseTrack({ slug: `rollout-${uid}`, name: trackName, description: 'Rollouts' });
      const installationIds = installations.map((installation) => installation.id);
      const lockedRelease = async (version: string) => {
        const release = await api.createRelease({ trackSlug: track.slug, version });
        await api.setReleaseComponents({
          releaseId: release.id,
          components: applicationSlugs.map((slug, index) => ({
            applicationSlug: slug,
            artifactVersion: version,
            stage: index + 1,
          })),
        });
        await api.lockRelease(release.id);
        return release;
      };
      if (previousRelease) {
        const earlier = await lockedRelease('3.0.0');
        const first = await api.startRollout({ releaseId: earlier.id, installationIds, reason: 'e2e: the release before' });
        await api.waitForRollout(first.id, ['SUCCEEDED']);
      }
      // Each installation's behaviour for the rollout under test.
      for (const slug of ['eu', 'us'] as const) {
        const fail = failing?.installation === slug ? [applicationSlugs[failing.stage - 1]] : [];
        await api.updateInstallation({
          tenantSlug: tenant.slug,
          slug,
          driverConfig: { delayMs: 1500, fail },
          requiresApproval: requireApproval.includes(slug),
        });
      }
      const release = await lockedRelease('3.1.0');
      return {
        releaseId: release.id,
        installationIds,
        releaseName: `${trackName} 3.1.0`,
        trackSlug: track.slug,
        tenantSlug: tenant.slug,
        installationSlugs: installations.map((installation) => installation.slug),
        applicationSlugs,
      };
    });
  },
  startRollout: async ({ api, prepareRollout }, use) => {
    await use(async (options?: RolloutOptions) => {
      const prepared = await prepareRollout(options);
      const rollout = await api.startRollout({
        releaseId: prepared.releaseId,
        installationIds: prepared.installationIds,
        reason: 'e2e: live rollout view',
        failurePolicy: 'PAUSE',
      });
      const { releaseId: _releaseId, installationIds: _installationIds, ...rest } = prepared;
      return { id: rollout.id, ...rest };
    });
  },
  createUser: async ({ api, uid }, use) => {
    let count = 0;
    await use(async ({ role = 'VIEWER', tenantSlugs, name = 'user' } = {}) => {
      count += 1;
      const user: TestUser = { username: `${name}-${uid}-${count}`, password: `pw-${randomBytes(12).toString('hex')}`, role };
      await api.createUser({ ...user, tenantSlugs });
      return user;
    });
  },
  signInAs: async ({ signInPage, overviewPage, shell, tenantsPage }, use) => {
    await use(async (user: TestUser) => {
      await signInPage.goto();
      await signInPage.signIn(user.username, user.password);
      await overviewPage.expectShown();
      await shell.open('Tenants');
      await tenantsPage.expectShown();
    });
  },
  saveScreenshot: async ({ page }, use) => {
    await use(async (name: string) => {
      // A scrolled page would draw the sticky app bar mid-way down a full-page picture.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(artifactsDir, 'screenshots', `${name}.png`), fullPage: true });
    });
  },
  installationsPage: async ({ page }, use) => {
    await use(new InstallationsPage(page));
  },
  installationPage: async ({ page }, use) => {
    await use(new InstallationPage(page));
  },
  tenantPage: async ({ page }, use) => {
    await use(new TenantPage(page));
  },
  matrixPage: async ({ page }, use) => {
    await use(new MatrixPage(page));
  },
  deploymentDrawer: async ({ page }, use) => {
    await use(new DeploymentDrawer(page));
  },
  seedFleet: async ({ api, uid }, use) => {
    await use(() => seedFleet(api, uid));
  },
});

export { expect } from '@playwright/test';
export type { Page };
