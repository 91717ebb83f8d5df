import { expect, test as base } from '../support/fixtures';
import { ReleaseEditor } from '../support/pages/release-editor.page';

const test = base.extend<{ editor: ReleaseEditor }>({
  editor: async ({ page }, use) => {
    await use(new ReleaseEditor(page));
  },
});

const SHA = '0123456789abcdef0123456789abcdef01234567';

test.describe('Release editor speed-ups', () => {
  test('"Use newest artifacts" sets every component to its newest artifact in one step; saving keeps it across a reload', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    editor,
  }) => {
    const names = { api: `Api ${uid}`, web: `Web ${uid}` };
    const register = (slug: string, version: string) =>
      api.registerArtifact({
        applicationSlug: slug,
        version,
        imageRef: `registry.example/${slug}:${version}`,
        commitSha: SHA,
        buildUrl: `https://ci.example/${slug}/${version}`,
      });
    const apiApp = await api.createApplication({ slug: `api-${uid}`, name: names.api });
    const webApp = await api.createApplication({ slug: `web-${uid}`, name: names.web });
    await register(apiApp.slug, '1.0.0');
    await register(webApp.slug, '2.0.0');
    const track = await api.createReleaseTrack({ slug: `speed-${uid}`, name: `Speed track ${uid}` });
    const release = await api.createRelease({ trackSlug: track.slug, version: '5.0.0' });
    await api.setReleaseComponents({
      releaseId: release.id,
      components: [
        { applicationSlug: apiApp.slug, artifactVersion: '1.0.0', stage: 1 },
        { applicationSlug: webApp.slug, stage: 2 },
      ],
    });
    // Newer builds arrive after the draft was made.
    await register(apiApp.slug, '1.1.0');
    await register(apiApp.slug, '1.2.0');
    await register(webApp.slug, '2.1.0');

    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    await page.goto(`/releases/${release.id}`);
    await expect(editor.artifactField(names.api)).toHaveText('1.0.0');
    await expect(editor.saveStatus).toHaveText('No unsaved changes');

    await page.getByRole('button', { name: 'Use newest artifacts' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'newest artifact' })).toHaveText(
      '2 components now use the newest artifact; save to keep the change.',
    );
    await expect(editor.artifactField(names.api)).toHaveText('1.2.0');
    await expect(editor.artifactField(names.web)).toHaveText('2.1.0');
    // Nothing is saved until the person saves.
    await expect(editor.saveStatus).toHaveText('Unsaved changes');
    await editor.save();

    await page.reload();
    await expect(editor.artifactField(names.api)).toHaveText('1.2.0');
    await expect(editor.artifactField(names.web)).toHaveText('2.1.0');
    await page.getByRole('button', { name: 'Use newest artifacts' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'newest artifact' })).toHaveText(
      'Every component already uses its newest artifact.',
    );
    await expect(editor.saveStatus).toHaveText('No unsaved changes');
  });
});

test.describe('Label fields suggest existing values', () => {
  test('the tenant-label field of a new rollout offers the labels tenants carry; the keyboard picks one', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    prepareRollout,
    newRolloutPage,
  }) => {
    const prepared = await prepareRollout();
    // A second label that a shorter text also finds, sorted ahead of the one wanted.
    await api.updateTenant({
      slug: prepared.tenantSlug,
      labels: [
        { key: `cohort-${uid}`, value: 'early-adopter' },
        { key: `aa-cohort-${uid}`, value: 'zz' },
      ],
    });
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    await page.goto(`/releases/${prepared.releaseId}/rollout`);
    await newRolloutPage.expectShown(prepared.releaseName);

    const field = page.getByRole('combobox', { name: 'Tenant labels' });
    await field.focus();
    await page.keyboard.type(`cohort-${uid}`);
    await expect(page.getByRole('option', { name: `aa-cohort-${uid}=zz` })).toBeVisible();
    // Typed on at once: the options found for the shorter text that no longer match are not offered meanwhile.
    await page.keyboard.type('=ea');
    const suggestion = page.getByRole('option', { name: `cohort-${uid}=early-adopter` });
    await expect(suggestion).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('button', { name: `cohort-${uid}=early-adopter`, exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: `aa-cohort-${uid}=zz` })).toHaveCount(0);
    await expect(newRolloutPage.summary).toContainText('2 installations');
  });

  test("a wave's label field offers the labels tenants carry, so the canary wave names a label that exists", async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    prepareRollout,
    newRolloutPage,
  }) => {
    const prepared = await prepareRollout();
    await api.updateTenant({ slug: prepared.tenantSlug, labels: [{ key: `ring-${uid}`, value: 'canary' }] });
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    await page.goto(`/releases/${prepared.releaseId}/rollout`);
    await newRolloutPage.expectShown(prepared.releaseName);
    await newRolloutPage.chooseTenant(prepared.tenantSlug);

    await page.getByRole('button', { name: 'Add a wave' }).click();
    const first = page.getByRole('group', { name: 'Wave 1', exact: true });
    await first.getByRole('combobox', { name: 'Wave 1' }).click();
    await page.getByRole('option', { name: 'Tenants labelled' }).click();
    const label = first.getByRole('combobox', { name: 'key=value' });
    await label.click();
    await page.keyboard.type(`ring-${uid}=can`);
    await expect(page.getByRole('option', { name: `ring-${uid}=canary` })).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(label).toHaveValue(`ring-${uid}=canary`);
    await expect(newRolloutPage.waves.getByRole('listitem')).toHaveText([
      `Wave 1: tenants labelled ring-${uid}=canary · 2 installations`,
    ]);
  });
});
