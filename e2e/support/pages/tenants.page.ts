import { expect, type Locator, type Page } from '@playwright/test';

export class TenantsPage {
  readonly heading: Locator;
  readonly search: Locator;
  readonly table: Locator;
  /** Body rows only: the header row holds column headers, not cells. */
  readonly rows: Locator;
  readonly summary: Locator;
  readonly loadMore: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Tenants', level: 1 });
    this.search = page.getByRole('searchbox', { name: 'Search tenants' });
    this.table = page.getByRole('table', { name: 'Tenants' });
    this.rows = this.table.getByRole('row').filter({ has: page.getByRole('cell') });
    this.summary = page.getByRole('status');
    this.loadMore = page.getByRole('button', { name: 'Load more' });
  }

  async goto(search?: string) {
    await this.page.goto(search ? `/tenants?q=${encodeURIComponent(search)}` : '/tenants');
    await this.expectShown();
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/tenants(\?|$)/);
    await expect(this.heading).toBeVisible();
  }

  row(slug: string): Locator {
    return this.rows.filter({ has: this.page.getByRole('cell', { name: slug, exact: true }) });
  }

  async searchFor(text: string) {
    await this.search.fill(text);
  }
}
