import { expect, test } from '../support/fixtures';

test('applications are called by their name on every page, not by their slug', async ({
  page,
  api,
  uid,
  tier,
  createUser,
  signInAs,
  newRolloutPage,
  rolloutPage,
  tenantPage,
}) => {
  test.slow();
  const tenant = await api.createTenant({ slug: `named-${uid}`, name: `Named ${uid}` });
  const installation = await api.createInstallation({
    tenantSlug: tenant.slug,
    slug: 'prod',
    name: 'Named prod',
    tier,
    driverConfig: { delayMs: 0 },
  });
  const slug = `billing-${uid}`;
  const name = `Billing service ${uid}`;
  await api.createApplication({ slug, name });
  await api.registerArtifact({
    applicationSlug: slug,
    version: '1.0.0',
    imageRef: `registry.example/${slug}:1.0.0`,
    commitSha: '0123456789abcdef0123456789abcdef01234567',
    buildUrl: `https://ci.example/${slug}/1.0.0`,
  });
  const track = await api.createReleaseTrack({ slug: `named-${uid}`, name: `Named track ${uid}`, description: 'Names' });
  const release = await api.createRelease({ trackSlug: track.slug, version: '1.0.0' });
  await api.setReleaseComponents({
    releaseId: release.id,
    components: [{ applicationSlug: slug, artifactVersion: '1.0.0', stage: 1 }],
  });
  await api.lockRelease(release.id);
  await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'rm' }));

  // The preview of a rollout names what it deploys.
  await page.goto(`/releases/${release.id}/rollout`);
  await newRolloutPage.chooseTargetsBy('Installations one by one');
  await newRolloutPage.chooseInstallation(tenant.slug, `${tenant.slug} / prod`);
  await newRolloutPage.preview.getByRole('button', { name: `Show installations of ${tenant.slug}` }).click();
  await expect(newRolloutPage.preview).toContainText(`Stage 1: ${name} 1.0.0`);
  await expect(newRolloutPage.preview).not.toContainText(`${slug} 1.0.0`);

  // The rollout grid's stage cell lists it by name.
  const rollout = await api.startRollout({ releaseId: release.id, installationIds: [installation.id], reason: 'e2e: names' });
  await api.waitForRollout(rollout.id, ['SUCCEEDED']);
  await page.goto(`/rollouts/${rollout.id}`);
  await expect(rolloutPage.cell(tenant.slug, 'prod', 1)).toHaveAttribute('title', `${name} 1.0.0`);

  // The tenant page: what runs on the installation, and its history.
  await tenantPage.goto(tenant.slug);
  await expect(tenantPage.application('prod', name)).toContainText('1.0.0');
  await expect(tenantPage.history).toContainText(`${name} 1.0.0`);
  await expect(page.getByRole('main')).not.toContainText(slug);
});
