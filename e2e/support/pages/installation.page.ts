import { expect, type Locator, type Page } from '@playwright/test';

/** /installations/:id: what runs there, its settings, its history and rollouts. */
export class InstallationPage {
  readonly heading: Locator;
  readonly running: Locator;
  readonly settings: Locator;
  readonly history: Locator;
  readonly rollouts: Locator;
  readonly saveSettings: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.running = page.getByRole('region', { name: 'What runs here' });
    this.settings = page.getByRole('region', { name: 'Settings' });
    this.history = page.getByRole('region', { name: 'Deployment history' });
    this.rollouts = page.getByRole('region', { name: 'Rollouts that touched it' });
    this.saveSettings = this.settings.getByRole('button', { name: 'Save settings' });
  }

  async goto(id: string) {
    await this.page.goto(`/installations/${id}`);
  }

  /** The row of an application in "What runs here". */
  runningRow(applicationName: string): Locator {
    return this.running
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: applicationName, exact: true }) });
  }

  async expectShown(name: string) {
    await expect(this.heading).toHaveText(name);
  }
}
