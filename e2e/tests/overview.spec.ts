import { seedLedger } from '../support/ledger-seed';
import { expect, test } from '../support/fixtures';

test.describe('Overview', () => {
  test('a release manager watches a rollout fail on the overview, live, and follows the failure', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    shell,
    overviewPage,
    deploymentsPage,
    saveScreenshot,
  }) => {
    // Seeding runs two rollouts through the engine before the browser starts.
    test.setTimeout(90_000);
    const { seed, rollOutToProd } = await seedLedger(api, uid, 2500);
    const draft = await api.createRelease({ trackSlug: `ledger-${uid}`, version: '2.1.0' });
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

    await shell.overviewLink.click();
    await overviewPage.expectShown();
    await expect(overviewPage.liveIndicator).toHaveText('Live');
    await expect(overviewPage.chart).toBeVisible();
    const failedBefore = await overviewPage.failedInChart();
    // The draft of the track waits to be locked.
    await expect(overviewPage.awaiting.getByRole('link', { name: `Ledger track ${uid} 2.1.0` })).toHaveAttribute(
      'href',
      `/releases/${draft.id}`,
    );

    // From here on the page must change by itself.
    let loads = 0;
    page.on('load', () => {
      loads += 1;
    });
    const rolloutId = await rollOutToProd();

    await expect(overviewPage.rolloutProgress(seed.releaseName)).toBeVisible();
    const attentionLink = overviewPage.attention.getByRole('link', { name: `Rollout of ${seed.releaseName}` });
    await expect(attentionLink).toBeVisible({ timeout: 20_000 });
    await expect(attentionLink).toHaveAttribute('href', `/rollouts/${rolloutId}`);
    const failedDeployment = overviewPage.attention.getByRole('link', {
      name: `${seed.web.name} ${seed.version} failed on ${seed.tenant.name} / ${seed.prod.name}`,
    });
    await expect(failedDeployment).toBeVisible();
    await expect(overviewPage.chartSection.getByText(`Failed (${failedBefore + 1})`)).toBeVisible();
    await expect(overviewPage.chart).toHaveAttribute('aria-label', new RegExp(`${failedBefore + 1} failed$`));
    expect(loads).toBe(0);
    await saveScreenshot('overview');

    await page.setViewportSize({ width: 820, height: 1000 });
    await expect(attentionLink).toBeVisible();
    await saveScreenshot('overview-820');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The failure leads to its deployment in the ledger.
    await failedDeployment.click();
    await expect(page).toHaveURL(/\/deployments\?status=FAILED&deployment=[0-9a-f-]+$/);
    await expect(deploymentsPage.drawer).toContainText(`${seed.web.name} ${seed.version}`);
    await expect(deploymentsPage.drawer).toContainText('Failed');
    await deploymentsPage.drawer.getByRole('button', { name: 'Close deployment' }).click();
    await deploymentsPage.expectShown();
    await expect(deploymentsPage.status).toHaveText('Failed');
  });
});
