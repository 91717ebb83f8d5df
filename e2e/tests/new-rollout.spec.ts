import { randomBytes } from 'node:crypto';
import type { Locator } from '@playwright/test';
import type { ShiplogApi } from '../support/api';
import { expect, test } from '../support/fixtures';

test.describe('Starting a rollout from the browser', () => {
  test('a release manager chooses a tenant, reads the preview per stage, starts, and watches the grid turn green', async ({
    page,
    createUser,
    signInAs,
    prepareRollout,
    releasePage,
    newRolloutPage,
    rolloutPage,
    saveScreenshot,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const prepared = await prepareRollout();
    const [api, ui] = prepared.applicationSlugs;

    await page.goto(`/releases/${prepared.releaseId}`);
    await releasePage.expectShown(prepared.releaseName);
    await page.getByRole('link', { name: 'Roll out…' }).click();
    await newRolloutPage.expectShown(prepared.releaseName);
    await expect(newRolloutPage.startButton).toBeDisabled();

    await newRolloutPage.chooseTenant(prepared.tenantSlug);
    // The choice is in the URL, so the plan can be shared before it starts.
    await expect(page).toHaveURL(new RegExp(`[?&]tenant=${prepared.tenantSlug}`));
    await expect(newRolloutPage.summary).toContainText('2 installations');
    await expect(newRolloutPage.summary).toContainText('4 deployments');
    await expect(newRolloutPage.summary).toContainText('0 skipped');
    const row = newRolloutPage.tenantRow(prepared.tenantSlug);
    await expect(row.getByRole('cell', { name: 'Stage 1' })).toHaveText('2 to deploy');
    await expect(row.getByRole('cell', { name: 'Stage 2' })).toHaveText('2 to deploy');
    await row.getByRole('button', { name: `Show installations of ${prepared.tenantSlug}` }).click();
    await expect(newRolloutPage.planByTenant).toContainText(`Stage 1: ${api} 3.1.0`);
    await expect(newRolloutPage.planByTenant).toContainText(`Stage 2: ${ui} 3.1.0`);
    await saveScreenshot('rollout-new-preview');

    // Without a reason it cannot start.
    await expect(newRolloutPage.startButton).toBeDisabled();
    await newRolloutPage.reason.fill('Quarterly release for Acme');
    await newRolloutPage.startButton.click();

    await expect(page).toHaveURL(/\/rollouts\/[0-9a-f-]+$/);
    await rolloutPage.expectShown(prepared.releaseName);
    for (const installation of prepared.installationSlugs) {
      for (const stage of [1, 2]) {
        await expect(rolloutPage.cell(prepared.tenantSlug, installation, stage)).toHaveText('Succeeded', { timeout: 30_000 });
      }
    }
    await expect(rolloutPage.status).toContainText('Succeeded', { timeout: 30_000 });
  });

  test('the preview says why a rollout cannot start, and which installations a selector leaves out', async ({
    page,
    api,
    createUser,
    signInAs,
    prepareRollout,
    newRolloutPage,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const prepared = await prepareRollout();
    await api.updateInstallation({ tenantSlug: prepared.tenantSlug, slug: 'us', frozen: true });

    await page.goto(`/releases/${prepared.releaseId}/rollout`);
    await newRolloutPage.chooseTargetsBy('Installations one by one');
    await newRolloutPage.chooseInstallation(`${prepared.tenantSlug}`, `${prepared.tenantSlug} / us`);
    await expect(newRolloutPage.preview.getByRole('alert')).toContainText(`Installation ${prepared.tenantSlug}/us is frozen`);
    await newRolloutPage.reason.fill('Trying a frozen installation');
    await expect(newRolloutPage.startButton).toBeDisabled();

    // By tenant instead: the frozen installation is left out with its reason, and the other one is planned.
    await newRolloutPage.chooseTargetsBy('By tenant, label and tier');
    await newRolloutPage.chooseTenant(prepared.tenantSlug);
    await expect(newRolloutPage.summary.getByText('1 installation', { exact: true })).toBeVisible();
    await expect(newRolloutPage.summary).toContainText('1 excluded');
    await expect(newRolloutPage.preview).toContainText(
      `${prepared.tenantSlug} / us: Installation ${prepared.tenantSlug}/us is frozen`,
    );
    await expect(newRolloutPage.startButton).toBeEnabled();
  });
});

/** A tier of its own and a "gated" tier after it that requires the release on the first (and verified, if asked). */
async function gatedTiers(api: ShiplogApi, uid: string, { requireVerification = false } = {}) {
  const rank = 300 + randomBytes(3).readUIntBE(0, 3);
  const qa = await api.createEnvironmentTier({ name: `qa-${uid}`, rank });
  const gated = await api.createEnvironmentTier({
    name: `gated-${uid}`,
    rank: rank + 1,
    requiredTiers: [qa.name],
    requireVerification,
  });
  return { qa, gated };
}

test.describe('Promotion rules', () => {
  test('a tier rule the release does not meet is named, with a link to the rollout that meets it', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    newRolloutPage,
  }) => {
    const { qa, gated } = await gatedTiers(api, uid);
    const tenant = await api.createTenant({ slug: `rules-${uid}`, name: `Rules ${uid}` });
    for (const [slug, tier] of [
      ['check', qa.name],
      ['live', gated.name],
    ]) {
      await api.createInstallation({ tenantSlug: tenant.slug, slug, name: slug, tier, driverConfig: { delayMs: 0 } });
    }
    await api.createApplication({ slug: `svc-${uid}`, name: `Service ${uid}` });
    await api.registerArtifact({ applicationSlug: `svc-${uid}`, version: '1.0.0', imageRef: `registry.example/svc:${uid}` });
    const track = await api.createReleaseTrack({ slug: `rules-${uid}`, name: `Rules ${uid}` });
    const release = await api.createRelease({ trackSlug: track.slug, version: '1.0.0' });
    await api.setReleaseComponents({
      releaseId: release.id,
      components: [{ applicationSlug: `svc-${uid}`, artifactVersion: '1.0.0', stage: 1 }],
    });
    await api.lockRelease(release.id);

    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    await page.goto(`/releases/${release.id}/rollout`);
    await newRolloutPage.chooseTargetsBy('Installations one by one');
    await newRolloutPage.chooseInstallation(tenant.slug, `${tenant.slug} / live`);
    const refusal = newRolloutPage.preview.getByRole('alert');
    await expect(refusal).toContainText(`${gated.name} requires the release to have succeeded on ${qa.name} first`);
    await expect(newRolloutPage.startButton).toBeDisabled();

    // The link leads to the rollout that meets the rule: the same release, to the required tier.
    const meet = refusal.getByRole('link', { name: `Roll this release out to ${qa.name} first` });
    await meet.focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/releases/${release.id}/rollout\\?.*tier=${qa.name}`));
    await expect(newRolloutPage.summary.getByText('1 installation', { exact: true })).toBeVisible();
    await expect(newRolloutPage.preview.getByRole('alert')).toHaveCount(0);
    await expect(newRolloutPage.startButton).toBeDisabled(); // until a reason is given
    await newRolloutPage.reason.fill('Meeting the rule');
    await expect(newRolloutPage.startButton).toBeEnabled();
  });
});

test.describe('Promotion rules that want a verification', () => {
  test('a missing verification links to the deployments of this release on the required tier', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    newRolloutPage,
  }) => {
    const { qa, gated } = await gatedTiers(api, uid, { requireVerification: true });
    const tenant = await api.createTenant({ slug: `verify-${uid}`, name: `Verify ${uid}` });
    const ids: Record<string, string> = {};
    for (const [slug, tier] of [
      ['check', qa.name],
      ['other', qa.name],
      ['live', gated.name],
    ]) {
      ids[slug] = (
        await api.createInstallation({ tenantSlug: tenant.slug, slug, name: slug, tier, driverConfig: { delayMs: 0 } })
      ).id;
    }
    await api.createApplication({ slug: `svc-${uid}`, name: `Service ${uid}` });
    for (const version of ['1.0.0', '1.1.0'])
      await api.registerArtifact({ applicationSlug: `svc-${uid}`, version, imageRef: `registry.example/svc:${version}-${uid}` });
    const track = await api.createReleaseTrack({ slug: `verify-${uid}`, name: `Verify ${uid}` });
    const releases: Record<string, string> = {};
    for (const version of ['1.0.0', '1.1.0']) {
      const release = await api.createRelease({ trackSlug: track.slug, version });
      await api.setReleaseComponents({
        releaseId: release.id,
        components: [{ applicationSlug: `svc-${uid}`, artifactVersion: version, stage: 1 }],
      });
      await api.lockRelease(release.id);
      releases[version] = release.id;
    }
    // 1.1.0 reached qa on "check"; 1.0.0 reached "other" (a deployment of another release, not to be listed).
    await api.waitForRollout(
      (await api.startRollout({ releaseId: releases['1.0.0'], installationIds: [ids.other], reason: 'older' })).id,
    );
    await api.waitForRollout(
      (await api.startRollout({ releaseId: releases['1.1.0'], installationIds: [ids.check], reason: 'qa first' })).id,
    );

    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    await page.goto(`/releases/${releases['1.1.0']}/rollout`);
    await newRolloutPage.chooseTargetsBy('Installations one by one');
    await newRolloutPage.chooseInstallation(tenant.slug, `${tenant.slug} / live`);
    const refusal = newRolloutPage.preview.getByRole('alert');
    await refusal.getByRole('link', { name: `Record a passed verification on a ${qa.name} deployment of this release` }).click();

    await expect(page).toHaveURL(/\/deployments\?/);
    await expect(page.getByRole('button', { name: `Release filter: Verify ${uid} 1.1.0` })).toBeVisible();
    await expect(page.getByRole('button', { name: `Tier filter: ${qa.name}` })).toBeVisible();
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows.filter({ hasText: '1.1.0' })).toHaveCount(1);
    await expect(rows.filter({ hasText: '1.0.0' })).toHaveCount(0);
    await expect(rows.filter({ hasText: 'check' })).toHaveCount(1);
  });
});

test.describe('Typing into the new-rollout form at speed', () => {
  /** Types one key at a time with uneven pauses of 80 to 250 ms, as a person in a hurry does. */
  async function typeHurriedly(field: Locator, text: string) {
    const pauses = [80, 250, 120, 190, 95, 160];
    for (const [index, char] of [...text].entries()) {
      await field.pressSequentially(char);
      await field.page().waitForTimeout(pauses[index % pauses.length]);
    }
  }

  test('every keystroke in a wave label, a wave percent and the error budget is kept, in the inputs, the preview and after a reload', async ({
    page,
    api,
    uid,
    tier,
    createUser,
    signInAs,
    prepareRollout,
    newRolloutPage,
  }) => {
    // Typing a key at a time on a slowed-down page takes a while.
    test.setTimeout(120_000);
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const prepared = await prepareRollout();
    await api.updateTenant({ slug: prepared.tenantSlug, labels: [{ key: 'cohort', value: 'early-adopter' }] });
    const other = await api.createTenant({ slug: `zeta-${uid}`, name: `Zeta ${uid}` });
    for (const slug of ['a', 'b', 'c']) {
      await api.createInstallation({ tenantSlug: other.slug, slug, name: `Zeta ${slug}`, tier });
    }

    await page.goto(`/releases/${prepared.releaseId}/rollout`);
    // A busy laptop: the page gets a quarter of the CPU it has in the test.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await newRolloutPage.chooseTenant(prepared.tenantSlug);
    await newRolloutPage.chooseTenant(other.slug);
    await expect(newRolloutPage.summary).toContainText('5 installations');

    await page.getByRole('button', { name: 'Add a wave' }).click();
    await page.getByRole('button', { name: 'Add a wave' }).click();
    const first = page.getByRole('group', { name: 'Wave 1', exact: true });
    const second = page.getByRole('group', { name: 'Wave 2', exact: true });
    await first.getByRole('combobox', { name: 'Wave 1' }).click();
    await page.getByRole('option', { name: 'Tenants labelled' }).click();
    await second.getByRole('combobox', { name: 'Wave 2' }).click();
    await page.getByRole('option', { name: 'Percent of installations' }).click();

    const label = first.getByRole('combobox', { name: 'key=value' });
    const percent = second.getByRole('textbox', { name: '1–100' });
    const budget = page.getByRole('textbox', { name: 'Error budget %' });
    await label.click();
    await typeHurriedly(label, 'cohort=early-adopter');
    await percent.click();
    await typeHurriedly(percent, '25');
    await budget.click();
    await typeHurriedly(budget, '12.5');
    await page.keyboard.press('Tab');

    await expect(label).toHaveValue('cohort=early-adopter');
    await expect(percent).toHaveValue('25');
    await expect(budget).toHaveValue('12.5');
    // Wave 1 takes the labelled tenant's two installations; 25 % of five is two more; the last wave takes the one left.
    await expect(newRolloutPage.summary).toContainText('3 waves');
    await expect(newRolloutPage.waves.getByRole('listitem')).toHaveText([
      'Wave 1: tenants labelled cohort=early-adopter · 2 installations',
      'Wave 2: 25 % · 2 installations',
      'Wave 3: the rest · 1 installation',
    ]);
    for (const tenant of [prepared.tenantSlug, other.slug]) {
      await newRolloutPage
        .tenantRow(tenant)
        .getByRole('button', { name: `Show installations of ${tenant}` })
        .click();
    }
    const planned = [
      ['Acme EU', 1],
      ['Acme US', 1],
      ['Zeta a', 2],
      ['Zeta b', 2],
      ['Zeta c', 3],
    ] as const;
    for (const [name, wave] of planned) {
      await expect(newRolloutPage.planByTenant).toContainText(`${name} (${tier}), wave ${wave}`);
    }
    // The form is in the URL once the typing stops, so a reload (or a shared link) shows the same plan.
    await page.reload();
    await expect(label).toHaveValue('cohort=early-adopter');
    await expect(percent).toHaveValue('25');
    await expect(budget).toHaveValue('12.5');
    await expect(newRolloutPage.waves.getByRole('listitem')).toHaveCount(3);
  });
});

test.describe('Waves that would be empty', () => {
  test('an unmatched label wave shows as empty and stops the start until empty waves are allowed; a wave with no number is flagged', async ({
    page,
    createUser,
    signInAs,
    prepareRollout,
    newRolloutPage,
    rolloutPage,
  }) => {
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));
    const prepared = await prepareRollout();

    await page.goto(`/releases/${prepared.releaseId}/rollout`);
    await newRolloutPage.chooseTenant(prepared.tenantSlug);
    await newRolloutPage.reason.fill('Waves, one of them empty');
    await page.getByRole('button', { name: 'Add a wave' }).click();
    const first = page.getByRole('group', { name: 'Wave 1', exact: true });
    await first.getByRole('combobox', { name: 'Wave 1' }).click();
    await page.getByRole('option', { name: 'Tenants labelled' }).click();
    await first.getByRole('combobox', { name: 'key=value' }).pressSequentially('cohort=nobody', { delay: 80 });

    await expect(newRolloutPage.waves.getByRole('listitem')).toHaveText([
      'Wave 1: tenants labelled cohort=nobody · empty',
      'Wave 2: the rest · 2 installations',
    ]);
    await expect(newRolloutPage.preview.getByRole('alert')).toContainText(
      'Wave 1 (tenants labelled cohort=nobody) would take no installation',
    );
    await expect(newRolloutPage.startButton).toBeDisabled();

    // A second wave with no number yet is flagged and also stops the start.
    await page.getByRole('button', { name: 'Add a wave' }).click();
    const second = page.getByRole('group', { name: 'Wave 2', exact: true });
    await expect(second).toContainText('Give a number, 1 or more');
    await page.getByRole('button', { name: 'Remove wave 2' }).click();
    await expect(second).toBeHidden();

    const allow = page.getByRole('checkbox', { name: /Start even if a wave would take no installation/ });
    await allow.focus();
    await page.keyboard.press('Space');
    await expect(allow).toBeChecked();
    await expect(newRolloutPage.preview.getByRole('alert')).toBeHidden();
    await expect(newRolloutPage.summary).toContainText('1 wave');
    await newRolloutPage.startButton.click();

    await expect(page).toHaveURL(/\/rollouts\/[0-9a-f-]+$/);
    await rolloutPage.expectShown(prepared.releaseName);
    await expect(rolloutPage.wave).toContainText('1 of 1');
  });
});
