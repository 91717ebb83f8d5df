import { expect, type Locator, type Page } from '@playwright/test';

/** The overview at /: rollouts in progress, failures, what awaits action, and deployments per day. */
export class OverviewPage {
  readonly heading: Locator;
  readonly inProgress: Locator;
  readonly attention: Locator;
  readonly awaiting: Locator;
  readonly chartSection: Locator;
  readonly chart: Locator;
  readonly liveIndicator: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Overview', level: 1 });
    this.inProgress = page.getByRole('region', { name: 'In progress' });
    this.attention = page.getByRole('region', { name: 'Needs attention' });
    this.awaiting = page.getByRole('region', { name: 'Awaiting action' });
    this.chartSection = page.getByRole('region', { name: /^Deployments per day/ });
    this.chart = this.chartSection.getByRole('img', { name: /^Deployments per day/ });
    this.liveIndicator = page.getByRole('status', { name: 'Live updates' });
  }

  async goto() {
    await this.page.goto('/');
    await this.expectShown();
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/$/);
    await expect(this.heading).toBeVisible();
  }

  /** The progress bar of a rollout in progress. */
  rolloutProgress(releaseName: string): Locator {
    return this.inProgress.getByRole('progressbar', { name: `Progress of ${releaseName}` });
  }

  /** The count of failed deployments the chart's legend shows. */
  async failedInChart(): Promise<number> {
    const text = await this.chartSection.getByText(/^Failed \(\d+\)$/).textContent();
    return Number(/\((\d+)\)/.exec(text ?? '')?.[1] ?? NaN);
  }
}
