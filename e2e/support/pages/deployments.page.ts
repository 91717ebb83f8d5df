import { expect, type Locator, type Page } from '@playwright/test';

/** The ledger at /deployments, with its filters and the deployment drawer. */
export class DeploymentsPage {
  readonly heading: Locator;
  readonly filters: Locator;
  readonly application: Locator;
  readonly version: Locator;
  readonly tenant: Locator;
  readonly status: Locator;
  readonly installation: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly summary: Locator;
  readonly drawer: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Deployments', level: 1 });
    this.filters = page.getByRole('search', { name: 'Filter deployments' });
    this.application = this.filters.getByRole('searchbox', { name: 'Application' });
    this.version = this.filters.getByRole('searchbox', { name: 'Version' });
    this.tenant = this.filters.getByRole('searchbox', { name: 'Tenant' });
    this.status = this.filters.getByRole('combobox', { name: 'Status' });
    this.installation = this.filters.getByRole('combobox', { name: 'Installation' });
    this.table = page.getByRole('table', { name: 'Deployments' });
    this.rows = this.table.getByRole('row').filter({ has: page.getByRole('cell') });
    this.summary = page.getByRole('status').filter({ hasText: /deployment|Loading/ });
    this.drawer = page.getByRole('dialog');
  }

  async goto(query = '') {
    await this.page.goto(`/deployments${query}`);
    await this.expectShown();
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/deployments(\?|$)/);
    await expect(this.heading).toBeVisible();
  }

  async chooseStatus(label: string) {
    await this.status.click();
    await this.page.getByRole('option', { name: label, exact: true }).click();
  }

  async chooseInstallation(label: string) {
    await this.installation.click();
    await this.page.getByRole('option', { name: label, exact: true }).click();
  }

  /** Opens the drawer of the deployment of `application` on `installation` ("Tenant / Installation"). */
  async open(application: string, version: string, installation: string) {
    await this.table.getByRole('button', { name: `Open details of ${application} ${version} on ${installation}` }).click();
  }
}

/** The journey of one artifact at /artifacts/:app/:version. */
export class ArtifactJourneyPage {
  readonly table: Locator;
  readonly rows: Locator;
  readonly verdict: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Journey' });
    this.rows = this.table.getByRole('row').filter({ has: page.getByRole('cell') });
    this.verdict = page.getByRole('status', { name: 'Verified before the last tier?' });
  }

  async expectShown(title: string) {
    await expect(this.page.getByRole('heading', { name: `Journey of ${title}`, level: 1 })).toBeVisible();
  }
}
