import { randomBytes } from 'node:crypto';
import type { Locator } from '@playwright/test';
import { expectNoSeriousA11yViolations } from '../support/a11y';
import type { ShiplogApi } from '../support/api';
import { expect, test, type Page } from '../support/fixtures';
import { seedFleet, type SeededFleet } from '../support/fleet';

const LAPTOP = { width: 1280, height: 800 };
const TABLET = { width: 820, height: 1180 };

/** What every page test needs: the fleet, a draft, a paused rollout, a webhook and a signed-in admin's session. */
interface World {
  uid: string;
  fleet: SeededFleet;
  draft: string;
  rollout: string;
  webhook: string;
  session: string;
}

let world: World;

async function prepareWorld(api: ShiplogApi): Promise<World> {
  const uid = randomBytes(4).toString('hex');
  const fleet = await seedFleet(api, uid);
  const created = await api.createRelease({ trackSlug: fleet.track.slug, version: '1.2.0' });
  await api.setReleaseComponents({
    releaseId: created.id,
    components: [
      { applicationSlug: fleet.apps.api, artifactVersion: '1.2.0', stage: 1 },
      { applicationSlug: fleet.apps.web, artifactVersion: '1.2.0', stage: 2 },
    ],
  });
  // A rollout paused on a failure shows the most: the failure, the retry actions, the grid's states.
  await api.updateInstallation({
    tenantSlug: fleet.tenants.acme,
    slug: 'qa',
    driverConfig: { delayMs: 0, fail: [fleet.apps.api] },
  });
  const rollout = await api.startRollout({
    releaseId: fleet.releases.r110,
    installationIds: [fleet.installations['acme/qa']],
    reason: fleet.reason,
    failurePolicy: 'PAUSE',
  });
  await api.waitForRollout(rollout.id, ['PAUSED']);
  const webhook = await api.request<{ createWebhook: { id: string } }>(
    'createWebhook',
    `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`,
    { input: { url: 'http://127.0.0.1:9/hooks', description: `Chat ${uid}` } },
  );
  const password = `pw-${randomBytes(12).toString('hex')}`;
  await api.createUser({ username: `a11y-${uid}`, password, role: 'ADMIN' });
  const signedIn = await api.request<{ signIn: { token: string; expiresAt: string } }>(
    'signIn',
    `mutation ($input: SignInInput!) { signIn(input: $input) { token expiresAt } }`,
    { input: { username: `a11y-${uid}`, password } },
  );
  return {
    uid,
    fleet,
    draft: created.id,
    rollout: rollout.id,
    webhook: webhook.createWebhook.id,
    session: JSON.stringify(signedIn.signIn),
  };
}

/** A page of the app: where it is, and what shows once its data is there. */
interface Visit {
  name: string;
  path: (w: World) => string;
  ready: (page: Page, w: World) => Locator[];
  signedOut?: boolean;
}

const h1 = (page: Page, name: string | RegExp) => page.getByRole('heading', { name, level: 1 });

