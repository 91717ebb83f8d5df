import { expect, test } from '../support/fixtures';

test.describe('Starting a rollout from the browser', () => {
  test('a release manager chooses a tenant, reads the preview per stage, starts, and watches the grid turn green', async ({
    page,
    createUser,
    signInAs,
    prepareRollout,
    releasePage,
    newRolloutPage,
    rolloutPage,
    saveScreenshot,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const prepared = await prepareRollout();
    const [api, ui] = prepared.applicationSlugs;

    await page.goto(`/releases/${prepared.releaseId}`);
    await releasePage.expectShown(prepared.releaseName);
    await page.getByRole('link', { name: 'Roll out…' }).click();
    await newRolloutPage.expectShown(prepared.releaseName);
    await expect(newRolloutPage.startButton).toBeDisabled();

    await newRolloutPage.chooseTenant(prepared.tenantSlug);
    // The choice is in the URL, so the plan can be shared before it starts.
    await expect(page).toHaveURL(new RegExp(`[?&]tenant=${prepared.tenantSlug}`));
    await expect(newRolloutPage.summary).toContainText('2 installations');
    await expect(newRolloutPage.summary).toContainText('4 deployments');
    await expect(newRolloutPage.summary).toContainText('0 skipped');
    const row = newRolloutPage.tenantRow(prepared.tenantSlug);
    await expect(row.getByRole('cell', { name: 'Stage 1' })).toHaveText('2 to deploy');
    await expect(row.getByRole('cell', { name: 'Stage 2' })).toHaveText('2 to deploy');
    await row.getByRole('button', { name: `Show installations of ${prepared.tenantSlug}` }).click();
    await expect(newRolloutPage.planByTenant).toContainText(`Stage 1: ${api} 3.1.0`);
    await expect(newRolloutPage.planByTenant).toContainText(`Stage 2: ${ui} 3.1.0`);
    await saveScreenshot('rollout-new-preview');

    // Without a reason it cannot start.
    await expect(newRolloutPage.startButton).toBeDisabled();
    await newRolloutPage.reason.fill('Quarterly release for Acme');
    await newRolloutPage.startButton.click();

    await expect(page).toHaveURL(/\/rollouts\/[0-9a-f-]+$/);
    await rolloutPage.expectShown(prepared.releaseName);
    for (const installation of prepared.installationSlugs) {
      for (const stage of [1, 2]) {
        await expect(rolloutPage.cell(prepared.tenantSlug, installation, stage)).toHaveText('Succeeded', { timeout: 30_000 });
      }
    }
    await expect(rolloutPage.status).toContainText('Succeeded', { timeout: 30_000 });
  });

  test('the preview says why a rollout cannot start, and which installations a selector leaves out', async ({
    page,
    api,
    createUser,
    signInAs,
    prepareRollout,
    newRolloutPage,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const prepared = await prepareRollout();
    await api.updateInstallation({ tenantSlug: prepared.tenantSlug, slug: 'us', frozen: true });

    await page.goto(`/releases/${prepared.releaseId}/rollout`);
    await newRolloutPage.chooseTargetsBy('Installations one by one');
    await newRolloutPage.chooseInstallation(`${prepared.tenantSlug}`, `${prepared.tenantSlug} / us`);
    await expect(newRolloutPage.preview.getByRole('alert')).toContainText(`Installation ${prepared.tenantSlug}/us is frozen`);
    await newRolloutPage.reason.fill('Trying a frozen installation');
    await expect(newRolloutPage.startButton).toBeDisabled();

    // By tenant instead: the frozen installation is left out with its reason, and the other one is planned.
    await newRolloutPage.chooseTargetsBy('By tenant, label and tier');
    await newRolloutPage.chooseTenant(prepared.tenantSlug);
    await expect(newRolloutPage.summary).toContainText('1 installations');
    await expect(newRolloutPage.summary).toContainText('1 excluded');
    await expect(newRolloutPage.preview).toContainText(
      `${prepared.tenantSlug} / us: Installation ${prepared.tenantSlug}/us is frozen`,
    );
    await expect(newRolloutPage.startButton).toBeEnabled();
  });
});
