import { readFile } from 'node:fs/promises';
import { expect, test } from '../support/fixtures';

// The cell colours of the legend (DRIFT_LOOK in the web app), as the browser reports them.
const SAME = 'rgb(227, 244, 232)';
const OLDER = 'rgb(255, 241, 214)';
const NEWER = 'rgb(227, 236, 251)';

test.describe('What runs where', () => {
  test('the matrix colours running versions against a chosen release and opens the deployment behind a cell', async ({
    page,
    uid,
    seedFleet,
    createUser,
    signInAs,
    matrixPage,
    deploymentDrawer,
    saveScreenshot,
  }) => {
    const fleet = await seedFleet();
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'What runs where' }).click();
    await expect(matrixPage.heading).toBeVisible();
    await matrixPage.chooseTrack(fleet.track.name);
    await expect(page).toHaveURL(new RegExp(`[?&]track=${fleet.track.slug}(&|$)`));
    await matrixPage.chooseTier(fleet.tiers.prod);
    await expect(page).toHaveURL(new RegExp(`[?&]tier=${fleet.tiers.prod}(&|$)`));
    await expect(matrixPage.summary).toContainText(`compared with ${fleet.track.name} 1.1.0`);

    const acmeProd = `${fleet.tenants.acme} / prod`;
    const globexProd = `${fleet.tenants.globex} / prod`;
    const initechProd = `${fleet.tenants.initech} / prod`;
    await expect(matrixPage.cell(acmeProd, fleet.apps.api)).toHaveAccessibleName(
      `${acmeProd}: ${fleet.apps.api} 1.1.0, same as release`,
    );
    await expect(matrixPage.cell(acmeProd, fleet.apps.api)).toHaveCSS('background-color', SAME);
    await expect(matrixPage.cell(globexProd, fleet.apps.api)).toHaveAccessibleName(
      `${globexProd}: ${fleet.apps.api} 1.2.0, newer than release 1.1.0`,
    );
    await expect(matrixPage.cell(globexProd, fleet.apps.api)).toHaveCSS('background-color', NEWER);
    await expect(matrixPage.cell(globexProd, fleet.apps.web)).toHaveAccessibleName(
      `${globexProd}: ${fleet.apps.web} 1.0.0, older than release 1.1.0`,
    );
    await expect(matrixPage.cell(globexProd, fleet.apps.web)).toHaveCSS('background-color', OLDER);
    await expect(matrixPage.cell(globexProd, fleet.apps.worker)).toHaveAccessibleName(
      `${globexProd}: ${fleet.apps.worker} 1.0.0, not in release`,
    );
    await expect(matrixPage.cell(initechProd, fleet.apps.api)).toHaveAccessibleName(
      `${initechProd}: ${fleet.apps.api} missing, release has 1.1.0`,
    );
    await expect(matrixPage.cell(acmeProd, fleet.apps.worker)).toHaveAccessibleName(
      `${acmeProd}: ${fleet.apps.worker} not installed`,
    );
    for (const state of ['Same', 'Older', 'Newer', 'Not in release', 'Missing', 'Not installed'])
      await expect(matrixPage.legend.getByRole('listitem').filter({ hasText: state })).toBeVisible();
    await saveScreenshot('matrix');

    // Against the older release the same cell reads newer.
    await matrixPage.chooseRelease('1.0.0');
    await expect(page).toHaveURL(/[?&]release=/);
    await expect(matrixPage.cell(acmeProd, fleet.apps.api)).toHaveAccessibleName(
      `${acmeProd}: ${fleet.apps.api} 1.1.0, newer than release 1.0.0`,
    );
    await expect(matrixPage.cell(acmeProd, fleet.apps.api)).toHaveCSS('background-color', NEWER);

    // Cells take the keyboard: arrows move between them, Enter opens one.
    await matrixPage.cell(acmeProd, fleet.apps.api).focus();
    await page.keyboard.press('ArrowRight');
    await expect(matrixPage.cell(acmeProd, fleet.apps.web)).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(matrixPage.cell(globexProd, fleet.apps.web)).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    await expect(matrixPage.cell(acmeProd, fleet.apps.api)).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`[?&]deployment=${fleet.verifiedDeployment}(&|$)`));
    await expect(deploymentDrawer.panel).toContainText(`${fleet.apps.api} 1.1.0`);
    await expect(deploymentDrawer.panel).toContainText('Triggered by');
    await expect(deploymentDrawer.panel).toContainText(fleet.reason);
    await expect(deploymentDrawer.panel).toContainText(`smoke ${uid}`);
    await saveScreenshot('matrix-drawer');

    // The open deployment is part of the address: a reload shows it again.
    await page.reload();
    await expect(deploymentDrawer.panel).toContainText(fleet.reason);
    await deploymentDrawer.close.click();
    await expect(page).not.toHaveURL(/deployment=/);

    await matrixPage.field('Tenant').fill(fleet.tenants.globex);
    await expect(matrixPage.rows()).toHaveCount(1);
    await matrixPage.field('Tenant').fill(`nobody-${uid}`);
    await expect(page.getByText('No installations match these filters')).toBeVisible();
  });

  test('at 820 px the matrix stays readable and a cell still opens its deployment', async ({
    page,
    seedFleet,
    createUser,
    signInAs,
    matrixPage,
    deploymentDrawer,
    saveScreenshot,
  }) => {
    const fleet = await seedFleet();
    await page.setViewportSize({ width: 820, height: 1000 });
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));
    await matrixPage.goto(`?track=${fleet.track.slug}&tenant=${fleet.tenants.globex}`);
    const globexProd = `${fleet.tenants.globex} / prod`;
    await expect(matrixPage.cell(globexProd, fleet.apps.worker)).toHaveAccessibleName(
      `${globexProd}: ${fleet.apps.worker} 1.0.0, not in release`,
    );
    await saveScreenshot('matrix-820');
    await matrixPage.cell(globexProd, fleet.apps.worker).click();
    await expect(deploymentDrawer.panel).toContainText(`${fleet.apps.worker} 1.0.0`);
  });
});

