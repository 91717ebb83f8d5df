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

  constructor(readonly page: Page) {
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

  constructor(readonly page: Page) {
    this.status = page.getByRole('group', { name: 'Release status' });
    this.blockers = page.getByRole('region', { name: 'Lock blockers' });
    this.lockButton = page.getByRole('button', { name: 'Lock requirements' });
    this.refusal = page.getByRole('alert').filter({ hasText: 'Locking was refused' });
    this.locked = page.getByLabel('Locked', { exact: true });
  }

  async expectShown(title: string) {
    await expect(this.page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  }

  stage(stage: number): Locator {
    return this.page.getByRole('table', { name: `Stage ${stage} components` });
  }
}
