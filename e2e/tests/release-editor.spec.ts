import type { Page } from '@playwright/test';
import type { ShiplogApi } from '../support/api';
import { expect, test as base } from '../support/fixtures';
import { CreateReleaseDialog, ReasonDialog, ReleaseComparePage, ReleaseEditor } from '../support/pages/release-editor.page';

const test = base.extend<{ editor: ReleaseEditor; comparePage: ReleaseComparePage }>({
  editor: async ({ page }, use) => {
    await use(new ReleaseEditor(page));
  },
  comparePage: async ({ page }, use) => {
    await use(new ReleaseComparePage(page));
  },
});

const SHA = (n: number) => `${String(n).repeat(8)}abcdef0123456789abcdef0123456789`.slice(0, 40);

/** Three applications with artifacts registered oldest first, and an empty track. */
async function catalog(api: ShiplogApi, uid: string) {
  const apps = {
    api: await api.createApplication({ slug: `api-${uid}`, name: `Api ${uid}` }),
    web: await api.createApplication({ slug: `web-${uid}`, name: `Web ${uid}` }),
    worker: await api.createApplication({ slug: `worker-${uid}`, name: `Worker ${uid}` }),
    jobs: await api.createApplication({ slug: `jobs-${uid}`, name: `Jobs ${uid}` }),
  };
  const register = async (slug: string, version: string, n: number) =>
    api.registerArtifact({
      applicationSlug: slug,
      version,
      imageRef: `registry.example/${slug}:${version}`,
      commitSha: SHA(n),
      buildUrl: `https://ci.example/${slug}/${version}`,
    });
  await register(apps.api.slug, '1.0.0', 1);
  await register(apps.api.slug, '1.1.0', 2);
  await register(apps.api.slug, '1.2.0', 3);
  await register(apps.web.slug, '2.0.0', 4);
  await register(apps.worker.slug, '0.9.0', 5);
  await register(apps.jobs.slug, '3.0.0', 6);
  const trackName = `Editor track ${uid}`;
  const track = await api.createReleaseTrack({ slug: `editor-${uid}`, name: trackName });
  return {
    apps,
    track,
    trackName,
    names: { api: `Api ${uid}`, web: `Web ${uid}`, worker: `Worker ${uid}`, jobs: `Jobs ${uid}` },
  };
}

