import { expect, test } from '../support/fixtures';
import { InsightsPage } from '../support/pages/insights.page';

test.describe('Insights', () => {
  test("a tenant's contact reads its success rates and lock-to-arrival, changes the period by keyboard and keeps it on reload", async ({
    page,
    api,
    uid,
    tier,
    prepareRollout,
    createUser,
    signInAs,
    shell,
    saveScreenshot,
  }) => {
    // Acme: eu gets both applications; us fails the second stage. Another tenant gets the release too.
    const prepared = await prepareRollout({ failing: { installation: 'us', stage: 2 } });
    const other = await api.createTenant({ slug: `other-${uid}`, name: `Other ${uid}` });
    const otherInstallation = await api.createInstallation({
      tenantSlug: other.slug,
      slug: 'main',
      name: 'Other main',
      tier,
      driverConfig: { delayMs: 0 },
    });
    const rollout = await api.startRollout({
      releaseId: prepared.releaseId,
      installationIds: [...prepared.installationIds, otherInstallation.id],
      reason: 'e2e: insights',
      failurePolicy: 'CONTINUE',
    });
    await api.waitForRollout(rollout.id, ['SUCCEEDED', 'FAILED']);
    const [apiApp, uiApp] = prepared.applicationSlugs;

    await signInAs(await createUser({ role: 'VIEWER', tenantSlugs: [prepared.tenantSlug], name: 'contact' }));
    await shell.open('Insights');
    const insights = new InsightsPage(page);
    await insights.expectShown();
    await expect(insights.periodOption('Last 30 days')).toBeChecked();

    // Only its own tenant, counted over its own installations: 3 of 4 deployments succeeded.
    await expect(insights.bodyRows(insights.tenants)).toHaveCount(1);
    await expect(insights.row(insights.tenants, `Acme ${uid}`)).toContainText('75%');
    await expect(insights.tenants).not.toContainText(`Other ${uid}`);
    await expect(insights.bodyRows(insights.applications)).toHaveCount(2);
    // Lowest first: the second application failed once on us.
    await expect(insights.bodyRows(insights.applications).nth(0)).toContainText(uiApp);
    await expect(insights.bodyRows(insights.applications).nth(0)).toContainText('50%');
    await expect(insights.bodyRows(insights.applications).nth(1)).toContainText(apiApp);
    await expect(insights.bodyRows(insights.applications).nth(1)).toContainText('100%');
    // eu had the whole release; us never did, and the other tenant's installation is not counted here.
    const arrival = insights.row(insights.arrivals, prepared.releaseName);
    await expect(arrival).toHaveCount(1);
    await expect(arrival.getByRole('cell').nth(0)).toHaveText(tier);
    await expect(arrival.getByRole('cell').nth(1)).toHaveText('1');
    await saveScreenshot('insights');

    // A hurried person: Tab into the period, arrow to the next one.
    await insights.periodOption('Last 30 days').focus();
    await page.keyboard.press('ArrowRight');
    await expect(insights.periodOption('Last 90 days')).toBeChecked();
    await expect(page).toHaveURL(/[?&]period=90(&|$)/);
    await page.reload();
    await expect(insights.periodOption('Last 90 days')).toBeChecked();
    await expect(insights.row(insights.tenants, `Acme ${uid}`)).toContainText('75%');
    await insights.periodOption('Last 90 days').focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect(insights.periodOption('Last 7 days')).toBeChecked();
    await expect(page).toHaveURL(/[?&]period=7(&|$)/);
    await expect(insights.row(insights.tenants, `Acme ${uid}`)).toContainText('75%');
    await page.setViewportSize({ width: 820, height: 1000 });
    await saveScreenshot('insights-820');
  });

  test('a contact of a tenant with no deployments sees why the tables are empty', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    shell,
  }) => {
    const quiet = await api.createTenant({ slug: `quiet-${uid}`, name: `Quiet ${uid}` });
    await signInAs(await createUser({ role: 'VIEWER', tenantSlugs: [quiet.slug], name: 'quiet' }));
    await shell.open('Insights');
    const insights = new InsightsPage(page);
    await insights.expectShown();
    await expect(insights.tenants.getByText('No rollout deployment finished in the last 30 days.')).toBeVisible();
    await expect(insights.applications.getByText('No rollout deployment finished in the last 30 days.')).toBeVisible();
    await expect(insights.arrivals.getByText('No release reached an installation in the last 30 days.')).toBeVisible();
    await expect(insights.tenants.getByRole('table')).toHaveCount(0);
  });
});
