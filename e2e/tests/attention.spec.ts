import { expect, test } from '../support/fixtures';

test.describe('Needs attention', () => {
  test('repeats show as one item; an operator acknowledges it by keyboard, it stays off after a reload and returns when it fails again', async ({
    page,
    api,
    createUser,
    signInAs,
    prepareRollout,
    overviewPage,
  }) => {
    test.setTimeout(90_000);
    const prepared = await prepareRollout({ failing: { installation: 'eu', stage: 1 } });
    const eu = prepared.installationIds[0];
    const failOnEu = async () => {
      const { id } = await api.startRollout({
        releaseId: prepared.releaseId,
        installationIds: [eu],
        reason: 'e2e: attention',
        failurePolicy: 'CONTINUE',
      });
      await api.waitForRollout(id, ['FAILED']);
    };
    await failOnEu();
    await failOnEu();

    const operator = await createUser({ role: 'OPERATOR', name: 'op' });
    await signInAs(operator);
    await page.goto('/');
    await overviewPage.expectShown();
    const tenantName = `Acme ${prepared.tenantSlug.replace(/^acme-/, '')}`;
    // The same installation failing in two rollouts is one item, with its count.
    const euItem = overviewPage.attention.getByRole('listitem').filter({
      has: page.getByRole('link', { name: `${tenantName} / Acme EU failed 2 times`, exact: true }),
    });
    await expect(euItem).toBeVisible({ timeout: 20_000 });
    await expect(euItem).toContainText('in 2 rollouts');

    await euItem.getByRole('button', { name: `Acknowledge ${tenantName} / Acme EU failed 2 times` }).focus();
    await page.keyboard.press('Enter');
    await expect(euItem).toHaveCount(0);

    // Off the list after a reload too; the toggle shows who acknowledged it.
    await page.reload();
    await overviewPage.expectShown();
    const toggle = overviewPage.attention.getByLabel(/Show acknowledged/);
    await expect(toggle).toBeVisible({ timeout: 20_000 });
    await expect(overviewPage.attention.getByRole('link', { name: /Acme EU failed 2 times/ })).toHaveCount(0);
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect(euItem).toContainText(`Acknowledged by user:${operator.username} at`);
    await expect(euItem.getByRole('button', { name: /^Acknowledge/ })).toHaveCount(0);
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect(euItem).toHaveCount(0);

    // A new failure brings it back, live, with the new count.
    await failOnEu();
    await expect(
      overviewPage.attention.getByRole('link', { name: `${tenantName} / Acme EU failed 3 times`, exact: true }),
    ).toBeVisible({ timeout: 20_000 });
  });

  test('a viewer sees the items but no Acknowledge, and goes from an item to its installation', async ({
    page,
    api,
    createUser,
    signInAs,
    prepareRollout,
    overviewPage,
    installationPage,
  }) => {
    const prepared = await prepareRollout({ failing: { installation: 'eu', stage: 1 } });
    const { id } = await api.startRollout({
      releaseId: prepared.releaseId,
      installationIds: [prepared.installationIds[0]],
      reason: 'e2e: attention viewer',
      failurePolicy: 'CONTINUE',
    });
    await api.waitForRollout(id, ['FAILED']);
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));
    await page.goto('/');
    const tenantName = `Acme ${prepared.tenantSlug.replace(/^acme-/, '')}`;
    const item = overviewPage.attention.getByRole('listitem').filter({ hasText: `failed on ${tenantName} / Acme EU` });
    await expect(item.first()).toBeVisible({ timeout: 20_000 });
    await expect(overviewPage.attention.getByRole('button', { name: /^Acknowledge/ })).toHaveCount(0);

    await item
      .first()
      .getByRole('link', { name: `Installation page of ${tenantName} / Acme EU` })
      .click();
    await expect(page).toHaveURL(new RegExp(`/installations/${prepared.installationIds[0]}$`));
    await expect(installationPage.heading).toContainText('Acme EU');
    await expect(installationPage.history).toContainText('Failed');
  });
});
