import { expect, test } from '../support/fixtures';

test.describe('Tenants page', () => {
  test('search narrows the list and is reflected in the URL', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    tenantsPage,
    saveScreenshot,
  }) => {
    const slugs = ['alpha', 'beta', 'gamma'].map((name) => `${uid}-${name}`);
    for (const slug of slugs) await api.createTenant({ slug, name: `Tenant ${slug}` });
    await signInAs(await createUser());

    await tenantsPage.searchFor(uid);
    await expect(page).toHaveURL(new RegExp(`[?&]q=${uid}(&|$)`));
    await expect(tenantsPage.rows).toHaveCount(3);
    await expect(tenantsPage.summary).toHaveText(`3 tenants match “${uid}”`);

    await tenantsPage.searchFor(`${uid}-be`);
    await expect(page).toHaveURL(new RegExp(`[?&]q=${uid}-be(&|$)`));
    await expect(tenantsPage.rows).toHaveCount(1);
    await expect(tenantsPage.row(`${uid}-beta`)).toBeVisible();
    await expect(tenantsPage.summary).toHaveText(`1 tenant match “${uid}-be”`);
    await saveScreenshot('tenants-search');

    // The URL carries the search: a reload shows the same narrowed list.
    await page.reload();
    await expect(tenantsPage.search).toHaveValue(`${uid}-be`);
    await expect(tenantsPage.rows).toHaveCount(1);

    await tenantsPage.searchFor(`${uid}-nothing`);
    await expect(page.getByText(`No tenants match “${uid}-nothing”`)).toBeVisible();
    await expect(tenantsPage.table).toBeHidden();
    await page.getByRole('button', { name: 'Clear search' }).click();
    await expect(page).toHaveURL(/\/tenants$/);
    await expect(tenantsPage.search).toHaveValue('');
    // Back to every tenant (other tests' too, so only the first page shows, in slug order).
    await expect(tenantsPage.summary).not.toContainText('match');
    await expect.poll(() => tenantsPage.rows.count()).toBeGreaterThanOrEqual(slugs.length);
  });

  test('more tenants load page by page', async ({ api, uid, createUser, signInAs, tenantsPage }) => {
    const total = 23;
    // 'zz-' sorts these after every other test's tenants, which then all fit on the first page.
    const prefix = `zz-${uid}-page`;
    for (let i = 1; i <= total; i += 1) {
      await api.createTenant({ slug: `${prefix}-${String(i).padStart(2, '0')}`, name: `Paged tenant ${i}` });
    }
    await signInAs(await createUser());

    await tenantsPage.searchFor(prefix);
    await expect(tenantsPage.summary).toHaveText(`${total} tenants match “${prefix}”`);
    await expect(tenantsPage.rows).toHaveCount(20);
    await expect(tenantsPage.page.getByText(`Showing 20 of ${total}`)).toBeVisible();

    await tenantsPage.loadMore.click();

    await expect(tenantsPage.rows).toHaveCount(total);
    await expect(tenantsPage.row(`${prefix}-23`)).toBeVisible();
    await expect(tenantsPage.loadMore).toBeHidden();
    await expect(tenantsPage.page.getByText(`Showing ${total} of ${total}`)).toBeVisible();
  });

  test('a tenant-scoped viewer sees only their tenant', async ({
    api,
    uid,
    createUser,
    signInAs,
    tenantsPage,
    shell,
    saveScreenshot,
  }) => {
    const own = await api.createTenant({
      slug: `one-tenant-${uid}`,
      name: 'The One Tenant',
      labels: [{ key: 'cohort', value: 'early-adopter' }],
    });
    const other = await api.createTenant({ slug: `other-tenant-${uid}`, name: 'Some Other Tenant' });
    const viewer = await createUser({ role: 'VIEWER', tenantSlugs: [own.slug], name: 'scoped' });

    await signInAs(viewer);

    await shell.expectSignedInAs(viewer.username, 'Viewer');
    await expect(tenantsPage.summary).toHaveText('1 tenant');
    await expect(tenantsPage.rows).toHaveCount(1);
    await expect(tenantsPage.row(own.slug)).toContainText('The One Tenant');
    await expect(tenantsPage.row(other.slug)).toHaveCount(0);

    await tenantsPage.searchFor('other-tenant');
    await expect(tenantsPage.page.getByText('No tenants match “other-tenant”')).toBeVisible();
    await saveScreenshot('tenants-scoped-empty');
    await tenantsPage.searchFor('');
    await expect(tenantsPage.rows).toHaveCount(1);
    await saveScreenshot('tenants-scoped');
  });
});
