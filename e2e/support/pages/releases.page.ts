import { expect, type Locator, type Page } from '@playwright/test';

/** The list of release tracks at /tracks. */
export class ReleaseTracksPage {
  readonly heading: Locator;
  readonly list: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Release tracks', level: 1 });
    this.list = page.getByRole('list', { name: 'Release tracks' });
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/tracks$/);
    await expect(this.heading).toBeVisible();
  }

  async openTrack(name: string) {
    await this.list.getByRole('link', { name, exact: true }).click();
  }
}

/** One track's releases at /tracks/:slug. */
export class ReleaseTrackPage {
  readonly table: Locator;
  readonly rows: Locator;

  readonly newReleaseButton: Locator;
  readonly compareLink: Locator;

  constructor(readonly page: Page) {
    this.newReleaseButton = page.getByRole('button', { name: 'New release' });
    this.compareLink = page.getByRole('link', { name: 'Compare releases' });
    this.table = page.getByRole('table', { name: 'Releases' });
    this.rows = this.table.getByRole('row').filter({ has: page.getByRole('cell') });
  }

  async expectShown(name: string) {
    await expect(this.page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }

  row(version: string): Locator {
    return this.rows.filter({ has: this.page.getByRole('link', { name: version, exact: true }) });
  }

  async openRelease(version: string) {
    await this.table.getByRole('link', { name: version, exact: true }).click();
  }
}

/** One release at /releases/:id. */
export class ReleasePage {
  readonly status: Locator;
  readonly blockers: Locator;
  readonly lockButton: Locator;
  readonly refusal: Locator;
  readonly locked: Locator;
  readonly actions: Locator;
  readonly readOnlyNote: Locator;
  readonly cloneButton: Locator;
  readonly unlockButton: Locator;
  readonly rescindButton: Locator;
  readonly compareLink: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByRole('group', { name: 'Release status' });
    this.blockers = page.getByRole('region', { name: 'Lock blockers' });
    this.lockButton = page.getByRole('button', { name: 'Lock requirements' });
    this.refusal = page.getByRole('alert').filter({ hasText: 'Locking was refused' });
    this.locked = page.getByLabel('Locked', { exact: true });
    this.actions = page.getByRole('group', { name: 'Release actions' });
    this.readOnlyNote = page.getByRole('alert', { name: 'Read-only' });
    this.cloneButton = this.actions.getByRole('button', { name: 'Clone' });
    this.unlockButton = this.actions.getByRole('button', { name: 'Unlock…' });
    this.rescindButton = this.actions.getByRole('button', { name: 'Rescind…' });
    this.compareLink = this.actions.getByRole('link', { name: 'Compare with…' });
  }

  async expectShown(title: string) {
    await expect(this.page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  }

  /** One stage of the components, read-only or in the editor. */
  stage(stage: number): Locator {
    return this.page.getByRole('region', { name: `Stage ${stage}`, exact: true });
  }
}