async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test.describe('Release editor', () => {
  test('a release manager creates a release, builds its requirements in stages, locks it and unlocks it with a reason', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    releaseTrackPage,
    releasePage,
    editor,
    saveScreenshot,
  }) => {
    // A long journey through many screens on a shared, busy machine.
    test.slow();
    const { apps, track, trackName, names } = await catalog(api, uid);
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

    await page.goto(`/tracks/${track.slug}`);
    await releaseTrackPage.expectShown(trackName);
    await expect(page.getByText('No releases yet')).toBeVisible();
    await releaseTrackPage.newReleaseButton.click();
    const create = new CreateReleaseDialog(page, 'New release');
    await create.submit();
    await expect(create.error).toHaveText('Give the new release a version, e.g. 2.5.0.');
    await create.version.fill('2.0.0');
    await create.instructions.fill('Deploy **api** first. <img src="x" alt="injected">');
    await create.submit();

    await expect(page).toHaveURL(/\/releases\/[0-9a-f-]{36}$/);
    await releasePage.expectShown(`${trackName} 2.0.0`);
    await expect(releasePage.status).toContainText('Draft');
    await expect(page.getByText('This release has no components yet')).toBeVisible();
    await expect(releasePage.blockers).toContainText('Add at least one component');

    // The instructions render as Markdown, without the raw HTML.
    await page.getByRole('tab', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Release instructions preview' });
    await expect(preview.locator('strong')).toHaveText('api');
    await expect(preview).toHaveText('Deploy api first.');
    await expect(preview.locator('img')).toHaveCount(0);
    await page.getByRole('tab', { name: 'Write' }).click();

    await editor.addApplication(names.api);
    await editor.addApplication(names.web);
    await editor.addApplication(names.worker);
    await expect(editor.saveStatus).toHaveText('Unsaved changes');
    await expect(releasePage.lockButton).toBeDisabled();

    // The picker lists registered versions newest first, each with its commit.
    const options = await editor.artifactOptions(names.api);
    await expect(options).toHaveText([
      /^No artifact chosen/,
      /^1\.2\.0.*commit 33333333ab/,
      /^1\.1\.0.*commit 22222222ab/,
      /^1\.0\.0.*commit 11111111ab/,
    ]);
    await editor.closeMenu();
    await editor.chooseArtifact(names.api, '1.2.0');
    await expect(editor.component(names.api).getByRole('link', { name: 'Build of 1.2.0' })).toHaveAttribute(
      'href',
      `https://ci.example/${apps.api.slug}/1.2.0`,
    );
    await expect(editor.component(names.api)).toContainText('commit 33333333ab');
    await editor.chooseArtifact(names.web, '2.0.0');

    // Two stages: Web is dragged there with the mouse, Worker moved with its Stage field.
    await editor.addStageButton.click();
    await expect(editor.stage(2)).toContainText('No components');
    await editor.dragToStage(names.web, 2);
    await expect(editor.stage(2).getByRole('group', { name: names.web })).toBeVisible();
    await editor.moveToStage(names.worker, 2);
    await expect(editor.stage(2).getByRole('group', { name: names.worker })).toBeVisible();
    await expect(editor.stage(1).getByRole('group')).toHaveCount(1);
    await expect(editor.stage(1).getByRole('group', { name: names.api })).toBeVisible();

    await page.getByRole('button', { name: `Instructions for ${names.web}` }).click();
    await page.getByRole('textbox', { name: `${names.web} instructions` }).fill('Run `migrate` before starting.');
    await saveScreenshot('release-editor');

    await editor.save();
    await expect(releasePage.blockers).toContainText(`Choose an artifact for ${apps.worker.slug}`);

    // Saved: a reload shows the same requirements.
    await page.reload();
    await expect(editor.stage(1).getByRole('group', { name: names.api })).toBeVisible();
    await expect(editor.stage(2).getByRole('group', { name: names.web })).toBeVisible();
    await expect(editor.stage(2).getByRole('group', { name: names.worker })).toContainText('No artifact chosen');
    await expect(editor.saveStatus).toHaveText('No unsaved changes');

    await releasePage.lockButton.click();
    await expect(releasePage.refusal).toContainText(`Choose an artifact for ${apps.worker.slug}`);
    await expect(releasePage.status).toContainText('Draft');

    await editor.chooseArtifact(names.worker, '0.9.0');
    await editor.save();
    await releasePage.lockButton.click();
    await expect(releasePage.status).toContainText('Locked');

    // Locked: read-only, no editor controls.
    await expect(releasePage.readOnlyNote).toContainText('read-only');
    await expect(editor.addApplicationField).toBeHidden();
    await expect(editor.saveBar).toBeHidden();
    await expect(page.getByRole('combobox')).toHaveCount(0);
    await expect(releasePage.lockButton).toBeHidden();
    await expect(releasePage.stage(2)).toContainText('0.9.0');
    await expect(
      releasePage
        .stage(2)
        .getByRole('cell', { name: `${names.web} instructions` })
        .locator('code'),
    ).toHaveText('migrate');
    await expect(page.getByRole('region', { name: 'Instructions', exact: true }).locator('strong')).toHaveText('api');

    // Unlocking asks for a reason and refuses without one.
    await releasePage.unlockButton.click();
    const unlock = new ReasonDialog(page, 'Unlock');
    await expect(unlock.dialog).toBeVisible();
    await unlock.confirm.click();
    await expect(unlock.error).toContainText('Give a reason');
    await expect(unlock.dialog).toBeVisible();
    await unlock.reason.fill('Web needs a hotfix');
    await unlock.confirm.click();
    await expect(unlock.dialog).toBeHidden();
    await expect(releasePage.status).toContainText('Draft');
    await expect(page.getByLabel('Reason', { exact: true })).toHaveText('Web needs a hotfix');
    await expect(editor.saveBar).toBeVisible();
  });

  test('a release manager clones a release, compares the two, and rescinds with a reason', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    releaseTrackPage,
    releasePage,
    editor,
    comparePage,
    saveScreenshot,
  }) => {
    test.slow();
    const { apps, trackName, track, names } = await catalog(api, uid);
    const source = await api.createRelease({ trackSlug: track.slug, version: '1.0.0', instructions: 'First cut.' });
    await api.setReleaseComponents({
      releaseId: source.id,
      components: [
        { applicationSlug: apps.api.slug, artifactVersion: '1.0.0', stage: 1 },
        { applicationSlug: apps.web.slug, artifactVersion: '2.0.0', stage: 1 },
        { applicationSlug: apps.worker.slug, artifactVersion: '0.9.0', stage: 2 },
      ],
    });
    await api.lockRelease(source.id);
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

    await page.goto(`/releases/${source.id}`);
    await releasePage.expectShown(`${trackName} 1.0.0`);
    await releasePage.cloneButton.click();
    const clone = new CreateReleaseDialog(page, 'Clone release 1.0.0');
    await clone.version.fill('1.0.0');
    await clone.submit();
    await expect(clone.error).toContainText('already has a release 1.0.0');
    await clone.version.fill('1.1.0');
    await clone.submit();

    await releasePage.expectShown(`${trackName} 1.1.0`);
    await expect(releasePage.status).toContainText('Draft');
    await expect(editor.artifactField(names.api)).toContainText('1.0.0');
    await expect(editor.stage(2).getByRole('group', { name: names.worker })).toBeVisible();
    await expect(editor.releaseInstructions).toHaveValue('First cut.');
    const headUrl = page.url();
    const headId = headUrl.split('/').pop()!;

    await editor.chooseArtifact(names.api, '1.2.0');
    await editor.remove(names.worker);
    await editor.addApplication(names.jobs);
    await editor.chooseArtifact(names.jobs, '3.0.0');
    // With the keyboard alone: pick up Web, arrow down to stage 2, drop.
    await editor.keyboardMove(names.web, 'ArrowDown', 2);
    await expect(editor.stage(2).getByRole('group', { name: names.web })).toBeVisible();
    await editor.save();

    await releasePage.compareLink.click();
    await expect(page).toHaveURL(new RegExp(`/releases/compare\\?head=${headId}$`));
    await expect(page.getByText('Choose two releases')).toBeVisible();
    await comparePage.chooseBase('1.0.0');
    await expect(page).toHaveURL(new RegExp(`base=${source.id}`));
    await comparePage.expectShown('Compare 1.0.0 → 1.1.0');
    await expect(comparePage.summary).toHaveText('1 added, 1 removed, 1 changed, 1 moved, 0 unchanged');
    await expect(comparePage.row('Added', apps.jobs.slug)).toContainText('3.0.0');
    await expect(comparePage.row('Removed', apps.worker.slug)).toContainText('0.9.0');
    await expect(comparePage.row('Changed artifact', apps.api.slug)).toContainText('1.0.0 → 1.2.0');
    await expect(comparePage.row('Moved stage', apps.web.slug)).toContainText('1 → 2');
    await saveScreenshot('release-compare');

    // The URL is shareable, and the page fits an 820 px wide window.
    await page.setViewportSize({ width: 820, height: 900 });
    await page.reload();
    await expect(comparePage.row('Changed artifact', apps.api.slug)).toContainText('1.0.0 → 1.2.0');
    await expectNoHorizontalScroll(page);
    await saveScreenshot('release-compare-820');
    await page.getByRole('link', { name: 'Open 1.1.0' }).click();
    await releasePage.expectShown(`${trackName} 1.1.0`);
    await expect(editor.stage(2).getByRole('group', { name: names.web })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await saveScreenshot('release-editor-820');

    // Rescinding the locked source asks for a reason too.
    await page.goto(`/releases/${source.id}`);
    await releasePage.rescindButton.click();
    const rescind = new ReasonDialog(page, 'Rescind');
    await rescind.confirm.click();
    await expect(rescind.error).toContainText('Give a reason');
    await rescind.reason.fill('Superseded by 1.1.0');
    await rescind.confirm.click();
    await expect(releasePage.status).toContainText('Rescinded');
    await expect(releasePage.readOnlyNote).toContainText('rescinded');
    await expect(releasePage.unlockButton).toBeHidden();
    await expect(releasePage.rescindButton).toBeHidden();

    // The track page leads to the comparison too, both releases chosen there.
    await page.goto(`/tracks/${track.slug}`);
    await releaseTrackPage.compareLink.click();
    await expect(page).toHaveURL(new RegExp(`/releases/compare\\?track=${track.slug}$`));
    await comparePage.chooseBase('1.0.0');
    await comparePage.chooseHead('1.1.0');
    await expect(page).toHaveURL(new RegExp(`base=${source.id}.*head=${headId}`));
    await expect(comparePage.summary).toHaveText('1 added, 1 removed, 1 changed, 1 moved, 0 unchanged');
  });

  test('saving shows the server’s refusal and keeps the unsaved changes', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    releasePage,
    editor,
  }) => {
    const { apps, trackName, track, names } = await catalog(api, uid);
    const draft = await api.createRelease({ trackSlug: track.slug, version: '0.2.0' });
    await api.setReleaseComponents({
      releaseId: draft.id,
      components: [{ applicationSlug: apps.api.slug, artifactVersion: '1.0.0', stage: 1 }],
    });
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

    await page.goto(`/releases/${draft.id}`);
    await releasePage.expectShown(`${trackName} 0.2.0`);
    await editor.chooseArtifact(names.api, '1.1.0');
    await expect(editor.saveStatus).toHaveText('Unsaved changes');
    // Someone else locks the release meanwhile.
    await api.lockRelease(draft.id);
    await editor.saveButton.click();
    await expect(editor.saveError).toHaveText(
      'Could not save: Release 0.2.0 is LOCKED; components can change only while it is a DRAFT',
    );
    await expect(editor.saveStatus).toHaveText('Unsaved changes');
    await expect(editor.artifactField(names.api)).toContainText('1.1.0');

    await editor.discardButton.click();
    await expect(editor.artifactField(names.api)).toContainText('1.0.0');
    await expect(editor.saveStatus).toHaveText('No unsaved changes');
  });

  test('a refusal to lock goes away once the blocker is fixed and saved, and the current state shows instead', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    releasePage,
    editor,
  }) => {
    const { apps, trackName, track, names } = await catalog(api, uid);
    const draft = await api.createRelease({ trackSlug: track.slug, version: '0.3.0' });
    await api.setReleaseComponents({ releaseId: draft.id, components: [{ applicationSlug: apps.api.slug, stage: 1 }] });
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

    await page.goto(`/releases/${draft.id}`);
    await releasePage.expectShown(`${trackName} 0.3.0`);
    await releasePage.lockButton.click();
    await expect(releasePage.refusal).toContainText(`Choose an artifact for ${apps.api.slug}`);

    await editor.chooseArtifact(names.api, '1.2.0');
    await editor.save();
    await expect(page.getByText('Nothing blocks locking: the requirements are complete.')).toBeVisible();
    await expect(releasePage.refusal).toBeHidden();
    await expect(page.getByText(`Choose an artifact for ${apps.api.slug}`)).toBeHidden();

    await releasePage.lockButton.click();
    await expect(releasePage.status).toContainText('Locked');
    await expect(releasePage.refusal).toBeHidden();
  });

  test('a version that is not semantic is warned about but created; a draft never locked can be deleted, one locked before cannot', async ({
    page,
    api,
    uid,
    createUser,
    signInPage,
    releaseTrackPage,
    releasePage,
  }) => {
    // One application and a track are all this needs; a release locked once and unlocked again sits on the track.
    const app = await api.createApplication({ slug: `api-${uid}`, name: `Api ${uid}` });
    await api.registerArtifact({
      applicationSlug: app.slug,
      version: '1.0.0',
      imageRef: `registry.example/${app.slug}:1.0.0`,
      commitSha: SHA(1),
    });
    const trackName = `Editor track ${uid}`;
    const track = await api.createReleaseTrack({ slug: `editor-${uid}`, name: trackName });
    const once = await api.createRelease({ trackSlug: track.slug, version: '2.2.0' });
    await api.setReleaseComponents({
      releaseId: once.id,
      components: [{ applicationSlug: app.slug, artifactVersion: '1.0.0', stage: 1 }],
    });
    await api.lockRelease(once.id);
    await api.unlockRelease(once.id, 'one more change');
    const user = await createUser({ role: 'RELEASE_MANAGER', name: 'rm' });

    // Opened from a link: signing in leads back to the track.
    await page.goto(`/tracks/${track.slug}`);
    await signInPage.expectShown();
    await signInPage.signIn(user.username, user.password);
    await releaseTrackPage.expectShown(trackName);
    await releaseTrackPage.newReleaseButton.click();
    const create = new CreateReleaseDialog(page, 'New release');
    const warning = create.dialog.getByRole('status', { name: 'Version warning' });
    await create.version.pressSequentially('2.1.0');
    await expect(create.version).toHaveValue('2.1.0');
    await expect(warning).toBeHidden();
    await create.version.fill('');
    await create.version.pressSequentially('banana');
    await expect(warning).toContainText('“banana” is not a semantic version (like 2.5.0)');
    // A warning, not a refusal: Enter creates it.
    await page.keyboard.press('Enter');
    await releasePage.expectShown(`${trackName} banana`);

    await releasePage.actions.getByRole('button', { name: 'Delete draft…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete draft banana' });
    await expect(confirm).toContainText('cannot be undone');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await releaseTrackPage.expectShown(trackName);
    await expect(page).toHaveURL(new RegExp(`/tracks/${track.slug}$`));
    await expect(releaseTrackPage.row('2.2.0')).toBeVisible();
    await expect(releaseTrackPage.row('banana')).toHaveCount(0);
    await page.reload();
    await expect(releaseTrackPage.row('2.2.0')).toBeVisible();
    await expect(releaseTrackPage.row('banana')).toHaveCount(0);

    // Locked once and unlocked: a draft again, but no longer deletable.
    await releaseTrackPage.openRelease('2.2.0');
    await releasePage.expectShown(`${trackName} 2.2.0`);
    await expect(releasePage.status).toContainText('Draft');
    await expect(releasePage.lockButton).toBeVisible();
    await expect(releasePage.actions.getByRole('button', { name: 'Delete draft…' })).toBeHidden();
  });

  test('leaving a draft with unsaved changes inside the app asks first: stay keeps the edit, leave discards it', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    releaseTrackPage,
    releasePage,
    editor,
  }) => {
    const { apps, trackName, track, names } = await catalog(api, uid);
    const draft = await api.createRelease({ trackSlug: track.slug, version: '0.4.0' });
    await api.setReleaseComponents({
      releaseId: draft.id,
      components: [{ applicationSlug: apps.api.slug, artifactVersion: '1.0.0', stage: 1 }],
    });
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    await page.goto(`/tracks/${track.slug}`);
    await releaseTrackPage.openRelease('0.4.0');
    await releasePage.expectShown(`${trackName} 0.4.0`);

    await editor.chooseArtifact(names.api, '1.2.0');
    await expect(editor.saveStatus).toHaveText('Unsaved changes');
    const leave = page.getByRole('dialog', { name: 'Leave without saving?' });

    // Back, in a hurry: the app asks; Escape stays.
    await page.goBack();
    await expect(leave).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(leave).toBeHidden();
    await expect(page).toHaveURL(new RegExp(`/releases/${draft.id}$`));
    await expect(editor.artifactField(names.api)).toContainText('1.2.0');

    // A link in the page: "Stay" keeps the edit.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: trackName }).click();
    await expect(leave).toBeVisible();
    await leave.getByRole('button', { name: 'Stay and keep editing' }).click();
    await expect(page).toHaveURL(new RegExp(`/releases/${draft.id}$`));
    await expect(editor.saveStatus).toHaveText('Unsaved changes');
    await expect(editor.artifactField(names.api)).toContainText('1.2.0');

    // "Leave" goes, and the change was not saved.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: trackName }).click();
    await leave.getByRole('button', { name: 'Leave and discard' }).click();
    await releaseTrackPage.expectShown(trackName);
    await releaseTrackPage.openRelease('0.4.0');
    await expect(editor.artifactField(names.api)).toContainText('1.0.0');
    await expect(editor.saveStatus).toHaveText('No unsaved changes');

    // Saved changes leave without a question.
    await editor.chooseArtifact(names.api, '1.1.0');
    await editor.save();
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: trackName }).click();
    await releaseTrackPage.expectShown(trackName);
    await expect(leave).toBeHidden();
  });

  test('dragging a component to a lower stage in a 900 px window lands there without the page running away', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    releasePage,
    editor,
  }) => {
    const { apps, names, trackName, track } = await catalog(api, uid);
    const draft = await api.createRelease({ trackSlug: track.slug, version: '0.2.0' });
    await api.setReleaseComponents({
      releaseId: draft.id,
      components: [
        { applicationSlug: apps.api.slug, artifactVersion: '1.2.0', stage: 1 },
        { applicationSlug: apps.web.slug, artifactVersion: '2.0.0', stage: 1 },
        { applicationSlug: apps.worker.slug, artifactVersion: '0.9.0', stage: 1 },
        { applicationSlug: apps.jobs.slug, artifactVersion: '3.0.0', stage: 2 },
      ],
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    await page.goto(`/releases/${draft.id}`);
    await releasePage.expectShown(`${trackName} 0.2.0`);

    // Stage 2 low in the window, where a hurried person drops it: 130 px above the bottom edge.
    const dropY = 900 - 130;
    const top = await editor.stage(2).evaluate((element) => element.getBoundingClientRect().top);
    await page.evaluate((by) => window.scrollBy(0, by), top + 40 - dropY);
    const handle = page.getByRole('button', { name: `Drag ${names.api} to another stage` });
    const from = await handle.boundingBox();
    const to = await editor.stage(2).boundingBox();
    if (!from || !to || from.y < 0 || Math.abs(to.y + 40 - dropY) > 2) throw new Error('could not lay out the drag');
    const scrolled = await page.evaluate(() => window.scrollY);

    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 3 });
    await page.mouse.move(to.x + to.width / 2, dropY, { steps: 12 });
    // A moment's hesitation over the stage, as people do before letting go.
    for (let i = 0; i < 10; i += 1) await page.mouse.move(to.x + to.width / 2 + (i % 2), dropY);
    await page.mouse.up();

    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    await expect(editor.stage(2).getByRole('group', { name: names.api, exact: true })).toBeVisible();
    await expect(editor.stage(1).getByRole('group', { name: names.api, exact: true })).toHaveCount(0);
  });

  test('a viewer sees a draft release read-only', async ({ page, api, uid, createUser, signInAs, releasePage, editor }) => {
    const { apps, trackName, track } = await catalog(api, uid);
    const draft = await api.createRelease({ trackSlug: track.slug, version: '0.1.0' });
    await api.setReleaseComponents({ releaseId: draft.id, components: [{ applicationSlug: apps.api.slug, stage: 1 }] });
    await signInAs(await createUser({ role: 'VIEWER' }));

    await page.goto(`/releases/${draft.id}`);
    await releasePage.expectShown(`${trackName} 0.1.0`);
    await expect(releasePage.stage(1)).toContainText('No artifact chosen');
    await expect(editor.addApplicationField).toBeHidden();
    await expect(editor.saveBar).toBeHidden();
    await expect(releasePage.lockButton).toBeHidden();
    await expect(releasePage.cloneButton).toBeHidden();
    await expect(releasePage.compareLink).toBeVisible();
  });
});
