import { expect, test } from '../support/fixtures';
import { CreateReleaseDialog, ReleaseEditor } from '../support/pages/release-editor.page';

test.describe("A release manager's day", () => {
  test('create a release, pick artifacts, order two stages, fix what blocks locking, lock, preview, roll out and watch it go green', async ({
    page,
    api,
    uid,
    tier,
    createUser,
    signInAs,
    releaseTrackPage,
    releasePage,
    newRolloutPage,
    rolloutPage,
    saveScreenshot,
  }) => {
    // Many screens on a shared, busy machine.
    test.slow();
    const tenant = await api.createTenant({ slug: `journey-${uid}`, name: `Journey ${uid}` });
    for (const slug of ['eu', 'us']) {
      await api.createInstallation({
        tenantSlug: tenant.slug,
        slug,
        name: `Journey ${slug}`,
        tier,
        driverConfig: { delayMs: 1500 },
      });
    }
    const names = { db: `Db ${uid}`, app: `App ${uid}` };
    for (const [slug, name] of [
      [`db-${uid}`, names.db],
      [`app-${uid}`, names.app],
    ]) {
      await api.createApplication({ slug, name });
      await api.registerArtifact({
        applicationSlug: slug,
        version: '4.0.0',
        imageRef: `registry.example/${slug}:4.0.0`,
        commitSha: 'feedface0123456789abcdef0123456789abcdef',
        buildUrl: `https://ci.example/${slug}/4.0.0`,
      });
    }
    const trackName = `Journey track ${uid}`;
    const track = await api.createReleaseTrack({ slug: `journey-${uid}`, name: trackName });
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

    // A new release on the track.
    await page.goto(`/tracks/${track.slug}`);
    await releaseTrackPage.newReleaseButton.click();
    const create = new CreateReleaseDialog(page, 'New release');
    await create.version.fill('4.0.0');
    await create.submit();
    await releasePage.expectShown(`${trackName} 4.0.0`);

    // Two applications in two stages, but only one artifact picked yet.
    const editor = new ReleaseEditor(page);
    await editor.addApplication(names.db);
    await editor.addApplication(names.app);
    await editor.chooseArtifact(names.db, '4.0.0');
    await editor.addStageButton.click();
    await editor.moveToStage(names.app, 2);
    await expect(editor.stage(2).getByRole('group', { name: names.app })).toBeVisible();
    await editor.save();

    // Locking is refused, and the page says why.
    await releasePage.lockButton.click();
    await expect(releasePage.refusal).toContainText(`Choose an artifact for app-${uid}`);
    await expect(releasePage.status).toContainText('Draft');

    // Fixed, saved, locked.
    await editor.chooseArtifact(names.app, '4.0.0');
    await editor.save();
    await releasePage.lockButton.click();
    await expect(releasePage.status).toContainText('Locked');

    // The rollout is previewed before it starts.
    await page.getByRole('link', { name: 'Roll out…' }).click();
    await newRolloutPage.expectShown(`${trackName} 4.0.0`);
    await newRolloutPage.chooseTenant(tenant.slug);
    await expect(newRolloutPage.summary).toContainText('2 installations');
    await expect(newRolloutPage.summary).toContainText('4 deployments');
    const row = newRolloutPage.tenantRow(tenant.slug);
    await expect(row.getByRole('cell', { name: 'Stage 1' })).toHaveText('2 to deploy');
    await expect(row.getByRole('cell', { name: 'Stage 2' })).toHaveText('2 to deploy');
    await newRolloutPage.reason.fill('Release 4.0.0 for Journey');
    await newRolloutPage.startButton.click();

    // The grid goes green by itself: no reload from here on.
    await rolloutPage.expectShown(`${trackName} 4.0.0`);
    let loads = 0;
    page.on('load', () => {
      loads += 1;
    });
    for (const installation of ['eu', 'us']) {
      for (const stage of [1, 2]) {
        await expect(rolloutPage.cell(tenant.slug, installation, stage)).toHaveText('Succeeded', { timeout: 30_000 });
      }
    }
    await expect(rolloutPage.status).toContainText('Succeeded', { timeout: 30_000 });
    await expect(rolloutPage.progress).toHaveAttribute('aria-valuenow', '100');
    await saveScreenshot('journey-rollout-green');
    expect(loads).toBe(0);
  });
});
