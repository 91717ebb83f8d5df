import { randomUUID } from 'node:crypto';
import { expectNoSeriousA11yViolations } from '../support/a11y';
import { expect, test } from '../support/fixtures';

const SECRET = 'whsec-e2e-0123456789abcdef';

test.describe('Installation page', () => {
  // Each test first runs a release to its installations through the API.
  test.describe.configure({ timeout: 60_000 });
  test('a release manager opens an installation from the tenant page, reads what runs there and why, and changes its settings', async ({
    page,
    api,
    prepareRollout,
    createUser,
    signInAs,
    installationPage,
    saveScreenshot,
  }) => {
    const prepared = await prepareRollout({ previousRelease: true });
    const [api1, ui1] = prepared.applicationSlugs;
    const trackName = prepared.releaseName.replace(/ 3\.1\.0$/, '');
    await signInAs(await createUser({ role: 'RELEASE_MANAGER' }));

    // The tenant page's installation heading opens the installation.
    await page.goto(`/tenants/${prepared.tenantSlug}`);
    await page.getByRole('link', { name: 'Acme EU' }).click();
    await expect(page).toHaveURL(new RegExp(`/installations/${prepared.installationIds[0]}$`));
    await installationPage.expectShown('Acme EU');

    const row = installationPage.runningRow(api1);
    await expect(row.getByRole('cell').nth(0)).toHaveText('3.0.0');
    await expect(row.getByRole('link', { name: `Rollout of ${trackName} 3.0.0` })).toBeVisible();
    await expect(row).toContainText('e2e: the release before');
    await expect(row).toContainText('Not verified');
    await expect(installationPage.runningRow(ui1)).toContainText('3.0.0');

    // History and rollouts: both deployments of 3.0.0, and the one rollout that reached it.
    await expect(installationPage.history.getByRole('row')).toHaveCount(3);
    await expect(installationPage.history).toContainText('Showing 2 of 2');
    const rolloutRows = installationPage.rollouts.getByRole('row');
    await expect(rolloutRows).toHaveCount(2);
    await expect(rolloutRows.nth(1)).toContainText(`${trackName} 3.0.0`);
    await expect(rolloutRows.nth(1)).toContainText('Succeeded');
    await expectNoSeriousA11yViolations(page);
    await saveScreenshot('installation');
    // At tablet width the page fits the screen: wide tables scroll inside their section.
    await page.setViewportSize({ width: 820, height: 1000 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await saveScreenshot('installation-820');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Switch to a webhook driver: the secret is required, typed quickly, and never shown again.
    const settings = installationPage.settings;
    await settings.getByRole('combobox', { name: 'Driver' }).click();
    await page.getByRole('option', { name: 'Webhook' }).click();
    await settings.getByRole('textbox', { name: 'Webhook URL' }).pressSequentially('https://deploy.example/hooks/shiplog');
    await installationPage.saveSettings.click();
    await expect(settings.getByRole('alert')).toHaveText('Give a secret of at least 16 characters.');
    await settings.getByLabel('Signing secret').pressSequentially(SECRET);
    await settings.getByRole('switch', { name: 'Rollouts wait for an approval' }).focus();
    await page.keyboard.press('Space');
    await installationPage.saveSettings.click();
    await expect(settings.getByText('Settings saved.')).toBeVisible();

    await page.reload();
    await installationPage.expectShown('Acme EU');
    await expect(settings.getByRole('combobox', { name: 'Driver' })).toHaveText('Webhook');
    await expect(settings.getByRole('textbox', { name: 'Webhook URL' })).toHaveValue('https://deploy.example/hooks/shiplog');
    await expect(settings.getByRole('status').filter({ hasText: 'Signing secret' })).toHaveText('Signing secret: set');
    await expect(settings.getByLabel('Replace the signing secret')).toHaveValue('');
    await expect(settings.getByRole('switch', { name: 'Rollouts wait for an approval' })).toBeChecked();
    await expect(page.getByText('Needs approval')).toBeVisible();
    expect(await page.content()).not.toContain(SECRET);

    // Changing the URL alone keeps the stored secret: the form sends it back only as ********.
    const url = settings.getByRole('textbox', { name: 'Webhook URL' });
    await url.fill('https://deploy.example/hooks/v2');
    await url.press('Enter');
    await expect(settings.getByText('Settings saved.')).toBeVisible();
    const stored = await api.request<{ installation: { driverConfig: Record<string, string> } }>(
      'installation',
      'query ($id: ID!) { installation(id: $id) { driverConfig } }',
      { id: prepared.installationIds[0] },
    );
    expect(stored.installation.driverConfig).toEqual({ url: 'https://deploy.example/hooks/v2', secret: '********' });
  });

  test('an operator records verifications from the installation page and from the deployment drawer', async ({
    page,
    prepareRollout,
    createUser,
    signInAs,
    installationPage,
  }) => {
    const prepared = await prepareRollout({ previousRelease: true });
    const [api1] = prepared.applicationSlugs;
    await signInAs(await createUser({ role: 'OPERATOR' }));
    await installationPage.goto(prepared.installationIds[1]);
    await installationPage.expectShown('Acme US');
    // Operators verify; they do not change settings.
    await expect(installationPage.saveSettings).toHaveCount(0);
    await expect(installationPage.settings).toContainText('Simulated');

    await installationPage
      .runningRow(api1)
      .getByRole('button', { name: `Verify ${api1} 3.0.0` })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Record a verification' });
    await dialog.getByRole('radio', { name: 'Failed' }).check();
    await dialog.getByRole('textbox', { name: 'Source' }).pressSequentially('smoke suite #12');
    await dialog.getByRole('textbox', { name: 'Link (optional)' }).pressSequentially('not a link');
    await expect(dialog.getByText('Give an http(s) link, or leave it empty')).toBeVisible();
    await dialog.getByRole('textbox', { name: 'Link (optional)' }).fill('https://ci.example/smoke/12');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    const row = installationPage.runningRow(api1);
    await expect(row).toContainText('Failed');
    await expect(row.getByRole('link', { name: 'smoke suite #12' })).toHaveAttribute('href', 'https://ci.example/smoke/12');

    // The deployment drawer records one too, and lists both after a reload.
    await row.getByRole('button', { name: `${api1} 3.0.0: open the deployment` }).click();
    const drawer = page.getByRole('dialog', { name: 'Deployment' });
    await drawer.getByRole('button', { name: 'Record verification' }).click();
    const second = page.getByRole('dialog', { name: 'Record a verification' });
    await second.getByRole('textbox', { name: 'Source' }).pressSequentially('jenkins e2e #5');
    await second.getByRole('button', { name: 'Record verification' }).click();
    await expect(second).toBeHidden();
    const verifications = drawer.getByRole('list', { name: 'Verifications' });
    await expect(verifications.getByRole('listitem')).toHaveCount(2);
    await expect(verifications).toContainText('Passed jenkins e2e #5');
    await expectNoSeriousA11yViolations(page);

    await page.reload();
    await expect(
      page.getByRole('dialog', { name: 'Deployment' }).getByRole('list', { name: 'Verifications' }).getByRole('listitem'),
    ).toHaveCount(2);
    await page.getByRole('button', { name: 'Close deployment' }).click();
    await expect(installationPage.runningRow(api1)).toContainText('Passed');
    await expect(installationPage.runningRow(api1)).toContainText('2 checks');
  });

  test("a tenant's viewer sees its installation without actions, and another tenant's as missing", async ({
    page,
    api,
    uid,
    tier,
    prepareRollout,
    createUser,
    signInAs,
    installationPage,
  }) => {
    const prepared = await prepareRollout({ previousRelease: true });
    const other = await api.createTenant({ slug: `other-${uid}`, name: `Other ${uid}` });
    const foreign = await api.createInstallation({ tenantSlug: other.slug, slug: 'prod', name: 'Other prod', tier });
    await signInAs(await createUser({ role: 'VIEWER', tenantSlugs: [prepared.tenantSlug] }));

    await installationPage.goto(prepared.installationIds[0]);
    await installationPage.expectShown('Acme EU');
    await expect(installationPage.running.getByRole('button', { name: /^Verify / })).toHaveCount(0);
    await expect(installationPage.saveSettings).toHaveCount(0);
    await expect(installationPage.settings).toContainText('Not required');
    await installationPage.running
      .getByRole('button', { name: /open the deployment/ })
      .first()
      .click();
    await expect(page.getByRole('dialog', { name: 'Deployment' }).getByRole('heading', { level: 2 })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Record verification' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Close deployment' }).click();
    await expectNoSeriousA11yViolations(page);

    for (const id of [foreign.id, randomUUID()]) {
      await installationPage.goto(id);
      await expect(installationPage.heading).toHaveText('Installation not found');
      await expect(page.getByText('Other prod')).toHaveCount(0);
    }
  });

  test('rows of the installations list and the ledger open the installation', async ({
    page,
    uid,
    prepareRollout,
    createUser,
    signInAs,
    installationsPage,
    installationPage,
  }) => {
    const prepared = await prepareRollout({ previousRelease: true });
    await signInAs(await createUser());
    await page.goto(`/installations?q=${prepared.tenantSlug}`);
    await installationsPage.row(prepared.tenantSlug, 'us').getByRole('link', { name: 'us', exact: true }).click();
    await installationPage.expectShown('Acme US');

    await page.goto(`/deployments?tenant=${prepared.tenantSlug}`);
    await page
      .getByRole('link', { name: `Acme ${uid} / Acme EU: installation page` })
      .first()
      .click();
    await installationPage.expectShown('Acme EU');
  });
});
