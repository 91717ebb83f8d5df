import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Picks an option of an MUI select (a combobox that opens a listbox). A click that lands while the menu is still
 * growing in can go unseen (once in a full CI run the listbox stayed open): the option is clicked again then.
 */
async function choose(page: Page, combobox: Locator, option: string | RegExp) {
  await combobox.click();
  const listbox = page.getByRole('listbox');
  await expect(async () => {
    if (await listbox.isVisible()) await listbox.getByRole('option', { name: option }).click({ timeout: 2_000 });
    await expect(listbox).toBeHidden({ timeout: 2_000 });
  }).toPass({ timeout: 10_000 });
}

/** The requirements editor on a DRAFT release's page. */
export class ReleaseEditor {
  readonly addApplicationField: Locator;
  readonly addStageButton: Locator;
  readonly saveBar: Locator;
  readonly saveStatus: Locator;
  readonly saveButton: Locator;
  readonly discardButton: Locator;
  readonly saveError: Locator;
  readonly releaseInstructions: Locator;

  constructor(readonly page: Page) {
    this.addApplicationField = page.getByRole('combobox', { name: 'Add application' });
    this.addStageButton = page.getByRole('button', { name: 'Add stage' });
    this.saveBar = page.getByRole('region', { name: 'Save changes' });
    this.saveStatus = this.saveBar.getByRole('status');
    this.saveButton = this.saveBar.getByRole('button', { name: 'Save', exact: true });
    this.discardButton = this.saveBar.getByRole('button', { name: 'Discard changes' });
    this.saveError = this.saveBar.getByRole('alert');
    this.releaseInstructions = page.getByRole('textbox', { name: 'Release instructions' });
  }

  stage(stage: number): Locator {
    return this.page.getByRole('region', { name: `Stage ${stage}`, exact: true });
  }

  /** The card of one application in the editor. */
  component(name: string): Locator {
    return this.page.getByRole('group', { name, exact: true });
  }

  artifactField(name: string): Locator {
    return this.page.getByRole('combobox', { name: `Artifact for ${name}` });
  }

  async addApplication(name: string) {
    await choose(this.page, this.addApplicationField, new RegExp(`^${name} \\(`));
  }

  /** The versions the artifact picker offers, in the order shown (after "No artifact chosen"). */
  async artifactOptions(name: string): Promise<Locator> {
    await this.artifactField(name).click();
    return this.page.getByRole('listbox').getByRole('option');
  }

  async closeMenu() {
    await this.page.keyboard.press('Escape');
    await expect(this.page.getByRole('listbox')).toBeHidden();
  }

  async chooseArtifact(name: string, version: string) {
    await choose(this.page, this.artifactField(name), new RegExp(`^${version.replace(/\./g, '\\.')}\\b`));
  }

  async clearArtifact(name: string) {
    await choose(this.page, this.artifactField(name), 'No artifact chosen');
  }

  /** The keyboard-accessible way to move a component: its Stage field. */
  async moveToStage(name: string, stage: number) {
    await choose(this.page, this.page.getByRole('combobox', { name: `Stage for ${name}` }), new RegExp(`^Stage ${stage}\\b`));
  }

