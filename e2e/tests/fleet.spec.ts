import pg from 'pg';
import { databaseUnderTest } from '../support/env';
import { expect, test } from '../support/fixtures';

test.describe('Installations list and tenant page', () => {
  test('a viewer narrows the installations by search, tenant labels, tier, tenant state and labels, all kept in the URL', async ({
    page,
    uid,
    seedFleet,
    createUser,
    signInAs,
    installationsPage,
    saveScreenshot,
  }) => {
    const fleet = await seedFleet();
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Installations' }).click();
    await installationsPage.expectShown();

    await installationsPage.field('Search installations').fill(uid);
    await expect(installationsPage.summary).toHaveText('5 installations match the filters');
    await expect(installationsPage.rows).toHaveCount(5);

    await installationsPage.field('Tenant labels').fill('region=eu');
    await expect(page).toHaveURL(/[?&]tenantLabels=region%3Deu(&|$)/);
    await expect(installationsPage.summary).toHaveText('3 installations match the filters');
    await expect(installationsPage.row(fleet.tenants.acme, 'prod')).toBeVisible();
    await expect(installationsPage.row(fleet.tenants.acme, 'qa')).toBeVisible();
    await expect(installationsPage.row(fleet.tenants.initech, 'prod')).toContainText('Blocked');

    await installationsPage.chooseTier(fleet.tiers.prod);
    await expect(page).toHaveURL(new RegExp(`[?&]tier=${fleet.tiers.prod}(&|$)`));
    await expect(installationsPage.rows).toHaveCount(2);

    await installationsPage.chooseTenantState('Active tenants');
    await expect(page).toHaveURL(/[?&]blocked=no(&|$)/);
    await expect(installationsPage.rows).toHaveCount(1);
    await expect(installationsPage.row(fleet.tenants.acme, 'prod')).toContainText('zone=a');

    // The URL alone brings the same view back.
    await page.reload();
    await expect(installationsPage.rows).toHaveCount(1);
    await expect(installationsPage.row(fleet.tenants.acme, 'prod')).toBeVisible();
    await expect(installationsPage.field('Tenant labels')).toHaveValue('region=eu');

    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect(page).toHaveURL(/\/installations$/);
    await installationsPage.field('Search installations').fill(uid);
    await installationsPage.field('Installation labels').fill('zone=b');
    await expect(installationsPage.rows).toHaveCount(2);
    await expect(installationsPage.row(fleet.tenants.acme, 'qa')).toBeVisible();
    await expect(installationsPage.row(fleet.tenants.globex, 'prod')).toBeVisible();
    await saveScreenshot('installations');
    await page.setViewportSize({ width: 820, height: 1000 });
    await expect(
      installationsPage.row(fleet.tenants.globex, 'prod').getByRole('link', { name: fleet.tenants.globex }),
    ).toBeVisible();
    await saveScreenshot('installations-820');
    await page.setViewportSize({ width: 1280, height: 800 });

    await installationsPage.field('Installation labels').fill('zone=nowhere');
    await expect(page.getByText('No installations match these filters')).toBeVisible();

    await installationsPage.field('Installation labels').fill('zone');
    await expect(page.getByRole('alert')).toContainText("'zone' is not a key=value label");
  });

  test('label filters suggest the labels in use: the keyboard completes the label being typed after a comma', async ({
    page,
    api,
    uid,
    seedFleet,
    createUser,
    signInAs,
    installationsPage,
  }) => {
    const fleet = await seedFleet();
    await api.updateInstallation({
      tenantSlug: fleet.tenants.acme,
      slug: 'qa',
      labels: [
        { key: 'zone', value: 'b' },
        { key: `rack-${uid}`, value: 'r7' },
      ],
    });
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));
    await installationsPage.goto();

    const labels = installationsPage.field('Installation labels');
    await labels.click();
    await page.keyboard.type(`zone=b, rack-${uid}`);
    const suggestion = page.getByRole('option', { name: `rack-${uid}=r7` });
    await expect(suggestion).toBeVisible();
    // Only what matches the label being typed is offered, not the one before the comma.
    await expect(page.getByRole('option')).toHaveCount(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(labels).toHaveValue(`zone=b, rack-${uid}=r7`);
    await expect(page).toHaveURL(new RegExp(`[?&]labels=zone%3Db%2C(\\+|%20)rack-${uid}%3Dr7(&|$)`));
    await expect(installationsPage.rows).toHaveCount(1);
    await expect(installationsPage.row(fleet.tenants.acme, 'qa')).toBeVisible();

    // A label nobody carries can still be typed; it is searched as it is.
    await labels.fill(`rack-${uid}=r8`);
    await expect(page.getByRole('option')).toHaveCount(0);
    await expect(page.getByText('No installations match these filters')).toBeVisible();
  });

  test('the tenants list filters by labels, tier and status and links to the tenant page', async ({
    page,
    uid,
    seedFleet,
    createUser,
    signInAs,
    tenantsPage,
  }) => {
    const fleet = await seedFleet();
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));
    await tenantsPage.goto(uid);
    await expect(tenantsPage.rows).toHaveCount(3);

    await page.getByRole('combobox', { name: 'Labels', exact: true }).fill('region=eu');
    await expect(tenantsPage.rows).toHaveCount(2);
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Blocked', exact: true }).click();
    await expect(page).toHaveURL(/[?&]labels=region%3Deu(&|$)/);
    await expect(page).toHaveURL(/[?&]blocked=yes(&|$)/);
    await expect(tenantsPage.rows).toHaveCount(1);
    await expect(tenantsPage.summary).toHaveText('1 tenant match the filters');
    await expect(tenantsPage.row(fleet.tenants.initech)).toBeVisible();

    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Any status', exact: true }).click();
    await page.getByRole('combobox', { name: 'Has a tier' }).click();
    await page.getByRole('option', { name: fleet.tiers.qa, exact: true }).click();
    await expect(tenantsPage.rows).toHaveCount(1);
    await tenantsPage.row(fleet.tenants.acme).getByRole('link', { name: fleet.tenants.acme }).click();
    // The tenant page may add the track it compares against to the query once it has loaded the tracks.
    await expect(page).toHaveURL(new RegExp(`/tenants/${fleet.tenants.acme}(\\?.*)?$`));
    await expect(page.getByRole('heading', { level: 1 })).toContainText(`Acme ${uid}`);
  });

  test('a tenant page shows what runs on each installation, the release it matches, drift and history', async ({
    page,
    uid,
    seedFleet,
    createUser,
    signInAs,
    tenantPage,
    deploymentDrawer,
    saveScreenshot,
  }) => {
    const fleet = await seedFleet();
    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));

    await tenantPage.goto(fleet.tenants.acme);
    await expect(tenantPage.heading(`Acme ${uid}`)).toBeVisible();
    await expect(page.getByRole('group', { name: 'Tenant labels' })).toContainText('region=eu');
    await expect(page.getByRole('group', { name: 'Tenant labels' })).toContainText('cohort=early');
    await expect(page.getByText('Active', { exact: true })).toBeVisible();

    await tenantPage.chooseTrack(fleet.track.name);
    await expect(tenantPage.driftStatus).toHaveText(`Drift from ${fleet.track.name} 1.1.0, its latest locked release`);

    const prod = tenantPage.installation(`${fleet.tenants.acme} prod`);
    await expect(prod).toContainText(`Matches release: ${fleet.track.name} 1.1.0`);
    await expect(tenantPage.application('prod', fleet.apps.api)).toContainText('1.1.0');
    await expect(tenantPage.application('prod', fleet.apps.api).getByText('same', { exact: true })).toBeVisible();
    await expect(tenantPage.application('prod', fleet.apps.web).getByText('same', { exact: true })).toBeVisible();

    const qa = tenantPage.installation(`${fleet.tenants.acme} qa`);
    await expect(qa).toContainText(`Matches release: ${fleet.track.name} 1.0.0`);
    await expect(tenantPage.application('qa', fleet.apps.api).getByRole('cell').nth(0)).toHaveText('1.0.0');
    await expect(tenantPage.application('qa', fleet.apps.api).getByText('behind', { exact: true })).toBeVisible();

    // History: every deployment to the tenant, newest first; api 1.1.0 on prod was the last rollout.
    await expect(tenantPage.history.getByRole('row')).toHaveCount(7);
    await expect(tenantPage.history.getByRole('row').nth(1)).toContainText(/1\.1\.0/);
    await expect(tenantPage.history.getByRole('row').nth(1)).toContainText(fleet.reason);
    await expect(tenantPage.history.getByRole('row').nth(1)).toContainText('token:admin');
    await saveScreenshot('tenant');
    await page.setViewportSize({ width: 820, height: 1000 });
    await expect(tenantPage.history.getByRole('button', { name: `${fleet.apps.api} 1.1.0` })).toBeVisible();
    await saveScreenshot('tenant-820');
    await page.setViewportSize({ width: 1280, height: 800 });

    await tenantPage.history.getByRole('button', { name: `${fleet.apps.api} 1.1.0` }).click();
    await expect(page).toHaveURL(new RegExp(`[?&]deployment=${fleet.verifiedDeployment}(&|$)`));
    await expect(deploymentDrawer.panel).toContainText(fleet.reason);
    await expect(deploymentDrawer.panel).toContainText('Triggered by');
    await expect(deploymentDrawer.panel).toContainText(`smoke ${uid}`);
    await expect(deploymentDrawer.panel).toContainText('Passed');
    await deploymentDrawer.close.click();
    await expect(page).not.toHaveURL(/deployment=/);

    // Another tenant: ahead, behind and an application the release does not have; no release matches.
    await tenantPage.goto(fleet.tenants.globex, `?track=${fleet.track.slug}`);
    const globexProd = tenantPage.installation(`${fleet.tenants.globex} prod`);
    await expect(globexProd).toContainText('Matches release: none');
    await expect(tenantPage.application('prod', fleet.apps.api).getByText('ahead', { exact: true })).toBeVisible();
    await expect(tenantPage.application('prod', fleet.apps.web).getByText('behind', { exact: true })).toBeVisible();
    await expect(tenantPage.application('prod', fleet.apps.worker).getByText('not in release', { exact: true })).toBeVisible();

    await tenantPage.goto(fleet.tenants.initech, `?track=${fleet.track.slug}`);
    await expect(page.getByText('Blocked: no rollout touches this tenant')).toBeVisible();
    await expect(tenantPage.application('prod', fleet.apps.api).getByText('missing', { exact: true })).toBeVisible();
    await expect(page.getByText('No deployments to this tenant yet.')).toBeVisible();

    await tenantPage.goto(`nobody-${uid}`);
    await expect(tenantPage.heading('Tenant not found')).toBeVisible();
  });

  test('a tenant-scoped viewer opening another tenant’s page sees it as not found', async ({
    page,
    uid,
    seedFleet,
    createUser,
    signInAs,
    tenantPage,
  }) => {
    const fleet = await seedFleet();
    await signInAs(await createUser({ role: 'VIEWER', name: 'scoped', tenantSlugs: [fleet.tenants.acme] }));
    await tenantPage.goto(fleet.tenants.globex);
    await expect(tenantPage.heading('Tenant not found')).toBeVisible();
    await page.goto(`/installations?q=${uid}`);
    await expect(page.getByRole('status')).toHaveText('2 installations match the filters');
  });

  test('5,000 installations stay usable: the list renders only what is in view and loads more as one scrolls', async ({
    uid,
    api,
    createUser,
    signInAs,
    installationsPage,
  }) => {
    const databaseUrl = databaseUnderTest();
    test.skip(!databaseUrl, 'bulk seeding needs the server on DATABASE_URL');
    const tier = (
      await api.createEnvironmentTier({ name: `bulk-tier-${uid}`, rank: 5_000_000 + Math.floor(Math.random() * 1e6) })
    ).name;
    const tenant = await api.createTenant({ slug: `bulk-${uid}`, name: `Bulk ${uid}` });
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO installation (tenant_id, slug, name, tier_id, labels, driver)
         SELECT $1, 'i-' || lpad(n::text, 4, '0'), 'Bulk ' || n, (SELECT id FROM environment_tier WHERE name = $2),
                jsonb_build_object('shard', 's' || (n % 10)), 'SIMULATED'
           FROM generate_series(0, 4999) AS n`,
        [tenant.id, tier],
      );
    } finally {
      await client.end();
    }

    await signInAs(await createUser({ role: 'VIEWER', name: 'viewer' }));
    await installationsPage.goto(`?q=bulk-${uid}`);
    await expect(installationsPage.summary).toHaveText('5000 installations match the filters');
    await expect(installationsPage.table).toHaveAttribute('aria-rowcount', '5001');
    await expect(installationsPage.row(tenant.slug, 'i-0000')).toBeVisible();
    // Virtualized: only a window of rows is in the page.
    expect(await installationsPage.rows.count()).toBeLessThan(100);

    // Scrolling on loads the next pages as the reader reaches them.
    const furthestRow = async () => {
      await installationsPage.table.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      const texts = await installationsPage.rows.allTextContents();
      return Math.max(-1, ...texts.map((text) => Number(/i-(\d{4})/.exec(text)?.[1] ?? -1)));
    };
    await expect.poll(furthestRow, { intervals: [100], timeout: 20_000 }).toBeGreaterThanOrEqual(450);
    await expect(installationsPage.row(tenant.slug, 'i-0000')).toHaveCount(0);
    expect(await installationsPage.rows.count()).toBeLessThan(100);

    await installationsPage.field('Installation labels').fill('shard=s3');
    await expect(installationsPage.summary).toHaveText('500 installations match the filters');
    await expect(installationsPage.row(tenant.slug, 'i-0003')).toBeVisible();
  });
});
