import { expect, type Locator, type Page } from '@playwright/test';

/** A MUI select: opens it by its label and picks an option. */
async function choose(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

export class InstallationsPage {
  readonly heading: Locator;
  readonly table: Locator;
  /** Body rows only. */
  readonly rows: Locator;
  readonly summary: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Installations', level: 1 });
    this.table = page.getByRole('table', { name: 'Installations' });
    this.rows = this.table.getByRole('row').filter({ has: page.getByRole('cell') });
    this.summary = page.getByRole('status');
  }

  async goto(query = '') {
    await this.page.goto(`/installations${query}`);
    await this.expectShown();
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/installations(\?|$)/);
    await expect(this.heading).toBeVisible();
  }

  /** A filter field: a search box, or a combobox where the field suggests values (labels). */
  field(label: string): Locator {
    return this.page
      .getByRole('searchbox', { name: label, exact: true })
      .or(this.page.getByRole('combobox', { name: label, exact: true }));
  }

  async chooseTier(tier: string) {
    await choose(this.page, 'Tier', tier);
  }

  async chooseTenantState(state: 'Any tenant' | 'Blocked tenants' | 'Active tenants') {
    await choose(this.page, 'Tenant state', state);
  }

  row(tenantSlug: string, installationSlug: string): Locator {
    return this.rows
      .filter({ has: this.page.getByRole('cell', { name: tenantSlug, exact: true }) })
      .filter({ has: this.page.getByRole('cell', { name: new RegExp(`^${installationSlug} `) }) });
  }
}

export class TenantPage {
  readonly history: Locator;
  readonly driftStatus: Locator;

  constructor(readonly page: Page) {
    this.history = page.getByRole('table', { name: 'History' });
    this.driftStatus = page.getByRole('status');
  }

  async goto(slug: string, query = '') {
    await this.page.goto(`/tenants/${slug}${query}`);
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { name, level: 1 });
  }

  installation(name: string): Locator {
    return this.page.getByRole('region', { name });
  }

  /** The row of an application in an installation's table. */
  application(installationSlug: string, applicationSlug: string): Locator {
    return this.page
      .getByRole('table', { name: `Applications on ${installationSlug}` })
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: applicationSlug, exact: true }) });
  }

  async chooseTrack(name: string) {
    await choose(this.page, 'Release track', name);
  }
}

export class MatrixPage {
  readonly heading: Locator;
  readonly matrix: Locator;
  readonly legend: Locator;
  readonly summary: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'What runs where', level: 1 });
    this.matrix = page.getByRole('table', { name: 'What runs where' });
    this.legend = page.getByRole('list', { name: 'Legend' });
    this.summary = page.getByRole('status');
  }

  async goto(query = '') {
    await this.page.goto(`/matrix${query}`);
    await expect(this.heading).toBeVisible();
  }

  /** A filter field: a search box, or a combobox where the field suggests values (labels). */
  field(label: string): Locator {
    return this.page
      .getByRole('searchbox', { name: label, exact: true })
      .or(this.page.getByRole('combobox', { name: label, exact: true }));
  }

  async chooseTrack(name: string) {
    await choose(this.page, 'Release track', name);
  }

  async chooseTier(tier: string) {
    await choose(this.page, 'Tier', tier);
  }

  async chooseRelease(option: string) {
    await choose(this.page, 'Compare with release', option);
  }

  /** A cell by the start of its accessible name, e.g. "acme / prod: api". */
  cell(where: string, application: string): Locator {
    return this.matrix.getByLabel(new RegExp(`^${escape(where)}: ${escape(application)} `));
  }

  rows(): Locator {
    return this.matrix.getByRole('row').filter({ has: this.page.getByRole('rowheader') });
  }

  /** The installation names in the order shown ("acme / prod"). */
  async order(): Promise<string[]> {
    const names = await this.matrix.getByRole('rowheader').allInnerTexts();
    return names.map((name) => name.split(/\s+/)[0] + ' / ' + name.split(/\s+/)[2]);
  }

  get applications(): Locator {
    return this.page.getByRole('combobox', { name: 'Applications' });
  }

  driftToggle(name: 'Older' | 'Newer' | 'Missing'): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  async sortBy(option: string) {
    await choose(this.page, 'Sort by', option);
  }

  get download(): Locator {
    return this.page.getByRole('button', { name: 'Download CSV' });
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The deployment drawer: who, when, why, verifications. */
export class DeploymentDrawer {
  readonly panel: Locator;
  readonly close: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByLabel('Deployment', { exact: true });
    this.close = page.getByRole('button', { name: 'Close deployment' });
  }
}
