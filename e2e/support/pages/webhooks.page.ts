import { expect, type Locator, type Page } from '@playwright/test';

/** The Webhooks list at /webhooks, with the dialogs to create one and read its secret. */
export class WebhooksPage {
  readonly heading: Locator;
  readonly newButton: Locator;
  readonly table: Locator;
  readonly dialog: Locator;
  readonly secretDialog: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Webhooks', level: 1 });
    this.newButton = page.getByRole('button', { name: 'New webhook' });
    this.table = page.getByRole('table', { name: 'Webhooks' });
    this.dialog = page.getByRole('dialog', { name: 'New webhook' });
    this.secretDialog = page.getByRole('dialog', { name: 'Signing secret' });
  }

  async expectShown() {
    await expect(this.page).toHaveURL(/\/webhooks$/);
    await expect(this.heading).toBeVisible();
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('link', { name }) });
  }
}

/** One webhook at /webhooks/:id: its state, actions and delivery log. */
export class WebhookPage {
  readonly log: Locator;
  readonly messages: Locator;
  readonly sendTest: Locator;
  readonly reEnable: Locator;
  readonly statusFilter: Locator;

  constructor(readonly page: Page) {
    this.log = page.getByRole('list', { name: 'Delivery log' });
    this.messages = this.log.getByRole('listitem');
    this.sendTest = page.getByRole('button', { name: 'Send test' });
    this.reEnable = page.getByRole('button', { name: 'Re-enable' });
    this.statusFilter = page.getByRole('combobox', { name: 'Status' });
  }

  async goto(id: string) {
    await this.page.goto(`/webhooks/${id}`);
    await expect(this.sendTest).toBeVisible();
  }

  /** A message of the log by its dotted event type and status label, e.g. ('webhook.test', 'Delivered'). */
  message(eventType: string, status: string): Locator {
    return this.messages.filter({
      has: this.page.getByRole('button', { name: new RegExp(`^${eventType.replace('.', '\\.')} ${status} `) }),
    });
  }

  async expand(message: Locator): Promise<Locator> {
    const summary = message.getByRole('button').first();
    if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
    return message.getByRole('region');
  }
}
