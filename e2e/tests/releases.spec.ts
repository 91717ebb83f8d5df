import { expect, test } from '../support/fixtures';

test.describe('Releases pages', () => {
  test('a release manager sees why locking is refused and locks a complete release', async ({
    api,
    uid,
    createUser,
    signInAs,
    shell,
    releaseTracksPage,
    releaseTrackPage,
    releasePage,
    saveScreenshot,
  }) => {
    const web = await api.createApplication({ slug: `web-${uid}`, name: `Web ${uid}` });
    const worker = await api.createApplication({ slug: `worker-${uid}`, name: `Worker ${uid}` });
    for (const app of [web, worker]) {
      await api.registerArtifact({
        applicationSlug: app.slug,
        version: '2.4.0',
        imageRef: `registry.example/${app.slug}:2.4.0`,
        commitSha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        buildUrl: `https://ci.example/${app.slug}/2.4.0`,
      });
    }
    const trackName = `Mainline ${uid}`;
    const track = await api.createReleaseTrack({ slug: `mainline-${uid}`, name: trackName, description: 'Monthly releases' });

    const complete = await api.createRelease({ trackSlug: track.slug, version: '1.0.0', instructions: 'Deploy web first.' });
    await api.setReleaseComponents({
      releaseId: complete.id,
      components: [
        { applicationSlug: web.slug, artifactVersion: '2.4.0', stage: 1 },
        { applicationSlug: worker.slug, artifactVersion: '2.4.0', stage: 2 },
      ],
    });
    const draft = await api.createRelease({ trackSlug: track.slug, version: '1.1.0' });
    await api.setReleaseComponents({
      releaseId: draft.id,
      components: [
        { applicationSlug: web.slug, artifactVersion: '2.4.0', stage: 1 },
        { applicationSlug: worker.slug, stage: 2 },
      ],
    });

    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

    await shell.releasesLink.click();
    await releaseTracksPage.expectShown();
    await releaseTracksPage.openTrack(trackName);

    await releaseTrackPage.expectShown(trackName);
    await expect(releaseTrackPage.rows).toHaveCount(2);
    // Highest version first.
    await expect(releaseTrackPage.rows.first()).toContainText('1.1.0');
    await expect(releaseTrackPage.row('1.1.0')).toContainText('Draft');
    await expect(releaseTrackPage.row('1.1.0')).toContainText('Some artifacts');
    await expect(releaseTrackPage.row('1.0.0')).toContainText('All artifacts');
    await saveScreenshot('release-track');

    await releaseTrackPage.openRelease('1.1.0');
    await releasePage.expectShown(`${trackName} 1.1.0`);
    await expect(releasePage.status).toContainText('Draft');
    await expect(releasePage.blockers).toContainText(`Choose an artifact for ${worker.slug}`);
    await expect(releasePage.stage(2)).toContainText('No artifact chosen');

    await releasePage.lockButton.click();
    await expect(releasePage.refusal).toContainText(`Choose an artifact for ${worker.slug}`);
    await expect(releasePage.status).toContainText('Draft');
    await saveScreenshot('release-lock-refused');

    await releasePage.page.getByRole('link', { name: trackName }).click();
    await releaseTrackPage.openRelease('1.0.0');
    await releasePage.expectShown(`${trackName} 1.0.0`);
    await expect(releasePage.stage(1)).toContainText('2.4.0');
    await expect(releasePage.stage(1).getByRole('link', { name: 'Build of 2.4.0' })).toHaveAttribute(
      'href',
      `https://ci.example/${web.slug}/2.4.0`,
    );
    await expect(releasePage.locked).toHaveText('Not locked');

    await releasePage.lockButton.click();
    await expect(releasePage.status).toContainText('Locked');
    await expect(releasePage.lockButton).toBeHidden();
    await expect(releasePage.locked).toContainText('by user:');
    await saveScreenshot('release-locked');
  });
});
