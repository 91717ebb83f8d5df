import { ShiplogApi } from '../support/api';
import { serverUnderTest } from '../support/env';
import { expect, test } from '../support/fixtures';

const SESSION_KEY = 'shiplog.session';

test.describe('Signing in and out', () => {
  test('a user signs in on the overview and opens the tenants list', async ({
    page,
    api,
    tier,
    uid,
    createUser,
    signInPage,
    overviewPage,
    tenantsPage,
    shell,
    saveScreenshot,
  }) => {
    const acme = await api.createTenant({
      slug: `acme-${uid}`,
      name: 'Acme Corporation',
      labels: [
        { key: 'tier', value: 'gold' },
        { key: 'region', value: 'eu' },
      ],
    });
    for (const slug of ['prod', 'qa']) {
      await api.createInstallation({ tenantSlug: acme.slug, slug, name: `Acme ${slug}`, tier });
    }
    const globex = await api.createTenant({ slug: `globex-${uid}`, name: 'Globex' });
    await api.updateTenant({ slug: globex.slug, blocked: true });
    const user = await createUser({ role: 'VIEWER', name: 'alice' });

    await page.goto('/');
    await signInPage.expectShown();
    await saveScreenshot('sign-in');
    await signInPage.signIn(user.username, user.password);

    await overviewPage.expectShown();
    await shell.expectSignedInAs(user.username, 'Viewer');
    await shell.tenantsLink.click();
    await tenantsPage.expectShown();
    const acmeRow = tenantsPage.row(acme.slug);
    await expect(acmeRow).toContainText('Acme Corporation');
    await expect(acmeRow.getByText('tier=gold')).toBeVisible();
    await expect(acmeRow.getByText('region=eu')).toBeVisible();
    await expect(acmeRow.getByRole('cell', { name: '2', exact: true })).toBeVisible();
    await expect(acmeRow.getByText('Active')).toBeVisible();
    await expect(tenantsPage.row(globex.slug).getByText('Blocked')).toBeVisible();
    await expect(tenantsPage.summary).toHaveText(/^\d+ tenants?$/);
    await saveScreenshot('tenants');
  });

  test('a wrong password shows an error and stays on sign-in', async ({ page, createUser, signInPage, saveScreenshot }) => {
    const user = await createUser();

    await signInPage.goto();
    await signInPage.signIn(user.username, `${user.password}-wrong`);

    await expect(signInPage.error).toHaveText('Wrong username or password');
    await signInPage.expectShown();
    await expect(signInPage.password).toHaveValue(`${user.password}-wrong`);
    await saveScreenshot('sign-in-error');

    await page.goto('/tenants');
    await signInPage.expectShown();
  });

  test('the session survives a reload', async ({ page, createUser, signInAs, tenantsPage, shell }) => {
    const user = await createUser({ role: 'ADMIN' });
    await signInAs(user);
    await shell.expectSignedInAs(user.username, 'Admin');

    await page.reload();

    await tenantsPage.expectShown();
    await shell.expectSignedInAs(user.username, 'Admin');
  });

  test('sign out returns to sign-in and the app then refuses to show tenants', async ({
    page,
    createUser,
    signInAs,
    signInPage,
    tenantsPage,
    shell,
  }) => {
    const user = await createUser();
    await signInAs(user);
    const token = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null')?.token as string, SESSION_KEY);
    expect(token).toBeTruthy();

    await shell.signOut();

    await signInPage.expectShown();
    await expect(signInPage.username).toHaveValue('');
    await page.goto('/tenants');
    await signInPage.expectShown();
    await expect(tenantsPage.table).toBeHidden();
    expect(await ShiplogApi.isAccepted(serverUnderTest().url, token)).toBe(false);
  });

  test('a session the server no longer accepts sends the user to sign in', async ({
    page,
    createUser,
    signInAs,
    signInPage,
    shell,
  }) => {
    const user = await createUser();
    await signInAs(user);
    const stored = await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY);
    await shell.signOut();
    await signInPage.expectShown();

    // Put the revoked session back, as a second tab that missed the sign-out would still have it.
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [SESSION_KEY, stored ?? ''] as const);
    await page.goto('/tenants');

    await signInPage.expectShown();
    await expect(page.getByText('Your session has ended; sign in again')).toBeVisible();
    expect(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).toBeNull();
  });
});
