import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';

test.use({ viewport: { width: 820, height: 1180 } });

/** How far the page is wider than the window: anything above zero means sideways scrolling. */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test.describe('At tablet width', () => {
  test('the main pages fit the screen, and the navigation folds into a menu', async ({
    page,
    createUser,
    signInAs,
    startRollout,
    rolloutPage,
    saveScreenshot,
  }) => {
    const rollout = await startRollout();
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

    // The bar keeps only the menu button; the links live in the menu.
    const menu = page.getByRole('button', { name: 'Open navigation' });
    await expect(menu).toBeVisible();
    await menu.click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rollouts' }).click();
    await expect(page).toHaveURL(/\/rollouts$/);
    await expect(page.getByRole('heading', { name: 'Rollouts', level: 1 })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();

    const pages: { path: string; heading: string | RegExp; shot: string }[] = [
      { path: '/tenants', heading: 'Tenants', shot: 'tablet-tenants' },
      { path: '/tracks', heading: 'Release tracks', shot: 'tablet-tracks' },
      { path: '/rollouts', heading: 'Rollouts', shot: 'tablet-rollouts' },
      { path: `/rollouts/${rollout.id}`, heading: `Rollout of ${rollout.releaseName}`, shot: 'tablet-rollout' },
    ];
    for (const entry of pages) {
      await page.goto(entry.path);
      await expect(page.getByRole('heading', { name: entry.heading, level: 1 })).toBeVisible();
      await expect.poll(() => overflow(page), { message: `${entry.path} scrolls sideways` }).toBeLessThanOrEqual(0);
      await saveScreenshot(entry.shot);
    }
    await expect(rolloutPage.grid).toBeVisible();
  });
});
