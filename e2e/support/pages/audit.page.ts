import { expect, type Locator, type Page } from '@playwright/test';

/** The audit log at /audit. */
export class AuditPage {
  readonly heading: Locator;
  readonly filters: Locator;
  readonly search: Locator;
  readonly action: Locator;
  readonly subjectId: Locator;
  readonly table: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Audit log', level: 1 });
    this.filters = page.getByRole('search', { name: 'Filter the audit log' });
    this.search = this.filters.getByRole('searchbox', { name: 'Search' });
    this.action = this.filters.getByRole('combobox', { name: 'Action' });
    this.subjectId = this.filters.getByRole('searchbox', { name: 'Subject id' });
    this.table = page.getByRole('table', { name: 'Audit events' });
    this.rows = this.table.getByRole('row').filter({ has: page.getByRole('button', { name: /changes of/ }) });
  }

  async goto(query = '') {
    await this.page.goto(`/audit${query}`);
    await this.expectShown();
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/audit(\?|$)/);
    await expect(this.heading).toBeVisible();
  }

  /** Picks an action from the list by typing part of its name, as fast as a hurried person, and Enter. */
  async chooseAction(part: string) {
    await this.action.click();
    await this.action.pressSequentially(part, { delay: 30 });
    await this.action.press('Enter');
  }

  /** The before/after table of the event with this action, once its changes are shown. */
  diff(action: string): Locator {
    return this.page.getByRole('table', { name: `Before and after of ${action}` });
  }
}
