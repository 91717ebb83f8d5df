import type { ShiplogApi } from '../support/api';
import { expect, test } from '../support/fixtures';
import { WebhookPage, WebhooksPage } from '../support/pages/webhooks.page';
import { startReceiver, type Receiver } from '../support/receiver';

const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

test.afterAll(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function createWebhook(api: ShiplogApi, input: { url: string; description: string }): Promise<string> {
  const data = await api.request<{ createWebhook: { id: string } }>(
    'createWebhook',
    `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`,
    { input },
  );
  return data.createWebhook.id;
}

/** An endpoint answering 410 Gone, which Shiplog disables at the first test message. */
async function disabledWebhook(api: ShiplogApi, description: string): Promise<string> {
  const gone = await receiver([{ status: 410, body: 'gone for good' }]);
  const id = await createWebhook(api, { url: gone.url, description });
  await api.request('testWebhook', `mutation ($id: ID!) { testWebhook(input: { webhookId: $id }) { id } }`, { id });
  await expect
    .poll(async () => {
      const data = await api.request<{ webhook: { enabled: boolean } }>(
        'webhook',
        `query ($id: ID!) { webhook(id: $id) { enabled } }`,
        {
          id,
        },
      );
      return data.webhook.enabled;
    })
    .toBe(false);
  return id;
}

test.describe('Webhooks', () => {
  test('an admin creates a webhook with the keyboard, sees its secret once, and reads a test delivery in the log', async ({
    page,
    context,
    uid,
    createUser,
    signInAs,
    shell,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const endpoint = await receiver([{ status: 200, body: '{"thanks":"received"}', headers: { 'x-receiver': 'e2e' } }]);
    const webhooks = new WebhooksPage(page);
    const webhook = new WebhookPage(page);
    await signInAs(await createUser({ role: 'ADMIN', name: 'hooks' }));
    await shell.open('Webhooks');
    await webhooks.expectShown();

    await webhooks.newButton.focus();
    await page.keyboard.press('Enter');
    await expect(webhooks.dialog).toBeVisible();
    // The URL field has the focus.
    await page.keyboard.type(endpoint.url);
    await page.keyboard.press('Tab');
    await page.keyboard.type(`Chat ${uid}`);
    await webhooks.dialog.getByRole('combobox', { name: 'Event types' }).focus();
    await page.keyboard.type('webhook.te');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(webhooks.dialog.getByRole('button', { name: 'webhook.test' })).toBeVisible();
    await webhooks.dialog.getByRole('button', { name: 'Create webhook' }).focus();
    await page.keyboard.press('Enter');

    await expect(webhooks.secretDialog).toBeVisible();
    const secretField = webhooks.secretDialog.getByRole('textbox', { name: 'Signing secret' });
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await webhooks.secretDialog.getByRole('button', { name: 'Copy secret' }).click();
    await expect(webhooks.secretDialog.getByRole('status')).toHaveText('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await webhooks.secretDialog.getByRole('button', { name: 'Done' }).click();
    await expect(webhooks.secretDialog).toBeHidden();

    const row = webhooks.row(`Chat ${uid}`);
    await expect(row).toContainText('Enabled');
    await expect(row).toContainText('webhook.test');
    await expect(row).toContainText('No messages');
    await expect(row).toContainText('Never');
    // Shown once: gone after a reload, here and on the webhook's own page.
    await page.reload();
    await expect(row).toBeVisible();
    await expect(page.getByText(secret)).toHaveCount(0);
    await row.getByRole('link', { name: `Chat ${uid}` }).click();
    await expect(page.getByRole('heading', { name: `Chat ${uid}`, level: 1 })).toBeVisible();
    await expect(page.getByText(secret)).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);

    await webhook.sendTest.click();
    const delivered = webhook.message('webhook.test', 'Delivered');
    await expect(delivered).toHaveCount(1);
    const details = await webhook.expand(delivered);
    await expect(details).toContainText('HTTP 200');
    await expect(details.getByLabel('Response body')).toHaveText('{"thanks":"received"}');
    await expect(details.getByLabel('Response headers')).toContainText('x-receiver: e2e');
    expect(endpoint.requests).toHaveLength(1);
    await expect(details).toContainText(`webhook-id: ${endpoint.requests[0].headers['webhook-id'] as string}`);

    await shell.open('Webhooks');
    await expect(row).toContainText('100% of 1');
    await expect(row).not.toContainText('Never');
  });

  test('a failing receiver shows each failed attempt, and Redeliver sends the message again under the same id', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
  }) => {
    const failing = await receiver(Array(3).fill({ status: 500, body: 'receiver broke' }));
    const id = await createWebhook(api, { url: failing.url, description: `Flaky ${uid}` });
    const webhook = new WebhookPage(page);
    await signInAs(await createUser({ role: 'ADMIN', name: 'hooks' }));
    await webhook.goto(id);

    await webhook.sendTest.click();
    const failed = webhook.message('webhook.test', 'Failed');
    await expect(failed).toHaveCount(1);
    const details = await webhook.expand(failed);
    const attempts = details.getByRole('list', { name: 'Attempts' }).getByRole('listitem');
    await expect(attempts).toHaveCount(3);
    for (const attempt of await attempts.all()) {
      await expect(attempt).toContainText('HTTP 500');
      await expect(attempt.getByLabel('Response body')).toHaveText('receiver broke');
    }

    await webhook.statusFilter.click();
    await page.getByRole('option', { name: 'Delivered' }).click();
    await expect(page).toHaveURL(/[?&]status=SUCCEEDED(&|$)/);
    await expect(page.getByText('No messages match these filters')).toBeVisible();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(failed).toHaveCount(1);

    await (await webhook.expand(failed)).getByRole('button', { name: 'Redeliver' }).click();
    const delivered = webhook.message('webhook.test', 'Delivered');
    await expect(delivered).toHaveCount(1);
    await expect((await webhook.expand(delivered)).getByRole('list', { name: 'Attempts' }).getByRole('listitem')).toHaveCount(4);
    expect(failing.requests).toHaveLength(4);
    expect(new Set(failing.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  test('an endpoint Shiplog disabled needs attention on the overview, says why, and can be re-enabled', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    overviewPage,
  }) => {
    const id = await disabledWebhook(api, `Pager ${uid}`);
    await signInAs(await createUser({ role: 'ADMIN', name: 'hooks' }));
    await overviewPage.goto();
    const attention = overviewPage.attention.getByRole('link', { name: `Webhook Pager ${uid} disabled` });
    await expect(attention).toBeVisible();
    await attention.click();

    await expect(page).toHaveURL(new RegExp(`/webhooks/${id}$`));
    await expect(page.getByText('Disabled by Shiplog')).toBeVisible();
    await expect(page.getByRole('alert').filter({ hasText: 'Shiplog disabled this endpoint' })).toContainText('410 Gone');
    await page.getByRole('button', { name: 'Re-enable' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Re-enabled' })).toBeVisible();
    await expect(page.getByText('Enabled', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Re-enable' })).toHaveCount(0);

    await overviewPage.goto();
    await expect(overviewPage.attention).not.toContainText(`Pager ${uid}`);
  });

  test('someone who is not an admin has no Webhooks link or page, and an overview without errors', async ({
    page,
    api,
    uid,
    createUser,
    signInAs,
    shell,
    overviewPage,
  }) => {
    await disabledWebhook(api, `Hidden ${uid}`);
    await signInAs(await createUser({ role: 'RELEASE_MANAGER', name: 'manager' }));
    await expect(shell.navigation.getByRole('link', { name: 'Audit log', exact: true })).toBeVisible();
    await expect(shell.navigation.getByRole('link', { name: 'Webhooks', exact: true })).toHaveCount(0);

    await overviewPage.goto();
    await expect(overviewPage.attention).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(overviewPage.attention).not.toContainText(`Hidden ${uid}`);

    await page.goto('/webhooks');
    await expect(page.getByText('Only admins manage webhooks.')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Webhooks' })).toHaveCount(0);
  });
});
