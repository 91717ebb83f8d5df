import type { DataSource } from 'typeorm';
import { WebhookAttempt } from './webhook-message.entity';

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
