import { expect, test } from '../support/fixtures';

test.describe('Rollouts pages', () => {
  test('a release manager watches a rollout finish live, without reloading', async ({
    page,
    createUser,
    signInAs,
    shell,
    startRollout,
    rolloutsPage,
    rolloutPage,
    saveScreenshot,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const rollout = await startRollout();

    await shell.rolloutsLink.click();
    await rolloutsPage.expectShown();
    // Newest first: the rollout just started heads the list.
    await expect(rolloutsPage.rows.first()).toContainText(rollout.releaseName);
    await expect(rolloutsPage.row(rollout.releaseName).getByRole('progressbar', { name: 'Progress' })).toBeVisible();

    await rolloutsPage.openRollout(rollout.releaseName);
    await expect(page).toHaveURL(new RegExp(`/rollouts/${rollout.id}$`));
    await rolloutPage.expectShown(rollout.releaseName);
    await rolloutPage.expectLive();

    // From here on the page must change by itself: any load would be a reload.
    let loads = 0;
    page.on('load', () => {
      loads += 1;
    });

    await expect(rolloutPage.wave).toHaveText('Wave 1 of 1');
    for (const installation of rollout.installationSlugs) {
      await expect(rolloutPage.row(rollout.tenantSlug, installation)).toBeVisible();
      for (const stage of [1, 2]) {
        await expect(rolloutPage.cell(rollout.tenantSlug, installation, stage)).toHaveText('Succeeded', { timeout: 30_000 });
      }
    }
    await expect(rolloutPage.status).toContainText('Succeeded', { timeout: 30_000 });
    await expect(rolloutPage.progress).toHaveAttribute('aria-valuenow', '100');
    await saveScreenshot('rollout-live');

    // The filter is kept in the URL.
    await rolloutPage.filter('Failed').click();
    await expect(page).toHaveURL(/[?&]show=failed/);
    await expect(rolloutPage.grid).toHaveCount(0);
    await rolloutPage.filter('Completed').click();
    await expect(page).toHaveURL(/[?&]show=completed/);
    await expect(rolloutPage.grid.getByRole('row', { name: new RegExp(rollout.tenantSlug) })).toHaveCount(2);

    expect(loads).toBe(0);
  });
});

test('the rollouts list filters by status, and the filter is in the URL', async ({
  page,
  createUser,
  signInAs,
  startRollout,
  rolloutsPage,
}) => {
  const rollout = await startRollout({ failing: { installation: 'eu', stage: 1 } });
  await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));
  await page.goto('/rollouts');
  const filters = page.getByRole('group', { name: 'Show rollouts' });
  await filters.getByRole('button', { name: 'In progress' }).click();
  await expect(page).toHaveURL(/[?&]status=active/);
  await expect(rolloutsPage.row(rollout.releaseName)).toBeVisible();
  await expect(rolloutsPage.row(rollout.releaseName)).toContainText(/Running|Paused/);
  await filters.getByRole('button', { name: 'Succeeded' }).click();
  await expect(page).toHaveURL(/[?&]status=succeeded/);
  await expect(rolloutsPage.row(rollout.releaseName)).toHaveCount(0);
  await page.reload();
  await expect(filters.getByRole('button', { name: 'Succeeded' })).toHaveAttribute('aria-pressed', 'true');
});