const VISITS: Visit[] = [
  {
    name: 'overview',
    path: () => '/',
    ready: (page) => [h1(page, 'Overview'), page.getByRole('region', { name: 'In progress' })],
  },
  {
    name: 'tenants',
    path: () => '/tenants',
    ready: (page, w) => [h1(page, 'Tenants'), page.getByRole('cell', { name: w.fleet.tenants.acme, exact: true })],
  },
  { name: 'tenant', path: (w) => `/tenants/${w.fleet.tenants.acme}`, ready: (page, w) => [h1(page, `Acme ${w.uid}`)] },
  {
    name: 'installations',
    path: (w) => `/installations?q=${w.uid}`,
    ready: (page) => [h1(page, 'Installations'), page.getByRole('table').getByRole('cell').first()],
  },
  {
    name: 'installation',
    path: (w) => `/installations/${w.fleet.installations['acme/prod']}`,
    ready: (page, w) => [h1(page, `${w.fleet.tenants.acme} prod`)],
  },
  {
    name: 'matrix',
    path: (w) => `/matrix?q=${w.uid}`,
    ready: (page, w) => [h1(page, 'What runs where'), page.getByRole('link', { name: `${w.fleet.tenants.acme} / prod` })],
  },
  {
    name: 'deployments-drawer',
    path: (w) => `/deployments?deployment=${w.fleet.verifiedDeployment}`,
    // The open drawer hides the page behind it from assistive technology, so only the drawer is there to see.
    ready: (page, w) => [page.getByRole('dialog').getByText(w.fleet.apps.api).first()],
  },
  {
    name: 'tracks',
    path: () => '/tracks',
    ready: (page, w) => [h1(page, 'Release tracks'), page.getByRole('link', { name: w.fleet.track.name })],
  },
  { name: 'track', path: (w) => `/tracks/${w.fleet.track.slug}`, ready: (page, w) => [h1(page, w.fleet.track.name)] },
  {
    name: 'release-draft',
    path: (w) => `/releases/${w.draft}`,
    ready: (page, w) => [h1(page, `${w.fleet.track.name} 1.2.0`), page.getByRole('region', { name: 'Stage 2', exact: true })],
  },
  {
    name: 'release-locked',
    path: (w) => `/releases/${w.fleet.releases.r110}`,
    ready: (page, w) => [h1(page, `${w.fleet.track.name} 1.1.0`), page.getByRole('group', { name: 'Release actions' })],
  },
  {
    name: 'compare',
    path: (w) => `/releases/compare?base=${w.fleet.releases.r100}&head=${w.fleet.releases.r110}`,
    ready: (page) => [
      page.getByRole('heading', { level: 1 }),
      page.getByRole('table', { name: 'Changed artifact', exact: true }),
    ],
  },
  {
    name: 'new-rollout',
    path: (w) => `/releases/${w.fleet.releases.r110}/rollout`,
    ready: (page, w) => [h1(page, `Roll out ${w.fleet.track.name} 1.1.0`), page.getByRole('button', { name: 'Start rollout' })],
  },
  {
    name: 'rollouts',
    path: () => '/rollouts',
    ready: (page, w) => [h1(page, 'Rollouts'), page.getByRole('link', { name: new RegExp(w.fleet.track.name) }).first()],
  },
  {
    name: 'rollout',
    path: (w) => `/rollouts/${w.rollout}`,
    ready: (page, w) => [
      h1(page, `Rollout of ${w.fleet.track.name} 1.1.0`),
      page.getByRole('button', { name: `Retry this installation ${w.fleet.tenants.acme} / qa`, exact: true }),
    ],
  },
  {
    name: 'journey',
    path: (w) => `/artifacts/${w.fleet.apps.api}/1.1.0`,
    ready: (page) => [h1(page, /^Journey of/), page.getByRole('table', { name: 'Journey' }).getByRole('cell').first()],
  },
  {
    name: 'deployments',
    path: (w) => `/deployments?tenant=${w.fleet.tenants.acme}`,
    ready: (page) => [h1(page, 'Deployments'), page.getByRole('table', { name: 'Deployments' }).getByRole('cell').first()],
  },
  {
    name: 'insights',
    path: () => '/insights',
    ready: (page) => [h1(page, 'Insights'), page.getByRole('region', { name: 'Success rate by tenant' })],
  },
  {
    name: 'audit',
    path: (w) => `/audit?q=${w.fleet.tenants.acme}`,
    ready: (page) => [h1(page, 'Audit log'), page.getByRole('table').getByRole('cell').first()],
  },
  {
    name: 'webhooks',
    path: () => '/webhooks',
    ready: (page, w) => [h1(page, 'Webhooks'), page.getByRole('link', { name: `Chat ${w.uid}` })],
  },
  {
    name: 'webhook',
    path: (w) => `/webhooks/${w.webhook}`,
    ready: (page) => [page.getByRole('heading', { level: 1 }), page.getByRole('button', { name: 'Send test' })],
  },
  {
    name: 'sign-in',
    path: () => '/sign-in',
    ready: (page) => [page.getByRole('button', { name: 'Sign in' })],
    signedOut: true,
  },
  { name: 'not-found', path: () => '/no-such-page', ready: (page) => [h1(page, 'Page not found')] },
];

