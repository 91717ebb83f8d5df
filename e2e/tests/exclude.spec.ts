import { expect, test } from '../support/fixtures';

test.describe('Excluding an installation from a paused rollout', () => {
  test('a release manager leaves the failed installation out by keyboard, resumes, and the rollout ends without it', async ({
    page,
    api,
    createUser,
    signInAs,
    prepareRollout,
    rolloutPage,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const prepared = await prepareRollout({ failing: { installation: 'eu', stage: 1 } });
    // One at a time: eu fails first and us is still waiting when the rollout pauses.
    const { id } = await api.startRollout({
      releaseId: prepared.releaseId,
      installationIds: prepared.installationIds,
      reason: 'e2e: exclude one',
      failurePolicy: 'PAUSE',
      maxParallel: 1,
    });
    await page.goto(`/rollouts/${id}`);
    await rolloutPage.expectLive();
    await expect(rolloutPage.status).toContainText('Paused', { timeout: 30_000 });
    await expect(rolloutPage.row(prepared.tenantSlug, 'us')).toContainText('pending');

    await rolloutPage.targetAction('Exclude', prepared.tenantSlug, 'eu').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Exclude ${prepared.tenantSlug} / eu` });
    await expect(dialog).toBeVisible();
    // The reason field has the focus: type, then Tab past Cancel to Exclude.
    await page.keyboard.type('Host is being replaced this week');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: 'Exclude', exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: 'Excluded' })).toHaveText(
      `Excluded ${prepared.tenantSlug} / eu from this rollout; resume the rollout to go on without it.`,
    );
    await expect(rolloutPage.row(prepared.tenantSlug, 'eu')).toContainText('excluded');
    // Excluding did not resume anything, and it stays so after a reload.
    await page.reload();
    await rolloutPage.expectLive();
    await expect(rolloutPage.status).toContainText('Paused');
    await expect(rolloutPage.row(prepared.tenantSlug, 'eu')).toContainText('excluded');
    await expect(rolloutPage.row(prepared.tenantSlug, 'us')).toContainText('pending');
    await expect(rolloutPage.targetAction('Exclude', prepared.tenantSlug, 'eu')).toHaveCount(0);
    await expect(rolloutPage.targetAction('Retry this installation', prepared.tenantSlug, 'eu')).toHaveCount(0);

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(rolloutPage.status).toContainText('Succeeded', { timeout: 30_000 });
    await expect(rolloutPage.cell(prepared.tenantSlug, 'us', 2)).toHaveText('Succeeded');
    // Nothing more was deployed to eu: its later stage never started.
    await expect(rolloutPage.cell(prepared.tenantSlug, 'eu', 2)).toHaveText('Not started');
    await expect(rolloutPage.progress).toHaveAttribute('aria-valuetext', '2 of 2 finished: 1 succeeded · 1 excluded');
    await rolloutPage.filter('Excluded').click();
    await expect(rolloutPage.grid.getByRole('row', { name: new RegExp(prepared.tenantSlug) })).toHaveCount(1);
    await expect(rolloutPage.row(prepared.tenantSlug, 'eu')).toBeVisible();
  });
});
