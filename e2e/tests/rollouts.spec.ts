import { expect, test } from '../support/fixtures';

test.describe('Rollouts pages', () => {
  test('a release manager watches a rollout finish live, without reloading', async ({
    page,
    createUser,
    signInAs,
    shell,
    startRollout,
    rolloutsPage,
    rolloutPage,
    saveScreenshot,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const rollout = await startRollout();

    await shell.rolloutsLink.click();
    await rolloutsPage.expectShown();
    // Newest first: the rollout just started heads the list.
    await expect(rolloutsPage.rows.first()).toContainText(rollout.releaseName);
    await expect(rolloutsPage.row(rollout.releaseName).getByRole('progressbar', { name: 'Progress' })).toBeVisible();

    await rolloutsPage.openRollout(rollout.releaseName);
    await expect(page).toHaveURL(new RegExp(`/rollouts/${rollout.id}$`));
    await rolloutPage.expectShown(rollout.releaseName);
    await rolloutPage.expectLive();

    // From here on the page must change by itself: any load would be a reload.
    let loads = 0;
    page.on('load', () => {
      loads += 1;
    });

    await expect(rolloutPage.wave).toHaveText('Wave 1 of 1');
    for (const installation of rollout.installationSlugs) {
      await expect(rolloutPage.row(rollout.tenantSlug, installation)).toBeVisible();
      for (const stage of [1, 2]) {
        await expect(rolloutPage.cell(rollout.tenantSlug, installation, stage)).toHaveText('Succeeded', { timeout: 30_000 });
      }
    }
    await expect(rolloutPage.status).toContainText('Succeeded', { timeout: 30_000 });
    await expect(rolloutPage.progress).toHaveAttribute('aria-valuenow', '100');
    await saveScreenshot('rollout-live');

    // The filter is kept in the URL.
    await rolloutPage.filter('Failed').click();
    await expect(page).toHaveURL(/[?&]show=failed/);
    await expect(rolloutPage.grid).toHaveCount(0);
    await rolloutPage.filter('Completed').click();
    await expect(page).toHaveURL(/[?&]show=completed/);
    await expect(rolloutPage.grid.getByRole('row', { name: new RegExp(rollout.tenantSlug) })).toHaveCount(2);

    expect(loads).toBe(0);
  });
});
