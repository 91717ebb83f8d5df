import { expect, type Locator, type Page } from '@playwright/test';

/** The list of rollouts at /rollouts, newest first. */
export class RolloutsPage {
  readonly heading: Locator;
  readonly table: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Rollouts', level: 1 });
    this.table = page.getByRole('table', { name: 'Rollouts' });
    this.rows = this.table.getByRole('row').filter({ has: page.getByRole('cell') });
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/rollouts$/);
    await expect(this.heading).toBeVisible();
  }

  row(releaseName: string): Locator {
    return this.rows.filter({ has: this.page.getByRole('link', { name: releaseName, exact: true }) });
  }

  async openRollout(releaseName: string) {
    await this.table.getByRole('link', { name: releaseName, exact: true }).click();
  }
}

/** One rollout's live view at /rollouts/:id. */
export class RolloutPage {
  readonly status: Locator;
  readonly wave: Locator;
  readonly liveIndicator: Locator;
  readonly progress: Locator;
  readonly grid: Locator;
  readonly filters: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByRole('group', { name: 'Rollout status' });
    this.wave = page.getByLabel('Wave', { exact: true });
    this.liveIndicator = page.getByRole('status', { name: 'Live updates' });
    this.progress = page.getByRole('progressbar', { name: 'Rollout progress' });
    this.grid = page.getByRole('table', { name: 'Installations by stage' });
    this.filters = page.getByRole('group', { name: 'Show installations' });
  }

  async expectShown(releaseName: string) {
    await expect(this.page.getByRole('heading', { name: `Rollout of ${releaseName}`, level: 1 })).toBeVisible();
  }

  /** Waits until live updates arrive over the socket. */
  async expectLive() {
    await expect(this.liveIndicator).toHaveText('Live');
  }

  row(tenantSlug: string, installationSlug: string): Locator {
    return this.grid.getByRole('row', { name: `${tenantSlug} / ${installationSlug}` });
  }

  cell(tenantSlug: string, installationSlug: string, stage: number): Locator {
    return this.row(tenantSlug, installationSlug).getByRole('cell', { name: new RegExp(`^Stage ${stage}:`) });
  }

  filter(label: string): Locator {
    return this.filters.getByRole('button', { name: label, exact: true });
  }

  /** Retry (on a paused rollout: alone, or and resume), Approve, Reject or Roll back one installation of the rollout. */
  targetAction(
    action: 'Retry' | 'Retry this installation' | 'Retry and resume' | 'Approve' | 'Reject' | 'Roll back' | 'Exclude',
    tenantSlug: string,
    installationSlug: string,
  ): Locator {
    return this.page.getByRole('button', { name: `${action} ${tenantSlug} / ${installationSlug}`, exact: true });
  }

  /** Opens the deployments of one stage on one installation (a menu when the stage has several applications). */
  async openStage(tenantSlug: string, installationSlug: string, stage: number) {
    // The button's name ends with the state it shows, e.g. ": Failed".
    const where = `${tenantSlug} / ${installationSlug}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await this.page.getByRole('button', { name: new RegExp(`^Stage ${stage} deployments on ${where}: `) }).click();
  }

  /** The deployment drawer. */
  get drawer(): Locator {
    return this.page.getByRole('dialog', { name: 'Deployment' });
  }

  /** Answers the reason dialog that an action opened. */
  async giveReason(confirm: string, reason: string) {
    const dialog = this.page.getByRole('dialog').filter({ has: this.page.getByLabel('Reason') });
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: confirm, exact: true }).click();
  }
}

/** The new-rollout form at /releases/:id/rollout: targets, waves, pace, preview, start. */
export class NewRolloutPage {
  readonly tenants: Locator;
  readonly installations: Locator;
  readonly preview: Locator;
  readonly summary: Locator;
  readonly planByTenant: Locator;
  /** Each wave of the preview with what it takes, e.g. "Wave 1: first 2 · 2 installations". */
  readonly waves: Locator;
  readonly reason: Locator;
  readonly startButton: Locator;
  readonly failurePolicy: Locator;
  readonly maxParallel: Locator;

  constructor(readonly page: Page) {
    this.tenants = page.getByRole('combobox', { name: 'Tenants' });
    this.installations = page.getByRole('combobox', { name: 'Installations' });
    this.preview = page.getByRole('region', { name: 'Rollout preview' });
    this.summary = page.getByRole('group', { name: 'Plan summary' });
    this.planByTenant = page.getByRole('table', { name: 'Plan by tenant' });
    this.waves = this.preview.getByRole('list', { name: 'Waves' });
    this.reason = page.getByRole('textbox', { name: 'Reason' });
    this.startButton = page.getByRole('button', { name: 'Start rollout' });
    this.failurePolicy = page.getByRole('combobox', { name: 'Failure policy' });
    this.maxParallel = page.getByRole('textbox', { name: 'Max parallel' });
  }

  async expectShown(releaseName: string) {
    await expect(this.page.getByRole('heading', { name: `Roll out ${releaseName}`, level: 1 })).toBeVisible();
  }

  /** Picks a tenant from the search-as-you-type list. */
  async chooseTenant(slug: string) {
    await this.tenants.fill(slug);
    await this.page.getByRole('option', { name: slug, exact: true }).click();
  }

  /** Chooses how targets are picked; the choice goes through the URL, so it shows a moment after the click. */
  async chooseTargetsBy(label: 'Installations one by one' | 'By tenant, label and tier') {
    const radio = this.page.getByRole('radio', { name: label });
    await radio.click();
    await expect(radio).toBeChecked();
  }

  /** Picks an installation by typing part of its name; `option` is how the list names it. */
  async chooseInstallation(search: string, option: string) {
    await this.installations.fill(search);
    await this.page.getByRole('option', { name: option }).click();
  }

  tenantRow(slug: string): Locator {
    return this.planByTenant.getByRole('row', { name: slug, exact: true });
  }
}
