import { expect, test } from '../support/fixtures';

test.describe('Audit log', () => {
  test('an admin finds a change in the audit log and reads its before and after', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    shell,
    auditPage,
    saveScreenshot,
  }) => {
    const tenant = await api.createTenant({ slug: `audited-${uid}`, name: `Before ${uid}`, contacts: ['ops@example.com'] });
    await api.updateTenant({ slug: tenant.slug, name: `After ${uid}` });
    await signInAs(await createUser({ role: 'ADMIN', name: 'auditor' }));

    await shell.auditLink.click();
    await auditPage.expectShown();
    await auditPage.subjectId.fill(tenant.id);
    await expect(page).toHaveURL(new RegExp(`[?&]subject=${tenant.id}(&|$)`));
    await expect(auditPage.rows).toHaveCount(2);
    // Newest first: the rename, then the creation.
    await expect(auditPage.rows.nth(0)).toContainText('tenant.update');
    await expect(auditPage.rows.nth(1)).toContainText('tenant.create');

    await auditPage.chooseAction('tenant.upd');
    await expect(page).toHaveURL(/[?&]action=tenant\.update(&|$)/);
    await expect(auditPage.rows).toHaveCount(1);
    const row = auditPage.rows.first();
    await expect(row).toContainText('Tenant');
    await expect(row).toContainText('token:admin');

    await row.getByRole('button', { name: /^Show changes of tenant\.update/ }).click();
    const diff = auditPage.diff('tenant.update');
    await expect(diff).toBeVisible();
    const nameRow = diff.getByRole('row', { name: /^name / });
    await expect(nameRow.getByRole('cell').nth(0)).toHaveText(`Before ${uid}`);
    await expect(nameRow.getByRole('cell').nth(1)).toHaveText(`After ${uid}`);
    await expect(nameRow.getByRole('cell').nth(2)).toHaveText('Changed');
    await expect(
      diff
        .getByRole('row', { name: /^slug / })
        .getByRole('cell')
        .nth(2),
    ).toHaveText('Unchanged');
    await expect(page).toHaveURL(/[?&]event=\d+(&|$)/);
    await saveScreenshot('audit');

    // Shared as a link, the page shows the same event opened.
    await page.reload();
    await expect(auditPage.diff('tenant.update')).toBeVisible();
    await page.setViewportSize({ width: 820, height: 1000 });
    await saveScreenshot('audit-820');

    await auditPage.action.clear();
    await auditPage.chooseAction('release.lo');
    await expect(page).toHaveURL(/[?&]action=release\.lock(&|$)/);
    await expect(page.getByText('No events match these filters')).toBeVisible();
  });

  test('the lock of a release shows only what locking changed; a tenant is found by its slug; actions are chosen from a list', async ({
    page,
    createUser,
    signInAs,
    prepareRollout,
    auditPage,
  }) => {
    const prepared = await prepareRollout();
    await signInAs(await createUser({ role: 'ADMIN', name: 'auditor' }));
    await auditPage.goto();

    // Part of the action's name is enough: "lock" offers release.lock first.
    await auditPage.chooseAction('lock');
    await expect(page).toHaveURL(/[?&]action=release\.lock(&|$)/);
    await auditPage.search.fill(prepared.releaseId);
    await expect(auditPage.rows).toHaveCount(1);
    await auditPage.rows
      .first()
      .getByRole('button', { name: /^Show changes of release\.lock/ })
      .click();
    const diff = auditPage.diff('release.lock');
    await expect(diff).toBeVisible();
    // The components were there before and after: they are unchanged, not "added".
    await expect(diff.getByRole('cell', { name: 'Added', exact: true })).toHaveCount(0);
    await expect(diff.getByRole('row', { name: /^status DRAFT LOCKED Changed$/ })).toBeVisible();
    await expect(page.getByText(/^[1-9] of \d+ values changed$/)).toBeVisible();

    // A tenant's slug finds the changes to it and its installations.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await auditPage.search.pressSequentially(prepared.tenantSlug, { delay: 30 });
    await expect(page).toHaveURL(new RegExp(`[?&]q=${prepared.tenantSlug}(&|$)`));
    await expect(auditPage.rows.filter({ hasText: 'installation.create' })).toHaveCount(2);
    await expect(auditPage.rows.filter({ hasText: 'tenant.create' })).toHaveCount(1);
  });
});
