import { expectNoSeriousA11yViolations } from '../support/a11y';
import { expect, test, type Page } from '../support/fixtures';

/** The page's background colour as the browser paints it. */
function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

/** Dark when the colour's channels are low. */
function isDark(rgb: string): boolean {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
  return r + g + b < 3 * 80;
}

test.describe('Display settings', () => {
  test('times read "… ago" with the exact time and zone on hover and focus, and in UTC once chosen, after a reload too', async ({
    page,
    prepareRollout,
    createUser,
    signInAs,
    installationPage,
  }) => {
    test.setTimeout(60_000);
    const prepared = await prepareRollout({ previousRelease: true });
    await signInAs(await createUser());
    await installationPage.goto(prepared.installationIds[0]);
    await installationPage.expectShown('Acme EU');

    const since = installationPage.runningRow(prepared.applicationSlugs[0]).locator('time');
    await expect(since).toHaveText(/just now|minutes? ago/);
    const iso = await since.getAttribute('datetime');
    expect(iso).toBeTruthy();
    await since.hover();
    const tooltip = page.getByRole('tooltip');
    // The browser here runs in UTC unless told otherwise; the zone is named either way.
    await expect(tooltip).toHaveText(/\d{1,2}:\d{2}:\d{2}.*(UTC|GMT|[A-Z]{2,5}|\(.+\))/);
    // The tooltip itself is readable (the other checks leave tooltips out: they catch them mid-fade).
    await expectNoSeriousA11yViolations(page, { withTooltips: true });

    await page.getByRole('button', { name: 'Display' }).click();
    const settings = page.getByRole('dialog', { name: 'Display settings' });
    await settings.getByRole('button', { name: 'UTC' }).click();
    await expect(settings.getByRole('button', { name: 'UTC' })).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('Escape');
    await expect(settings).toBeHidden();

    await page.reload();
    await installationPage.expectShown('Acme EU');
    // Keyboard focus shows the exact time too.
    await installationPage.runningRow(prepared.applicationSlugs[0]).locator('time').focus();
    const exact = new Date(iso!);
    // The browser's locale decides between a 24-hour and a 12-hour clock; either names the same minute.
    const minutes = String(exact.getUTCMinutes()).padStart(2, '0');
    const hours = exact.getUTCHours();
    const clock = new RegExp(`(${String(hours).padStart(2, '0')}|\\b${((hours + 11) % 12) + 1}):${minutes}`);
    await expect(page.getByRole('tooltip')).toContainText(clock);
    await expect(page.getByRole('tooltip')).toContainText('UTC');

    // The choice shows in the settings, and switches back.
    await page.getByRole('button', { name: 'Display' }).click();
    await expect(page.getByRole('dialog', { name: 'Display settings' }).getByRole('button', { name: 'UTC' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await page.getByRole('dialog', { name: 'Display settings' }).getByRole('button', { name: 'Local time' }).click();
    await page.keyboard.press('Escape');
    await expectNoSeriousA11yViolations(page);
  });

  test('the theme follows the system until one is chosen in the top bar, and the choice survives a reload', async ({
    page,
    prepareRollout,
    createUser,
    signInAs,
  }) => {
    test.setTimeout(60_000);
    const prepared = await prepareRollout({ previousRelease: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await signInAs(await createUser());
    await expect.poll(async () => isDark(await background(page))).toBe(true);

    await page.getByRole('button', { name: 'Display' }).click();
    const settings = page.getByRole('dialog', { name: 'Display settings' });
    await expect(settings.getByRole('button', { name: 'System' })).toHaveAttribute('aria-pressed', 'true');
    await settings.getByRole('button', { name: 'Light' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(async () => isDark(await background(page))).toBe(false);

    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect.poll(async () => isDark(await background(page))).toBe(false);

    // With the keyboard: open the settings and pick Dark; the system turning light does not change it.
    await page.getByRole('button', { name: 'Display' }).focus();
    await page.keyboard.press('Enter');
    await settings.getByRole('button', { name: 'Dark' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(async () => isDark(await background(page))).toBe(true);
    await expectNoSeriousA11yViolations(page);
    // The matrix, its sticky header included, reads well in the dark too.
    await page.goto(`/matrix?q=${prepared.tenantSlug}`);
    await expect(page.getByRole('link', { name: `${prepared.tenantSlug} / eu` })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // Back to System: the light system wins again.
    await page.getByRole('button', { name: 'Display' }).click();
    await settings.getByRole('button', { name: 'System' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(async () => isDark(await background(page))).toBe(false);
  });

  test('a page chosen dark is dark from its first paint, before the dashboard has loaded', async ({
    page,
    createUser,
    signInAs,
  }) => {
    await signInAs(await createUser());
    await page.getByRole('button', { name: 'Display' }).click();
    await page.getByRole('dialog', { name: 'Display settings' }).getByRole('button', { name: 'Dark' }).click();
    await page.keyboard.press('Escape');

    // The dashboard's code is held back: what shows meanwhile is the page before the app runs.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/assets/*.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/', { waitUntil: 'commit' });
    await page.waitForFunction(() => document.body !== null);
    expect(isDark(await background(page))).toBe(true);
    await expect(page.getByRole('heading', { level: 1 })).toHaveCount(0);
    release();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(isDark(await background(page))).toBe(true);
  });
});
