import { expect, test } from '../support/fixtures';

test.describe('A tenant-scoped viewer', () => {
  test("sees a shared rollout only through their own tenant's installations, live", async ({
    page,
    api,
    uid,
    tier,
    createUser,
    signInAs,
    prepareRollout,
    rolloutsPage,
    rolloutPage,
  }) => {
    const prepared = await prepareRollout();
    const other = await api.createTenant({ slug: `globex-${uid}`, name: `Globex ${uid}` });
    const theirs = await api.createInstallation({
      tenantSlug: other.slug,
      slug: 'prod',
      name: 'Globex prod',
      tier,
      driverConfig: { delayMs: 1500 },
    });
    const rollout = await api.startRollout({
      releaseId: prepared.releaseId,
      installationIds: [...prepared.installationIds, theirs.id],
      reason: 'e2e: shared rollout',
    });

    await signInAs(await createUser({ role: 'VIEWER', name: 'acme-viewer', tenantSlugs: [prepared.tenantSlug] }));
    await page.goto('/rollouts');
    await rolloutsPage.expectShown();
    await expect(rolloutsPage.row(prepared.releaseName)).toBeVisible();

    await page.goto(`/rollouts/${rollout.id}`);
    await rolloutPage.expectLive();
    for (const installation of prepared.installationSlugs) {
      await expect(rolloutPage.cell(prepared.tenantSlug, installation, 2)).toHaveText('Succeeded', { timeout: 30_000 });
    }
    await expect(rolloutPage.grid.getByRole('row', { name: new RegExp(prepared.tenantSlug) })).toHaveCount(2);
    await expect(rolloutPage.grid).not.toContainText(other.slug);
    await expect(page.getByText(other.name)).toHaveCount(0);
  });

  test('sees that a paused status is the whole rollout’s while the counts are of their own installations', async ({
    page,
    api,
    uid,
    tier,
    createUser,
    signInAs,
    prepareRollout,
    rolloutPage,
  }) => {
    const prepared = await prepareRollout();
    const other = await api.createTenant({ slug: `globex-${uid}`, name: `Globex ${uid}` });
    const theirs = await api.createInstallation({
      tenantSlug: other.slug,
      slug: 'prod',
      name: 'Globex prod',
      tier,
      // Slower than Acme's (1.5 s a stage): Acme's two finish, then this one fails its stage 2 and the rollout pauses.
      driverConfig: { delayMs: 2500, fail: [prepared.applicationSlugs[1]] },
    });
    const rollout = await api.startRollout({
      releaseId: prepared.releaseId,
      installationIds: [...prepared.installationIds, theirs.id],
      reason: 'e2e: shared rollout that pauses elsewhere',
    });
    await api.waitForRollout(rollout.id, ['PAUSED']);

    await signInAs(await createUser({ role: 'VIEWER', name: 'acme-viewer', tenantSlugs: [prepared.tenantSlug] }));
    await page.goto(`/rollouts/${rollout.id}`);
    for (const installation of prepared.installationSlugs) {
      await expect(rolloutPage.cell(prepared.tenantSlug, installation, 2)).toHaveText('Succeeded');
    }
    await expect(rolloutPage.status).toHaveText(/Paused\s*\(whole rollout\)/);
    await expect(page.getByText('2/2 of your installations')).toBeVisible();
    await expect(rolloutPage.progress).toHaveAttribute('aria-valuetext', /^2 of 2 of your installations finished/);
    await expect(page.getByText(other.name)).toHaveCount(0);
  });
});
