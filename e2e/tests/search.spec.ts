import { expectNoSeriousA11yViolations } from '../support/a11y';
import { expect, test } from '../support/fixtures';

const DIGEST = 'sha256:9c2e4a6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c';

test.describe('Global search', () => {
  test('"/" opens it anywhere outside a field; typing fast and Enter opens the best match; arrows choose', async ({
    page,
    api,
    uid,
    tier,
    createUser,
    signInAs,
    tenantsPage,
    installationPage,
  }) => {
    const tenant = await api.createTenant({ slug: `zephyr-${uid}`, name: `Zephyr ${uid}` });
    const installation = await api.createInstallation({ tenantSlug: tenant.slug, slug: 'prod', name: 'Zephyr prod', tier });
    await api.createInstallation({ tenantSlug: tenant.slug, slug: 'qa', name: 'Zephyr qa', tier });
    await signInAs(await createUser());

    // A "/" typed into a field stays there.
    await page.goto('/tenants');
    const tenantSearch = tenantsPage.search;
    await tenantSearch.click();
    await page.keyboard.type('a/b');
    await expect(tenantSearch).toHaveValue('a/b');
    await expect(page.getByRole('dialog', { name: 'Search everything' })).toHaveCount(0);

    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('/');
    const dialog = page.getByRole('dialog', { name: 'Search everything' });
    const box = dialog.getByRole('combobox', { name: 'Search' });
    await expect(box).toBeFocused();
    // Typed as fast as the keyboard goes, then Enter at once: the best match for the whole text opens.
    await page.keyboard.type(`${tenant.slug}/prod`);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/installations/${installation.id}$`));
    await installationPage.expectShown('Zephyr prod');

    // Arrows move through the results; Enter opens the chosen one.
    await page.keyboard.press('/');
    await page.keyboard.type(`zephyr ${uid}`);
    const options = dialog.getByRole('option');
    await expect(options).toHaveCount(3);
    await expect(options.nth(0)).toContainText(`Zephyr ${uid}`);
    await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(options.nth(2)).toHaveAttribute('aria-selected', 'true');
    await expect(options.nth(2)).toContainText('Zephyr qa');
    await expectNoSeriousA11yViolations(page);
    await page.keyboard.press('Enter');
    await installationPage.expectShown('Zephyr qa');

    // Escape closes it and leaves the page as it was.
    await page.keyboard.press('/');
    await page.keyboard.type('nothing-like-this');
    await expect(dialog.getByRole('status')).toHaveText('0 found');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await installationPage.expectShown('Zephyr qa');
  });

  test('finds an artifact by the start of its digest and opens its journey', async ({ page, api, uid, createUser, signInAs }) => {
    const app = await api.createApplication({ slug: `ledger-${uid}`, name: `Ledger ${uid}` });
    await api.registerArtifact({
      applicationSlug: app.slug,
      version: '7.1.0',
      imageRef: `registry.example/${app.slug}@${DIGEST}`,
      digest: DIGEST,
    });
    await signInAs(await createUser());
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Search everything' });
    await dialog.getByRole('combobox', { name: 'Search' }).fill(DIGEST.slice(7, 19));
    await expect(dialog.getByRole('option')).toHaveCount(1);
    await expect(dialog.getByRole('option')).toContainText(`Ledger ${uid} 7.1.0`);
    await dialog.getByRole('option').click();
    await expect(page).toHaveURL(new RegExp(`/artifacts/${app.slug}/7\\.1\\.0$`));
  });

  test("a tenant's viewer does not find another tenant", async ({ page, api, uid, createUser, signInAs }) => {
    const own = await api.createTenant({ slug: `kestrel-own-${uid}`, name: `Kestrel own ${uid}` });
    await api.createTenant({ slug: `kestrel-other-${uid}`, name: `Kestrel other ${uid}` });
    await signInAs(await createUser({ tenantSlugs: [own.slug] }));
    await page.keyboard.press('/');
    const dialog = page.getByRole('dialog', { name: 'Search everything' });
    await page.keyboard.type(`kestrel`);
    await expect(dialog.getByRole('status')).toHaveText(/found/);
    await expect(dialog.getByRole('option')).toHaveCount(1);
    await expect(dialog.getByRole('option')).toContainText(`Kestrel own ${uid}`);

    // Pasting a novel gets a clear refusal, not a blank list.
    await dialog.getByRole('combobox', { name: 'Search' }).fill('x'.repeat(201));
    await expect(dialog.getByRole('alert')).toContainText('Search for at most 200 characters');
  });
});
