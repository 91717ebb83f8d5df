import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { ArchiveControls } from '../support/pages/archive.page';

/** Applications are paged: shows more until this one is on screen. */
async function findApplication(page: Page, slug: string) {
  const list = page.getByRole('list', { name: 'Applications' });
  const more = page.getByRole('button', { name: 'More applications' });
  await expect(list).toBeVisible();
  while (!(await list.getByText(slug, { exact: false }).count()) && (await more.isVisible())) await more.click();
  await expect(list).toContainText(slug);
}

/** The new-rollout page for a release, with a tenant chosen through the URL. */
async function previewFor(page: Page, releaseId: string, tenantSlug: string) {
  await page.goto(`/releases/${releaseId}/rollout?tenant=${encodeURIComponent(tenantSlug)}`);
  return page.getByRole('group', { name: 'Plan summary' });
}

test.describe('Archiving and restoring from the dashboard', () => {
  test('an admin archives an installation and a tenant with the keyboard; they leave the lists and the rollout choices until restored', async ({
    page,
    createUser,
    signInAs,
    prepareRollout,
    installationsPage,
    tenantsPage,
    newRolloutPage,
    saveScreenshot,
  }) => {
    await signInAs(await createUser({ role: 'ADMIN', name: 'admin' }));
    const prepared = await prepareRollout();
    const tenant = prepared.tenantSlug;
    const archive = new ArchiveControls(page);

    // The installation: archived from the installations list.
    await installationsPage.goto(`?q=${tenant}`);
    await expect(installationsPage.rows).toHaveCount(2);
    await archive.archive('installation', `${tenant}/eu`, 'Acme EU was decommissioned');
    await expect(installationsPage.rows).toHaveCount(1);
    await expect(installationsPage.rows).toContainText(['Acme US']);
    await expect(installationsPage.summary).toContainText('1 installation');

    // It is gone from what a new rollout can choose and from its preview.
    const summary = await previewFor(page, prepared.releaseId, tenant);
    await expect(summary).toContainText('1 installation');
    await expect(summary).toContainText('2 deployments');
    await newRolloutPage.chooseTargetsBy('Installations one by one');
    await newRolloutPage.installations.fill(tenant);
    await expect(page.getByRole('option', { name: `${tenant} / us` })).toBeVisible();
    await expect(page.getByRole('option', { name: `${tenant} / eu` })).toHaveCount(0);

    // The tenant: archived from the tenants list.
    await tenantsPage.goto(tenant);
    await expect(tenantsPage.row(tenant)).toBeVisible();
    await archive.archive('tenant', tenant, 'Acme left');
    await expect(tenantsPage.row(tenant)).toHaveCount(0);
    await expect(page.getByText(`No tenants match “${tenant}”`)).toBeVisible();

    await previewFor(page, prepared.releaseId, '');
    await newRolloutPage.tenants.fill(tenant);
    await expect(page.getByText('No options')).toBeVisible();
    await expect(page.getByRole('option', { name: tenant, exact: true })).toHaveCount(0);

    // Shown again, marked, and restored.
    await tenantsPage.goto(tenant);
    await archive.toggleShowArchived(true);
    await expect(page).toHaveURL(/[?&]archived=1/);
    await expect(tenantsPage.row(tenant)).toContainText('Archived');
    await saveScreenshot('archive-tenants-show-archived');
    await archive.restore('tenant', tenant, 'Acme is back');
    await expect(tenantsPage.row(tenant)).toContainText('Active');
    await expect(archive.button('Archive', 'tenant', tenant)).toBeVisible();
    await archive.toggleShowArchived(false);
    await expect(tenantsPage.row(tenant)).toBeVisible();

    // The installation stays archived with its tenant restored, until it is restored itself.
    await installationsPage.goto(`?q=${tenant}`);
    await expect(installationsPage.rows).toHaveCount(1);
    await archive.toggleShowArchived(true);
    await expect(installationsPage.rows).toHaveCount(2);
    await expect(installationsPage.rows.filter({ hasText: 'Acme EU' })).toContainText('Archived');
    await archive.restore('installation', `${tenant}/eu`, 'Acme EU is running again');
    await archive.toggleShowArchived(false);
    await expect(installationsPage.rows).toHaveCount(2);
    await expect(installationsPage.rows.filter({ hasText: 'Archived' })).toHaveCount(0);

    const restored = await previewFor(page, prepared.releaseId, tenant);
    await expect(restored).toContainText('2 installations');
    await expect(restored).toContainText('4 deployments');
  });

  test('an archive refused by an unfinished rollout lists the blockers, linked to the rollout', async ({
    page,
    api,
    createUser,
    signInAs,
    prepareRollout,
    installationsPage,
    tenantPage,
    rolloutPage,
    saveScreenshot,
  }) => {
    await signInAs(await createUser({ role: 'ADMIN', name: 'admin' }));
    // Both installations wait for approval, so the rollout stays open with work on them.
    const prepared = await prepareRollout({ requireApproval: ['eu', 'us'] });
    const tenant = prepared.tenantSlug;
    const rollout = await api.startRollout({
      releaseId: prepared.releaseId,
      installationIds: prepared.installationIds,
      reason: 'e2e: open rollout',
    });
    const archive = new ArchiveControls(page);

    await installationsPage.goto(`?q=${tenant}`);
    await archive.confirmWithKeyboard(archive.button('Archive', 'installation', `${tenant}/eu`), 'Decommissioned');
    const blockers = archive.dialog.getByRole('list', { name: 'Blockers' });
    await expect(archive.dialog).toContainText('Cannot archive');
    await expect(blockers.getByRole('listitem')).toHaveText([`Rollout ${rollout.id} still has work on ${tenant}/eu`]);
    await saveScreenshot('archive-refused');
    await page.keyboard.press('Escape');
    await expect(archive.dialog).toBeHidden();
    await expect(installationsPage.rows).toHaveCount(2);

    // The tenant page refuses for both installations, and each blocker leads to the rollout.
    await tenantPage.goto(tenant);
    await archive.confirmWithKeyboard(archive.button('Archive', 'tenant', tenant), 'Leaving');
    await expect(blockers.getByRole('listitem')).toHaveText([
      `Rollout ${rollout.id} still has work on ${tenant}/eu`,
      `Rollout ${rollout.id} still has work on ${tenant}/us`,
    ]);
    await blockers.getByRole('link', { name: rollout.id }).first().click();
    await expect(page).toHaveURL(new RegExp(`/rollouts/${rollout.id}$`));
    await rolloutPage.expectShown(prepared.releaseName);
  });

  test('a viewer sees no archive or restore buttons on the lists and pages that offer them', async ({
    page,
    createUser,
    signInAs,
    prepareRollout,
    installationsPage,
    tenantsPage,
    releaseTracksPage,
  }) => {
    const prepared = await prepareRollout();
    const tenant = prepared.tenantSlug;
    const archive = new ArchiveControls(page);
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));

    await tenantsPage.goto(tenant);
    await expect(tenantsPage.row(tenant)).toBeVisible();
    await expect(archive.anyButton).toHaveCount(0);
    await archive.toggleShowArchived(true);
    await expect(tenantsPage.row(tenant)).toBeVisible();
    await expect(archive.anyButton).toHaveCount(0);

    await installationsPage.goto(`?q=${tenant}`);
    await expect(installationsPage.rows).toHaveCount(2);
    await expect(archive.anyButton).toHaveCount(0);

    await page.goto(`/tenants/${tenant}`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(tenant);
    await expect(page.getByRole('heading', { name: 'Installations (2)' })).toBeVisible();
    await expect(archive.anyButton).toHaveCount(0);

    await page.goto('/tracks');
    await releaseTracksPage.expectShown();
    await findApplication(page, prepared.applicationSlugs[0]);
    await expect(releaseTracksPage.list).toContainText(`rollout-${tenant.slice('acme-'.length)}`);
    await expect(archive.anyButton).toHaveCount(0);
  });

  test('a release manager may archive installations, applications and tracks, but not tenants', async ({
    page,
    createUser,
    signInAs,
    prepareRollout,
    installationsPage,
    tenantsPage,
    releaseTracksPage,
  }) => {
    const prepared = await prepareRollout();
    const tenant = prepared.tenantSlug;
    const archive = new ArchiveControls(page);
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

    await tenantsPage.goto(tenant);
    await expect(tenantsPage.row(tenant)).toBeVisible();
    await expect(archive.anyButton).toHaveCount(0);

    await installationsPage.goto(`?q=${tenant}`);
    await expect(archive.button('Archive', 'installation', `${tenant}/eu`)).toBeVisible();

    const [application] = prepared.applicationSlugs;
    const track = `rollout-${tenant.slice('acme-'.length)}`;
    await page.goto('/tracks');
    await releaseTracksPage.expectShown();
    const applications = page.getByRole('list', { name: 'Applications' });
    await findApplication(page, application);
    await archive.archive('application', application, 'Replaced by the new API');
    await expect(applications).not.toContainText(application);
    await archive.archive('release track', track, 'Product line ended');
    await expect(releaseTracksPage.list.getByText(track)).toHaveCount(0);

    await archive.toggleShowArchived(true);
    await findApplication(page, application);
    await expect(applications.getByRole('listitem').filter({ hasText: application })).toContainText('Archived');
    await expect(releaseTracksPage.list.getByRole('listitem').filter({ hasText: track })).toContainText('Archived');
    await archive.restore('application', application, 'Still needed');
    await archive.restore('release track', track, 'Product line continues');
    await archive.toggleShowArchived(false);
    await findApplication(page, application);
    await expect(releaseTracksPage.list).toContainText(track);
  });
});
