import { expect, type Locator, type Page } from '@playwright/test';

/** The Insights page: success rates by tenant and application, lock to arrival by release and tier. */
export class InsightsPage {
  readonly heading: Locator;
  readonly period: Locator;
  readonly tenants: Locator;
  readonly applications: Locator;
  readonly arrivals: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Insights' });
    this.period = page.getByRole('radiogroup', { name: 'Period' });
    this.tenants = page.getByRole('region', { name: 'Success rate by tenant' });
    this.applications = page.getByRole('region', { name: 'Success rate by application' });
    this.arrivals = page.getByRole('region', { name: 'Lock to arrival' });
  }

  async expectShown() {
    await expect(this.heading).toBeVisible();
  }

  periodOption(label: string): Locator {
    return this.period.getByRole('radio', { name: label });
  }

  /** The body rows of a section's table, named by their first cell. */
  row(section: Locator, name: string): Locator {
    return section.getByRole('row', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) });
  }

  bodyRows(section: Locator): Locator {
    return section.getByRole('table').locator('tbody').getByRole('row');
  }
}
