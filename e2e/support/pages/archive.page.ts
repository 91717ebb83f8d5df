import { expect, type Locator, type Page } from '@playwright/test';

/** The archive and restore controls that lists and pages share, used from the keyboard. */
export class ArchiveControls {
  readonly dialog: Locator;
  readonly showArchived: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog');
    this.showArchived = page.getByRole('switch', { name: 'Show archived' });
  }

  /** e.g. button('Archive', 'installation', 'acme/eu') */
  button(verb: 'Archive' | 'Restore', kind: 'tenant' | 'installation' | 'application' | 'release track', name: string) {
    return this.page.getByRole('button', { name: `${verb} ${kind} ${name}`, exact: true });
  }

  /** Every archive or restore button on the page. */
  get anyButton(): Locator {
    return this.page.getByRole('button', { name: /^(Archive|Restore) / });
  }

  /**
   * Opens the dialog with Enter on the focused button, types the reason, tabs to the confirming button and presses
   * Enter. Leaves the dialog open when the server refuses.
   */
  async confirmWithKeyboard(button: Locator, reason: string) {
    await button.focus();
    await this.page.keyboard.press('Enter');
    await expect(this.dialog).toBeVisible();
    await expect(this.dialog.getByRole('textbox', { name: 'Reason' })).toBeFocused();
    await this.page.keyboard.type(reason);
    await this.page.keyboard.press('Tab'); // Cancel
    await this.page.keyboard.press('Tab'); // Archive / Restore
    await this.page.keyboard.press('Enter');
  }

  async archive(kind: Parameters<ArchiveControls['button']>[1], name: string, reason: string) {
    await this.confirmWithKeyboard(this.button('Archive', kind, name), reason);
    await expect(this.dialog).toBeHidden();
  }

  async restore(kind: Parameters<ArchiveControls['button']>[1], name: string, reason: string) {
    await this.confirmWithKeyboard(this.button('Restore', kind, name), reason);
    await expect(this.dialog).toBeHidden();
  }

  /** Toggles "Show archived" with the keyboard. */
  async toggleShowArchived(on: boolean) {
    await this.showArchived.focus();
    await this.page.keyboard.press('Space');
    if (on) await expect(this.showArchived).toBeChecked();
    else await expect(this.showArchived).not.toBeChecked();
  }
}
