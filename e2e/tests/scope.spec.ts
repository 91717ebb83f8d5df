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

  test('sees no internal work: no drafts or actions under "Awaiting action", no other tenant’s failure, no new-rollout form', async ({
    page,
    api,
    uid,
    tier,
    createUser,
    signInAs,
    prepareRollout,
    overviewPage,
    newRolloutPage,
  }) => {
    test.slow();
    const prepared = await prepareRollout();
    const draft = await api.createRelease({ trackSlug: prepared.trackSlug, version: '9.9.9' });
    const other = await api.createTenant({ slug: `globex-${uid}`, name: `Globex ${uid}` });
    const theirs = await api.createInstallation({
      tenantSlug: other.slug,
      slug: 'prod',
      name: 'Globex prod',
      tier,
      driverConfig: { delayMs: 2500, fail: [prepared.applicationSlugs[1]] },
    });
    const rollout = await api.startRollout({
      releaseId: prepared.releaseId,
      installationIds: [...prepared.installationIds, theirs.id],
      reason: 'e2e: shared rollout that fails elsewhere',
    });
    await api.waitForRollout(rollout.id, ['PAUSED']);

    await signInAs(await createUser({ role: 'VIEWER', name: 'acme-viewer', tenantSlugs: [prepared.tenantSlug] }));
    await overviewPage.goto();
    await expect(overviewPage.inProgress).toContainText(prepared.releaseName);
    await expect(overviewPage.awaiting).toContainText('Nothing is waiting for you.');
    await expect(overviewPage.awaiting).not.toContainText('9.9.9');
    await expect(page.getByText(/Simulated failure/)).toHaveCount(0);
    await expect(page.getByText(other.name)).toHaveCount(0);

    // A draft is not there for them, even by its address.
    await page.goto(`/releases/${draft.id}`);
    await expect(page.getByText('9.9.9')).toHaveCount(0);

    // The new-rollout form, opened by its address, answers plainly instead of failing on preview.
    await page.goto(`/releases/${prepared.releaseId}/rollout`);
    await expect(page.getByText('Starting a rollout needs the release manager role.')).toBeVisible();
    await expect(newRolloutPage.startButton).toHaveCount(0);
    await expect(newRolloutPage.installations).toHaveCount(0);
  });
});