/** Dark when the colour's channels are low. */
async function bodyIsDark(page: Page): Promise<boolean> {
  const rgb = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
  return r + g + b < 3 * 80;
}

async function expectReady(page: Page, visit: Visit) {
  for (const locator of visit.ready(page, world)) await expect(locator).toBeVisible();
}

/** Presses Tab until `target` has the focus, as a keyboard user would reach it; fails when it never does. */
async function tabTo(page: Page, target: Locator, limit = 80) {
  for (let presses = 0; presses < limit; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target, `reached with Tab within ${limit} presses`).toBeFocused();
}

test.describe('Accessibility of every page', () => {
  test.beforeAll(async ({ api }) => {
    test.setTimeout(120_000);
    world = await prepareWorld(api);
  });

  test.beforeEach(async ({ context }) => {
    // Transitions would let axe measure the contrast of a colour half-way to the next theme.
    await context.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        const style = document.createElement('style');
        style.textContent = '*, *::before, *::after { transition: none !important; animation-duration: 0s !important; }';
        document.head.append(style);
      });
    });
  });

  for (const visit of VISITS) {
    test(`${visit.name}: no serious or critical violation in light and dark, screenshots at laptop and tablet width`, async ({
      page,
      context,
      saveScreenshot,
    }) => {
      test.setTimeout(60_000);
      if (!visit.signedOut) {
        await context.addInitScript((session) => window.localStorage.setItem('shiplog.session', session), world.session);
      }
      await page.setViewportSize(LAPTOP);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(visit.path(world));
      await expectReady(page, visit);
      await expect.poll(() => bodyIsDark(page)).toBe(false);
      await expectNoSeriousA11yViolations(page);
      await saveScreenshot(`laptop-${visit.name}`);

      await page.setViewportSize(TABLET);
      await expectReady(page, visit);
      await saveScreenshot(`tablet-${visit.name}`);

      await page.setViewportSize(LAPTOP);
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect.poll(() => bodyIsDark(page)).toBe(true);
      await expectReady(page, visit);
      await expectNoSeriousA11yViolations(page);
    });
  }

  test('the main actions are reached with Tab and work with Enter', async ({ page, context }) => {
    await context.addInitScript((session) => window.localStorage.setItem('shiplog.session', session), world.session);
    const { fleet } = world;

    // The ledger: a row's details open in the drawer, and Escape gives the focus back to the row's button.
    await page.goto(`/deployments?app=${encodeURIComponent(fleet.apps.api)}&tenant=${fleet.tenants.acme}`);
    const open = page
      .getByRole('table', { name: 'Deployments' })
      .getByRole('button', { name: new RegExp(`^Open details of .*${fleet.apps.api} 1\\.1\\.0 on .* prod$`) });
    await expect(open).toBeVisible();
    await tabTo(page, open);
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog');
    await expect(drawer).toBeVisible();
    await expect(drawer).toContainText('1.1.0');
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(open).toBeFocused();

    // A paused rollout: its failed installation is retried alone with the keyboard; the rollout stays paused.
    await page.goto(`/rollouts/${world.rollout}`);
    const retry = page.getByRole('button', { name: `Retry this installation ${fleet.tenants.acme} / qa`, exact: true });
    await expect(retry).toBeVisible();
    await tabTo(page, retry);
    await page.keyboard.press('Enter');
    await expect(page.getByText(`Retrying ${fleet.tenants.acme} / qa; the rollout stays paused.`)).toBeVisible();

    // The draft's editor: "Lock requirements" is reached with Tab and locks the draft with Enter.
    await page.goto(`/releases/${world.draft}`);
    await expect(h1(page, `${fleet.track.name} 1.2.0`)).toBeVisible();
    const lock = page.getByRole('group', { name: 'Release actions' }).getByRole('button', { name: 'Lock requirements' });
    await expect(lock).toBeEnabled();
    await tabTo(page, lock);
    await page.keyboard.press('Enter');
    await expect(page.getByLabel('Locked', { exact: true })).toContainText(`a11y-${world.uid}`);
    await expect(lock).toBeHidden();
  });
});
