import { test as base, expect, type Page } from '@playwright/test';
import { startServer, type RunningServer } from '../support/server';

/**
 * The demo data set, as a first start on the embedded database loads it, walked through as a release manager would
 * on their first visit: every page opens with its data and without an error, from the navigation and the links.
 * A server of its own, so the data set is exactly the demo's.
 */
const test = base.extend<{ demoPage: Page }, { demo: RunningServer }>({
  demo: [
    async ({}, use) => {
      const server = await startServer({ demoData: true, logName: 'demo-server.log' });
      try {
        await use(server);
      } finally {
        await server.stop();
      }
    },
    { scope: 'worker' },
  ],
  demoPage: async ({ browser, demo }, use) => {
    const context = await browser.newContext({ baseURL: demo.url });
    await use(await context.newPage());
    await context.close();
  },
});

async function expectLoaded(page: Page, heading: string | RegExp) {
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  await expect(page.getByText(/^Could not load/)).toHaveCount(0);
}

async function openFromNavigation(page: Page, link: string, heading: string | RegExp = link) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await expectLoaded(page, heading);
}

test.describe('The demo data set', () => {
  test('a release manager signs in with the printed password and finds every page filled', async ({ demo, demoPage: page }) => {
    test.setTimeout(120_000);
    const password = /with password '([^']+)'/.exec(demo.output())?.[1];
    expect(password, 'the server prints the demo password').toBeTruthy();

    await page.goto('/sign-in');
    await page.getByLabel('Username').fill('release-manager');
    await page.getByLabel('Password').fill(password!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectLoaded(page, 'Overview');

    // The demo rollout to every dev installation pauses on the one whose billing fails.
    await openFromNavigation(page, 'Rollouts');
    await page
      .getByRole('link', { name: /Platform 1\.2\.0/ })
      .first()
      .click();
    await expectLoaded(page, 'Rollout of Platform 1.2.0');
    // Every dev installation but the blocked tenant's.
    await expect(page.getByRole('row', { name: /\/ dev$/ })).toHaveCount(11);
    await expect(page.getByRole('group', { name: 'Rollout status' })).toHaveText('Paused', { timeout: 60_000 });
    await expect(page.getByText('Simulated failure of billing').first()).toBeVisible();

    await openFromNavigation(page, 'Tenants');
    await expect(page.getByText('12 tenants', { exact: true })).toBeVisible();
    await page.getByRole('link', { name: 'acme', exact: true }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Acme');
    await expect(page.getByText(/^Could not load/)).toHaveCount(0);

    await openFromNavigation(page, 'Installations');
    await expect(page.getByText('36 installations', { exact: true })).toBeVisible();
    await page.getByRole('link', { name: /prod/ }).first().click();
    await expect(page).toHaveURL(/\/installations\/[0-9a-f-]{36}$/);
    await expect(page.getByText(/^Could not load/)).toHaveCount(0);

    await openFromNavigation(page, 'What runs where');
    await openFromNavigation(page, 'Releases', 'Release tracks');
    await page.getByRole('link', { name: 'Platform', exact: true }).click();
    await page.getByRole('link', { name: '1.2.0', exact: true }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('1.2.0');

    // prod wants the release on qa first, and verified: the new-rollout form says so before anything starts.
    await page.goto(`${new URL(page.url()).pathname}/rollout?tier=prod`);
    await expect(page.getByText('This rollout cannot start')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Roll this release out to qa first' })).toBeVisible();

    await openFromNavigation(page, 'Deployments');
    await expect(page.getByRole('table').getByRole('row').nth(1)).toBeVisible();
    await openFromNavigation(page, 'Insights');
    await openFromNavigation(page, 'Audit log');

    // Search with the keyboard.
    await page.keyboard.press('/');
    await page.keyboard.type('globex');
    await expect(page.getByRole('option', { name: /globex/i }).first()).toBeVisible();
  });
});
