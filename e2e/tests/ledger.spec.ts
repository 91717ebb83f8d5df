import { seedLedger } from '../support/ledger-seed';
import { expect, test } from '../support/fixtures';

test.describe('Deployments ledger and artifact journey', () => {
  test('the ledger filters by application and status, opens a shareable drawer, and leads to the journey', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    shell,
    deploymentsPage,
    journeyPage,
    saveScreenshot,
  }) => {
    // Seeding runs two rollouts through the engine before the browser starts.
    test.setTimeout(90_000);
    const { seed, rollOutToProd } = await seedLedger(api, uid, 200);
    const prodRollout = await rollOutToProd();
    await api.waitForRollout(prodRollout, ['PAUSED', 'FAILED']);
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));

    await shell.deploymentsLink.click();
    await deploymentsPage.expectShown();
    await deploymentsPage.application.fill(seed.web.slug);
    await expect(page).toHaveURL(new RegExp(`[?&]app=${seed.web.slug}(&|$)`));
    await expect(deploymentsPage.rows).toHaveCount(2);
    await expect(deploymentsPage.summary).toHaveText('2 deployments match');
    // The name the pages show, in any case, finds the same deployments as the slug.
    await deploymentsPage.application.fill(seed.web.name.toUpperCase());
    await expect(page).toHaveURL(/[?&]app=WEB(\+|%20)/);
    await expect(deploymentsPage.rows).toHaveCount(2);
    await expect(deploymentsPage.summary).toHaveText('2 deployments match');
    await deploymentsPage.application.fill(seed.web.slug);
    await expect(page).toHaveURL(new RegExp(`[?&]app=${seed.web.slug}(&|$)`));

    await deploymentsPage.chooseStatus('Failed');
    await expect(page).toHaveURL(/[?&]status=FAILED(&|$)/);
    await expect(deploymentsPage.rows).toHaveCount(1);
    const failedRow = deploymentsPage.rows.first();
    await expect(failedRow).toContainText(`${seed.tenant.name} / ${seed.prod.name}`);
    await expect(failedRow).toContainText('Failed');
    await saveScreenshot('deployments');

    await deploymentsPage.open(seed.web.name, seed.version, `${seed.tenant.name} / ${seed.prod.name}`);
    await expect(page).toHaveURL(/[?&]deployment=[0-9a-f-]+(&|$)/);
    await expect(deploymentsPage.drawer).toContainText(`${seed.web.name} ${seed.version}`);
    await expect(deploymentsPage.drawer).toContainText('e2e: on to prod');
    await expect(deploymentsPage.drawer.getByRole('link', { name: `Where ${seed.version} went` })).toHaveAttribute(
      'href',
      `/artifacts/${seed.web.slug}/${seed.version}`,
    );
    await saveScreenshot('deployment-drawer');

    // The URL alone brings back the filters and the open deployment.
    const shared = page.url();
    await page.goto('/');
    await page.goto(shared);
    await expect(deploymentsPage.drawer).toContainText(`${seed.web.name} ${seed.version}`);
    await deploymentsPage.drawer.getByRole('button', { name: 'Close deployment' }).click();
    await expect(deploymentsPage.drawer).toBeHidden();
    await expect(page).not.toHaveURL(/deployment=/);
    await expect(deploymentsPage.application).toHaveValue(seed.web.slug);
    await expect(deploymentsPage.status).toHaveText('Failed');
    await expect(deploymentsPage.rows).toHaveCount(1);

    // The version of the API deployment to prod leads to its journey: qa, verified, then prod.
    await deploymentsPage.goto(`?tenant=${seed.tenant.slug}&app=${seed.api.slug}`);
    await expect(deploymentsPage.rows).toHaveCount(2);
    await deploymentsPage.chooseInstallation(`${seed.prod.name} (prod)`);
    await expect(page).toHaveURL(new RegExp(`[?&]installation=${seed.prod.id}(&|$)`));
    await expect(deploymentsPage.rows).toHaveCount(1);
    await deploymentsPage.rows
      .first()
      .getByRole('link', { name: `Journey of ${seed.api.name} ${seed.version}` })
      .click();
    await expect(page).toHaveURL(new RegExp(`/artifacts/${seed.api.slug}/${seed.version}$`));
    await journeyPage.expectShown(`${seed.api.name} ${seed.version}`);
    await expect(journeyPage.rows).toHaveCount(2);
    await expect(journeyPage.rows.nth(0)).toContainText(seed.qaTier);
    await expect(journeyPage.rows.nth(0)).toContainText(`${seed.tenant.name} / ${seed.qa.name}`);
    await expect(journeyPage.rows.nth(0)).toContainText(`Passed: ${seed.verificationSource}`);
    await expect(journeyPage.rows.nth(1)).toContainText(seed.prodTier);
    await expect(journeyPage.rows.nth(1)).toContainText(`${seed.tenant.name} / ${seed.prod.name}`);
    await expect(journeyPage.rows.nth(1)).toContainText('Not verified');
    await expect(journeyPage.verdict).toContainText(`Yes: verified on ${seed.qaTier} (${seed.verificationSource}`);
    await saveScreenshot('journey');

    // The web artifact failed on prod: its journey stops at qa, unverified.
    await page.goto(`/artifacts/${seed.web.slug}/${seed.version}`);
    await journeyPage.expectShown(`${seed.web.name} ${seed.version}`);
    await expect(journeyPage.rows).toHaveCount(1);
    await expect(journeyPage.verdict).toContainText(`Not on ${seed.prodTier} yet; no passed verification so far.`);

    await page.setViewportSize({ width: 820, height: 1000 });
    await deploymentsPage.goto(`?tenant=${seed.tenant.slug}`);
    await expect(deploymentsPage.rows).toHaveCount(4);
    await saveScreenshot('deployments-820');
  });
});