test.describe('What runs where answers questions', () => {
  test('filter by application and drift with the keyboard, sort, export the CSV and keep the installation column in view', async ({
    page,
    uid,
    seedFleet,
    createUser,
    signInAs,
    matrixPage,
    saveScreenshot,
  }) => {
    // Several questions in a row, each a round trip: more than one default test's time.
    test.slow();
    const fleet = await seedFleet();
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));
    // `q` narrows the matrix to this test's tenants; the release compared is the track's newest, 1.1.0.
    await matrixPage.goto(`?track=${fleet.track.slug}&q=${uid}`);
    await expect(matrixPage.summary).toContainText(`compared with ${fleet.track.name} 1.1.0`);
    await expect(matrixPage.rows()).toHaveCount(5);

    // Only the web application, chosen by typing its name.
    await matrixPage.applications.focus();
    await page.keyboard.type(fleet.apps.web);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await expect(page).toHaveURL(new RegExp(`[?&]apps=${fleet.apps.web}(&|$)`));
    await expect(matrixPage.matrix.getByRole('columnheader')).toHaveText(['Installation', fleet.apps.web]);

    // Older than the release: acme/prod runs web 1.1.0 (the release's) and initech runs nothing, so both leave.
    await matrixPage.driftToggle('Older').focus();
    await page.keyboard.press('Space');
    await expect(matrixPage.driftToggle('Older')).toHaveAttribute('aria-pressed', 'true');
    await expect(matrixPage.rows()).toHaveCount(3);
    const { acme, globex, initech } = fleet.tenants;
    expect(await matrixPage.order()).toEqual([`${acme} / qa`, `${globex} / prod`, `${globex} / qa`]);
    await matrixPage.driftToggle('Missing').focus();
    await page.keyboard.press('Enter');
    await expect(matrixPage.rows()).toHaveCount(4);
    await expect(matrixPage.cell(`${initech} / prod`, fleet.apps.web)).toHaveAccessibleName(
      `${initech} / prod: ${fleet.apps.web} missing, release has 1.1.0`,
    );

    await matrixPage.sortBy('Installation');
    await expect(page).toHaveURL(/[?&]sort=installation(&|$)/);
    await expect
      .poll(() => matrixPage.order())
      .toEqual([`${globex} / prod`, `${initech} / prod`, `${acme} / qa`, `${globex} / qa`]);
    await saveScreenshot('matrix-filtered');

    // The CSV holds the filtered matrix in the order shown.
    const downloading = page.waitForEvent('download');
    await matrixPage.download.click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('what-runs-where.csv');
    const text = (await readFile(await download.path(), 'utf8')).trimEnd();
    expect(text.split('\r\n').map((line) => line.split(','))).toEqual([
      ['Tenant', 'Installation', 'Tier', fleet.apps.web],
      [globex, 'prod', fleet.tiers.prod, '1.0.0'],
      [initech, 'prod', fleet.tiers.prod, ''],
      [acme, 'qa', fleet.tiers.qa, '1.0.0'],
      [globex, 'qa', fleet.tiers.qa, '1.0.0'],
    ]);

    // Most drift first, over every application: initech misses api and web; acme/prod runs the release.
    await matrixPage.goto(`?track=${fleet.track.slug}&q=${uid}&sort=drift`);
    await expect(matrixPage.rows()).toHaveCount(5);
    const order = await matrixPage.order();
    expect(order.at(-1)).toBe(`${acme} / prod`);

    // Scrolled sideways in a narrow window, the installation column stays where it was.
    await page.setViewportSize({ width: 560, height: 900 });
    const header = matrixPage.matrix.getByRole('rowheader').filter({ hasText: `${globex} / prod` });
    const before = (await header.boundingBox())!;
    await matrixPage.matrix.evaluate((table) => table.scrollBy({ left: 400 }));
    await expect.poll(() => matrixPage.matrix.evaluate((table) => table.scrollLeft)).toBeGreaterThan(0);
    const after = (await header.boundingBox())!;
    expect(after.x).toBe(before.x);
    await expect(header).toBeInViewport();
    await saveScreenshot('matrix-scrolled');
  });
});