test.describe('Acting on a rollout', () => {
  test('a failure under policy PAUSE shows up live, its deployment explains it, and a retry completes the rollout', async ({
    page,
    api,
    createUser,
    signInAs,
    startRollout,
    rolloutPage,
    saveScreenshot,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const rollout = await startRollout({ failing: { installation: 'eu', stage: 2 } });
    await page.goto(`/rollouts/${rollout.id}`);
    await rolloutPage.expectShown(rollout.releaseName);
    await rolloutPage.expectLive();

    // The failure arrives while the page is open: the cell turns red and the rollout pauses.
    await expect(rolloutPage.cell(rollout.tenantSlug, 'eu', 2)).toHaveText('Failed', { timeout: 30_000 });
    await expect(rolloutPage.status).toContainText('Paused', { timeout: 30_000 });
    await expect(rolloutPage.cell(rollout.tenantSlug, 'us', 2)).toHaveText('Succeeded', { timeout: 30_000 });
    // One of two failed: half the bar is red and half green, not the whole bar red.
    const bar = await rolloutPage.progress.boundingBox();
    const failedPart = await rolloutPage.progress.getByTitle('Failed: 1 of 2').boundingBox();
    const succeededPart = await rolloutPage.progress.getByTitle('Succeeded: 1 of 2').boundingBox();
    expect(failedPart!.width).toBeGreaterThan(bar!.width * 0.4);
    expect(failedPart!.width).toBeLessThan(bar!.width * 0.6);
    expect(succeededPart!.width).toBeGreaterThan(bar!.width * 0.4);
    await expect(rolloutPage.progress).toHaveAttribute('aria-valuetext', /^2 of 2 finished: 1 succeeded · 1 failed$/);
    await rolloutPage.filter('Failed').click();
    await expect(rolloutPage.grid.getByRole('row', { name: new RegExp(rollout.tenantSlug) })).toHaveCount(1);
    await expect(rolloutPage.row(rollout.tenantSlug, 'eu')).toBeVisible();
    await saveScreenshot('rollout-paused');

    // The failed deployment says who started it, why, and what went wrong; its link is shareable.
    await rolloutPage.openStage(rollout.tenantSlug, 'eu', 2);
    await expect(rolloutPage.drawer).toBeVisible();
    await expect(rolloutPage.drawer).toContainText(`${rollout.applicationSlugs[1]} 3.1.0`);
    await expect(rolloutPage.drawer).toContainText('Failed');
    await expect(rolloutPage.drawer).toContainText('e2e: live rollout view');
    await expect(rolloutPage.drawer.getByRole('log', { name: 'Deployment log' })).toContainText(
      `Simulated failure of ${rollout.applicationSlugs[1]}`,
    );
    await expect(page).toHaveURL(/[?&]deployment=/);
    await saveScreenshot('deployment-drawer');
    await rolloutPage.drawer.getByRole('button', { name: 'Close deployment' }).click();
    await expect(rolloutPage.drawer).toHaveCount(0);

    // The cause is fixed outside Shiplog; "Retry and resume" deploys again and the paused rollout carries on to the end.
    await api.updateInstallation({ tenantSlug: rollout.tenantSlug, slug: 'eu', driverConfig: { delayMs: 1500 } });
    await rolloutPage.targetAction('Retry and resume', rollout.tenantSlug, 'eu').click();
    await rolloutPage.filter('All').click();
    await expect(rolloutPage.cell(rollout.tenantSlug, 'eu', 2)).toHaveText('Succeeded', { timeout: 30_000 });
    await expect(rolloutPage.status).toContainText('Succeeded', { timeout: 30_000 });
    await expect(rolloutPage.progress).toHaveAttribute('aria-valuenow', '100');
  });

  test('on a paused rollout, "Retry this installation" deploys only that one and the rollout stays paused', async ({
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
      reason: 'e2e: retry one',
      failurePolicy: 'PAUSE',
      maxParallel: 1,
    });
    await page.goto(`/rollouts/${id}`);
    await rolloutPage.expectLive();
    await expect(rolloutPage.status).toContainText('Paused', { timeout: 30_000 });
    await expect(rolloutPage.row(prepared.tenantSlug, 'us')).toContainText('pending');
    // A bare "Retry" would not say what happens to the rest of the rollout.
    await expect(rolloutPage.targetAction('Retry', prepared.tenantSlug, 'eu')).toHaveCount(0);
    await expect(rolloutPage.targetAction('Retry and resume', prepared.tenantSlug, 'eu')).toBeVisible();

    await api.updateInstallation({ tenantSlug: prepared.tenantSlug, slug: 'eu', driverConfig: { delayMs: 500 } });
    await rolloutPage.targetAction('Retry this installation', prepared.tenantSlug, 'eu').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Retrying' })).toHaveText(
      `Retrying ${prepared.tenantSlug} / eu; the rollout stays paused.`,
    );
    await expect(rolloutPage.cell(prepared.tenantSlug, 'eu', 2)).toHaveText('Succeeded', { timeout: 30_000 });
    await expect(rolloutPage.row(prepared.tenantSlug, 'eu')).toContainText('succeeded');
    // The rest did not start: us is still pending and the rollout still paused.
    await expect(rolloutPage.status).toContainText('Paused');
    await expect(rolloutPage.row(prepared.tenantSlug, 'us')).toContainText('pending');
    expect(await api.rolloutStatus(id)).toBe('PAUSED');

    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(rolloutPage.status).toContainText('Succeeded', { timeout: 30_000 });
  });

  test('an installation that needs approval waits for it; one is approved, the other rejected with a reason', async ({
    page,
    createUser,
    signInAs,
    startRollout,
    rolloutPage,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const rollout = await startRollout({ requireApproval: ['eu', 'us'] });
    await page.goto(`/rollouts/${rollout.id}?show=approval`);
    await rolloutPage.expectLive();
    await expect(rolloutPage.grid.getByRole('row', { name: new RegExp(rollout.tenantSlug) })).toHaveCount(2);

    await rolloutPage.targetAction('Approve', rollout.tenantSlug, 'eu').click();
    await rolloutPage.targetAction('Reject', rollout.tenantSlug, 'us').click();
    await rolloutPage.giveReason('Reject', 'Customer asked to wait for their freeze to end');
    await expect(rolloutPage.grid).toHaveCount(0);
    await expect(page.getByText('No installations match.')).toBeVisible();

    await rolloutPage.filter('All').click();
    await expect(rolloutPage.cell(rollout.tenantSlug, 'eu', 2)).toHaveText('Succeeded', { timeout: 30_000 });
    await expect(rolloutPage.row(rollout.tenantSlug, 'us')).toContainText('rejected');
    await expect(rolloutPage.status).toContainText(/Succeeded|Failed/, { timeout: 30_000 });
  });

  test('an installation is rolled back to what ran before, with a reason, as a recorded deployment', async ({
    page,
    createUser,
    signInAs,
    startRollout,
    rolloutPage,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const rollout = await startRollout({ previousRelease: true, failing: { installation: 'eu', stage: 2 } });
    const [api, ui] = rollout.applicationSlugs;
    await page.goto(`/rollouts/${rollout.id}`);
    await expect(rolloutPage.status).toContainText('Paused', { timeout: 30_000 });
    await expect(rolloutPage.cell(rollout.tenantSlug, 'us', 2)).toHaveText('Succeeded', { timeout: 30_000 });

    // On eu, api went to 3.1.0 and ui failed (still 3.0.0): the dialog says so before anything happens.
    await rolloutPage.targetAction('Roll back', rollout.tenantSlug, 'eu').click();
    const dialog = page.getByRole('dialog', { name: `Roll back ${rollout.tenantSlug} / eu` });
    const choices = dialog.getByRole('group', { name: 'Applications to roll back' });
    await expect(choices.getByRole('checkbox', { name: `${api}: 3.1.0 → 3.0.0` })).toBeChecked();
    await expect(choices.getByRole('checkbox', { name: `${ui}: 3.0.0 (no earlier version ran here)` })).toBeDisabled();
    await rolloutPage.giveReason('Roll back', `${ui} 3.1.0 breaks the login page`);
    await expect(page.getByRole('status').filter({ hasText: 'Rolling back' })).toHaveText(
      `Rolling back ${rollout.tenantSlug} / eu: ${api} 3.0.0.`,
    );

    // On us both went to 3.1.0: one of them is chosen and only that one goes back.
    await rolloutPage.targetAction('Roll back', rollout.tenantSlug, 'us').click();
    const usChoices = page
      .getByRole('dialog', { name: `Roll back ${rollout.tenantSlug} / us` })
      .getByRole('group', { name: 'Applications to roll back' });
    await expect(usChoices.getByRole('checkbox', { name: `${api}: 3.1.0 → 3.0.0` })).toBeChecked();
    await usChoices.getByRole('checkbox', { name: `${ui}: 3.1.0 → 3.0.0` }).focus();
    await page.keyboard.press('Space');
    await expect(usChoices.getByRole('checkbox', { name: `${ui}: 3.1.0 → 3.0.0` })).not.toBeChecked();
    await page.keyboard.press('Tab');
    await page.keyboard.type('only the api regressed', { delay: 20 });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Rolling back' })).toHaveText(
      `Rolling back ${rollout.tenantSlug} / us: ${api} 3.0.0.`,
    );
  });

  test('Roll back is not offered as if it could work where nothing ran before, and says why', async ({
    page,
    createUser,
    signInAs,
    startRollout,
    rolloutPage,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    // A first release: nothing ran on these installations before it.
    const rollout = await startRollout({ failing: { installation: 'eu', stage: 2 } });
    await page.goto(`/rollouts/${rollout.id}`);
    await expect(rolloutPage.status).toContainText('Paused', { timeout: 30_000 });
    await expect(rolloutPage.cell(rollout.tenantSlug, 'us', 2)).toHaveText('Succeeded', { timeout: 30_000 });
    for (const installation of ['eu', 'us']) {
      await expect(rolloutPage.targetAction('Roll back', rollout.tenantSlug, installation)).toHaveCount(0);
      const reason = rolloutPage
        .row(rollout.tenantSlug, installation)
        .getByLabel(`Roll back ${rollout.tenantSlug} / ${installation}: Nothing to roll back to: no earlier version ran here`);
      await expect(reason).toBeVisible();
      await expect(reason.getByRole('button', { name: 'Roll back' })).toBeDisabled();
    }
  });

  test('after a rollback the open rollout grid says "Rolled back" at once and the journey says the version no longer runs there', async ({
    page,
    createUser,
    signInAs,
    startRollout,
    rolloutPage,
    journeyPage,
  }) => {
    test.slow();
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const rollout = await startRollout({ previousRelease: true });
    const [api] = rollout.applicationSlugs;
    await page.goto(`/rollouts/${rollout.id}`);
    await expect(rolloutPage.status).toContainText('Succeeded', { timeout: 30_000 });

    await rolloutPage.targetAction('Roll back', rollout.tenantSlug, 'eu').click();
    await rolloutPage.giveReason('Roll back', '3.1.0 is slow for this customer');
    await expect(page.getByRole('status').filter({ hasText: 'Rolling back' })).toBeVisible();
    // The rollback runs through the driver, outside the rollout; the open page hears of it and, without a reload,
    // no longer claims 3.1.0 succeeded on eu.
    await expect(rolloutPage.row(rollout.tenantSlug, 'eu')).toContainText('rolled back', { timeout: 30_000 });
    for (const stage of [1, 2]) {
      await expect(rolloutPage.cell(rollout.tenantSlug, 'eu', stage)).toHaveText('Rolled back');
      await expect(rolloutPage.cell(rollout.tenantSlug, 'us', stage)).toHaveText('Succeeded');
    }
    await expect(rolloutPage.row(rollout.tenantSlug, 'us')).toContainText('succeeded');

    await page.goto(`/artifacts/${api}/3.1.0`);
    await journeyPage.expectShown(`${api} 3.1.0`);
    const eu = journeyPage.rows.filter({ hasText: 'Acme EU' });
    await expect(eu).toContainText('No longer runs here: rolled back to 3.0.0');
    await expect(journeyPage.rows.filter({ hasText: 'Acme US' })).not.toContainText('No longer runs here');
  });

  test('overlapping rollouts: the preview names the other rollout, and resuming can leave out installations on a newer release', async ({
    page,
    api,
    createUser,
    signInAs,
    prepareRollout,
    newRolloutPage,
    rolloutPage,
  }) => {
    test.slow();
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const prepared = await prepareRollout({ failing: { installation: 'eu', stage: 1 } });
    // 3.1.0 pauses at eu while us still waits.
    const old = await api.startRollout({
      releaseId: prepared.releaseId,
      installationIds: prepared.installationIds,
      reason: 'e2e: the old rollout',
      failurePolicy: 'PAUSE',
      maxParallel: 1,
    });
    await api.waitForRollout(old.id, ['PAUSED']);
    for (const slug of prepared.applicationSlugs) {
      await api.registerArtifact({
        applicationSlug: slug,
        version: '3.2.0',
        imageRef: `registry.example/${slug}:3.2.0`,
        commitSha: '0123456789abcdef0123456789abcdef01234567',
        buildUrl: `https://ci.example/${slug}/3.2.0`,
      });
    }
    const newer = await api.createRelease({ trackSlug: prepared.trackSlug, version: '3.2.0' });
    await api.setReleaseComponents({
      releaseId: newer.id,
      components: prepared.applicationSlugs.map((slug, index) => ({
        applicationSlug: slug,
        artifactVersion: '3.2.0',
        stage: index + 1,
      })),
    });
    await api.lockRelease(newer.id);

    // Planning 3.2.0 for us says that the paused rollout of 3.1.0 still has it waiting, with a link to it.
    await page.goto(`/releases/${newer.id}/rollout`);
    await newRolloutPage.chooseTargetsBy('Installations one by one');
    await newRolloutPage.chooseInstallation(prepared.tenantSlug, `${prepared.tenantSlug} / us`);
    const overlap = newRolloutPage.preview.getByRole('note', { name: 'Also in another rollout' });
    await expect(overlap).toContainText('1 installation is also in another unfinished rollout');
    await expect(overlap).toContainText(`${prepared.tenantSlug} / us: pending in the`);
    await expect(overlap.getByRole('link', { name: `paused rollout of ${prepared.releaseName}` })).toHaveAttribute(
      'href',
      `/rollouts/${old.id}`,
    );

    const fresh = await api.startRollout({
      releaseId: newer.id,
      installationIds: [prepared.installationIds[1]],
      reason: 'e2e: newer',
    });
    await api.waitForRollout(fresh.id, ['SUCCEEDED']);

    // Back on the paused rollout: resuming would take us back to 3.1.0; it is left out instead.
    await overlap.getByRole('link', { name: `paused rollout of ${prepared.releaseName}` }).click();
    await expect(page).toHaveURL(new RegExp(`/rollouts/${old.id}$`));
    const warning = page.getByRole('region', { name: 'Waiting installations on a newer release' });
    await expect(warning).toContainText('Resuming would take 1 installation back to 3.1.0');
    await expect(warning).toContainText(`${prepared.tenantSlug} / us runs 3.2.0`);
    await expect(page.getByRole('button', { name: 'Resume all' })).toBeVisible();
    await warning.getByRole('button', { name: 'Resume without them' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Resumed' })).toHaveText('Resumed without 1 installation.');
    await expect(rolloutPage.row(prepared.tenantSlug, 'us')).toContainText('skipped');
    await expect(rolloutPage.status).toContainText('Failed', { timeout: 30_000 });
    await expect(warning).toHaveCount(0);
    // Nothing of 3.1.0 was deployed on us.
    expect(await api.deployments({ rolloutId: old.id, installationId: prepared.installationIds[1] })).toEqual([]);
  });

  test('a viewer watches the same rollout but gets no controls', async ({
    page,
    createUser,
    signInAs,
    startRollout,
    rolloutPage,
  }) => {
    const rollout = await startRollout({ failing: { installation: 'eu', stage: 1 } });
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));
    await page.goto(`/rollouts/${rollout.id}`);
    await expect(rolloutPage.status).toContainText('Paused', { timeout: 30_000 });
    await expect(rolloutPage.cell(rollout.tenantSlug, 'eu', 1)).toHaveText('Failed');
    await expect(rolloutPage.row(rollout.tenantSlug, 'eu')).toContainText('failed');
    await expect(page.getByRole('button', { name: 'Resume' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Abort' })).toHaveCount(0);
    await expect(rolloutPage.targetAction('Retry', rollout.tenantSlug, 'eu')).toHaveCount(0);
    // Reading stays open to everyone: the failed deployment's drawer shows what happened.
    await rolloutPage.openStage(rollout.tenantSlug, 'eu', 1);
    await expect(rolloutPage.drawer).toContainText(`Simulated failure of ${rollout.applicationSlugs[0]}`);
  });
});
