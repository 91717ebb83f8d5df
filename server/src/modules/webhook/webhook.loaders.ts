import type { DataSource } from 'typeorm';
import { WebhookAttempt } from './webhook-message.entity';
import { RECENT_DELIVERY_HOURS, RECENT_DELIVERY_MESSAGES, WebhookDeliveryStats } from './webhook.inputs';

/** The first `limit` delivery attempts of each message, oldest first, in one query for all messages of a page. */
export async function webhookAttemptsOf(
  dataSource: DataSource,
  messageIds: readonly string[],
  limit: number,
): Promise<WebhookAttempt[][]> {
  const rows: Record<string, unknown>[] = await dataSource.query(
    `SELECT * FROM (
       SELECT a.*, row_number() OVER (PARTITION BY a.message_id ORDER BY a.id) AS n
         FROM webhook_attempt a WHERE a.message_id = ANY($1)) ranked
      WHERE n <= $2 ORDER BY message_id, id`,
    [messageIds, limit],
  );
  const byMessage = new Map<string, WebhookAttempt[]>();
  for (const row of rows) {
    const attempt = Object.assign(new WebhookAttempt(), {
      id: String(row.id),
      messageId: row.message_id as string,
      at: row.at as Date,
      httpStatus: row.http_status as number | null,
      durationMs: row.duration_ms as number,
      error: row.error as string | null,
      responseHeaders: row.response_headers as Record<string, string> | null,
      responseBody: row.response_body as string | null,
    });
    byMessage.set(attempt.messageId, [...(byMessage.get(attempt.messageId) ?? []), attempt]);
  }
  return messageIds.map((id) => byMessage.get(id) ?? []);
}

/**
 * Each webhook's recent delivery counts and last attempt, for a whole page of webhooks in one query: the newest
 * messages of the window are read through the (webhook, created) index, never the whole log.
 */
export async function recentWebhookDeliveries(
  dataSource: DataSource,
  webhookIds: readonly string[],
): Promise<WebhookDeliveryStats[]> {
  const rows: { id: string; succeeded: number; failed: number; pending: number; last_delivery_at: Date | null }[] =
    await dataSource.query(
      `SELECT p.id, recent.succeeded, recent.failed, recent.pending,
              greatest(recent.last_attempt_at, latest.last_attempt_at) AS last_delivery_at
         FROM unnest($1::uuid[]) AS p(id)
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE m.status = 'SUCCEEDED')::int AS succeeded,
                  count(*) FILTER (WHERE m.status = 'FAILED')::int AS failed,
                  count(*) FILTER (WHERE m.status = 'PENDING')::int AS pending,
                  max(m.last_attempt_at) AS last_attempt_at
             FROM (SELECT status, last_attempt_at FROM webhook_message
                    WHERE webhook_id = p.id AND created_at >= now() - $2 * interval '1 hour'
                    ORDER BY created_at DESC LIMIT $3) m) recent
         LEFT JOIN LATERAL (
           SELECT last_attempt_at FROM webhook_message
            WHERE webhook_id = p.id AND last_attempt_at IS NOT NULL
            ORDER BY created_at DESC LIMIT 1) latest ON true`,
      [webhookIds, RECENT_DELIVERY_HOURS, RECENT_DELIVERY_MESSAGES],
    );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return webhookIds.map((id) => {
    const row = byId.get(id);
    return Object.assign(new WebhookDeliveryStats(), {
      succeeded: row?.succeeded ?? 0,
      failed: row?.failed ?? 0,
      pending: row?.pending ?? 0,
      lastDeliveryAt: row?.last_delivery_at ?? null,
    });
  });
}