  /** Drags a component by its handle onto a stage with the mouse. */
  async dragToStage(name: string, stage: number) {
    const handle = this.page.getByRole('button', { name: `Drag ${name} to another stage` });
    // Both ends must be inside the window: bring the target stage to the middle of it.
    await this.stage(stage).evaluate((element) => element.scrollIntoView({ block: 'center' }));
    const from = await handle.boundingBox();
    const to = await this.stage(stage).boundingBox();
    const viewport = this.page.viewportSize();
    if (!from || !to || !viewport || from.y < 0 || to.y + 40 > viewport.height)
      throw new Error('the drag handle or the stage is not on screen');
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    // Past the activation distance first, then onto the stage in steps so the drop target registers.
    await this.page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 3 });
    await this.page.mouse.move(to.x + to.width / 2, to.y + Math.min(40, to.height / 2), { steps: 12 });
    await this.page.mouse.up();
  }

  /** Moves a component with the keyboard: pick it up, arrow to the stage, drop it. */
  /**
   * Picks a component up with Space, moves it with the arrow keys and drops it with Space, each key once the
   * screen reader has been told the previous one took effect (as a keyboard user hears it).
   */
  async keyboardMove(name: string, arrow: 'ArrowDown' | 'ArrowUp', toStage: number) {
    const handle = this.page.getByRole('button', { name: `Drag ${name} to another stage` });
    const announced = this.page.getByRole('status').filter({ hasText: name });
    await handle.focus();
    await this.page.keyboard.press('Space');
    await expect(handle).toHaveAttribute('aria-pressed', 'true');
    await this.page.keyboard.press(arrow);
    await expect(announced).toContainText(`${name} is over stage ${toStage}.`);
    await this.page.keyboard.press('Space');
  }

  async remove(name: string) {
    await this.page.getByRole('button', { name: `Remove ${name}`, exact: true }).click();
  }

  async save() {
    await this.saveButton.click();
    await expect(this.saveStatus).toHaveText('All changes saved');
  }
}

/** "New release" on a track page, or "Clone" on a release page. */
export class CreateReleaseDialog {
  readonly dialog: Locator;
  readonly version: Locator;
  readonly cloneFrom: Locator;
  readonly instructions: Locator;
  readonly error: Locator;

  constructor(
    readonly page: Page,
    title: string | RegExp = /^(New release|Clone release)/,
  ) {
    this.dialog = page.getByRole('dialog', { name: title });
    this.version = this.dialog.getByRole('textbox', { name: 'Version' });
    this.cloneFrom = this.dialog.getByRole('combobox', { name: 'Clone from' });
    this.instructions = this.dialog.getByRole('textbox', { name: /^Instructions/ });
    this.error = this.dialog.getByRole('alert');
  }

  async chooseSource(version: string) {
    await choose(this.page, this.cloneFrom, new RegExp(`^${version.replace(/\./g, '\\.')} \\(`));
  }

  async submit() {
    await this.dialog.getByRole('button', { name: /^(Create|Clone) release$/ }).click();
  }
}

/** The dialog that asks why before unlocking or rescinding. */
export class ReasonDialog {
  readonly dialog: Locator;
  readonly reason: Locator;
  readonly confirm: Locator;
  readonly error: Locator;

  constructor(
    readonly page: Page,
    action: 'Unlock' | 'Rescind',
  ) {
    this.dialog = page.getByRole('dialog', {
      name: new RegExp(`^${action === 'Unlock' ? 'Unlock requirements' : 'Rescind release'}`),
    });
    this.reason = this.dialog.getByRole('textbox', { name: 'Reason' });
    this.confirm = this.dialog.getByRole('button', { name: action, exact: true });
    this.error = this.dialog.getByRole('alert');
  }
}

/** Two releases compared at /releases/compare?base=…&head=…. */
export class ReleaseComparePage {
  readonly summary: Locator;
  readonly baseField: Locator;
  readonly headField: Locator;

  constructor(readonly page: Page) {
    this.summary = page.getByRole('status').filter({ hasText: /added|same components/ });
    this.baseField = page.getByRole('combobox', { name: 'Base release' });
    this.headField = page.getByRole('combobox', { name: 'Head release' });
  }

  async expectShown(title: string | RegExp) {
    await expect(this.page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  }

  async chooseBase(version: string) {
    await choose(this.page, this.baseField, new RegExp(`^${version.replace(/\./g, '\\.')} \\(`));
  }

  async chooseHead(version: string) {
    await choose(this.page, this.headField, new RegExp(`^${version.replace(/\./g, '\\.')} \\(`));
  }

  /** The table of one kind of difference: "Added", "Removed", "Changed artifact" or "Moved stage". */
  table(kind: 'Added' | 'Removed' | 'Changed artifact' | 'Moved stage'): Locator {
    return this.page.getByRole('table', { name: kind, exact: true });
  }

  row(kind: 'Added' | 'Removed' | 'Changed artifact' | 'Moved stage', applicationSlug: string): Locator {
    return this.table(kind).getByRole('row').filter({ hasText: applicationSlug });
  }
}
