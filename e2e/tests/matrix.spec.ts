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
