import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { ShiplogApi, type Role } from './api';
import { serverUnderTest } from './env';
import { AppShell } from './pages/app-shell';
import { AuditPage } from './pages/audit.page';
import { ArtifactJourneyPage, DeploymentsPage } from './pages/deployments.page';
import { OverviewPage } from './pages/overview.page';
import { ReleasePage, ReleaseTrackPage, ReleaseTracksPage } from './pages/releases.page';
import { RolloutPage, RolloutsPage } from './pages/rollouts.page';
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
  overviewPage: OverviewPage;
  deploymentsPage: DeploymentsPage;
  journeyPage: ArtifactJourneyPage;
  auditPage: AuditPage;
  /**
   * Starts a rollout of a locked two-stage release to a tenant's two simulated installations
   * (each deployment takes 1.5 s).
   */
  startRollout: () => Promise<StartedRollout>;
  /** Creates a user through the API; the password is generated. */
  createUser: (options?: { role?: Role; tenantSlugs?: string[]; name?: string }) => Promise<TestUser>;
  /** Signs in through the sign-in page, which lands on the overview, then opens the tenants page from the navigation. */
  signInAs: (user: TestUser) => Promise<void>;
  /** Saves a full-page screenshot to e2e/artifacts/<name>.png. */
  saveScreenshot: (name: string) => Promise<void>;
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
        rank: 100,
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
  startRollout: async ({ api, uid, tier }, use) => {
    await use(async () => {
      const tenant = await api.createTenant({ slug: `acme-${uid}`, name: `Acme ${uid}` });
      const installations = [];
      for (const slug of ['eu', 'us']) {
        installations.push(
          await api.createInstallation({
            tenantSlug: tenant.slug,
            slug,
            name: `Acme ${slug.toUpperCase()}`,
            tier,
            driverConfig: { delayMs: 1500 },
          }),
        );
      }
      const apps = [];
      for (const slug of [`api-${uid}`, `ui-${uid}`]) {
        const app = await api.createApplication({ slug, name: slug });
        await api.registerArtifact({
          applicationSlug: app.slug,
          version: '3.1.0',
          imageRef: `registry.example/${app.slug}:3.1.0`,
          commitSha: '0123456789abcdef0123456789abcdef01234567',
          buildUrl: `https://ci.example/${app.slug}/3.1.0`,
        });
        apps.push(app);
      }
      const trackName = `Rollout track ${uid}`;
      const track = await api.createReleaseTrack({ slug: `rollout-${uid}`, name: trackName, description: 'Rollouts' });
      const release = await api.createRelease({ trackSlug: track.slug, version: '3.1.0' });
      await api.setReleaseComponents({
        releaseId: release.id,
        components: apps.map((app, index) => ({ applicationSlug: app.slug, artifactVersion: '3.1.0', stage: index + 1 })),
      });
      await api.lockRelease(release.id);
      const rollout = await api.startRollout({
        releaseId: release.id,
        installationIds: installations.map((installation) => installation.id),
        reason: 'e2e: live rollout view',
      });
      return {
        id: rollout.id,
        releaseName: `${trackName} 3.1.0`,
        tenantSlug: tenant.slug,
        installationSlugs: installations.map((installation) => installation.slug),
      };
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
      await shell.tenantsLink.click();
      await tenantsPage.expectShown();
    });
  },
  saveScreenshot: async ({ page }, use) => {
    await use(async (name: string) => {
      await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
    });
  },
});

export { expect } from '@playwright/test';
export type { Page };
