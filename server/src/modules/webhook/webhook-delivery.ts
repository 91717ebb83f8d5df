import { inject, injectable } from 'tsyringe';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { Access } from '../../auth/access';
import type { Config } from '../../config';
import { JobQueue, QUEUES } from '../../engine/job-queue';
import { EventRecord } from '../../events/event.entity';
import { EventService, EventType } from '../../events/event.service';
import { log } from '../../log';
import { CONFIG, JOB_QUEUE } from '../../tokens';
import { WebhookEventType } from './webhook-event-type';
import { WebhookAttempt, WebhookMessage, WebhookMessageStatus, webhookMessageId } from './webhook-message.entity';
import { eventPayload, slackText, type WebhookPayload } from './webhook-payload';
import { sendAttempt, signatures, type AttemptResult } from './webhook-sender';
import { Webhook, WebhookFormat } from './webhook.entity';

/**
 * How long an attempt under way holds its message: longer than the request may take. A replica that dies
 * mid-attempt leaves the message to be taken up again after this (its job expires and runs elsewhere).
 */
const CLAIM_SECONDS = 45;
/** A message due this long ago without an attempt lost its job (it cannot have: the sweep is a safety net). */
const LOST_AFTER_MINUTES = 10;
const MAINTENANCE_BATCH = 5000;

/** "3 days", "90 seconds": how a period reads in a reason. */
export function describePeriod(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms / size === 1 ? '' : 's'}`;
  }
  return `${ms} ms`;
}

/**
 * Sends outbound webhook messages: one pg-boss job per attempt, carrying only the message's id. Whichever replica
 * takes the job claims the message, sends it, records the attempt, and queues the next attempt by the retry
 * schedule, or ends the message SUCCEEDED or FAILED. Endpoints are disabled in the open: on 410 Gone, or when
 * every message failed for SHIPLOG_WEBHOOK_DISABLE_AFTER, with a webhook.disabled event and an audit record.
 */
@injectable()
export class WebhookDelivery {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    @inject(JOB_QUEUE) private readonly jobs: JobQueue,
    private readonly events: EventService,
    private readonly audit: AuditService,
  ) {}

  async start(): Promise<void> {
    // Two workers, each sending a batch at once: a slow endpoint holds back a few messages, not the queue.
    for (let worker = 0; worker < 2; worker++) {
      await this.jobs.work(QUEUES.webhookMessage, (data) => this.attempt(data.messageId), 8);
    }
    await this.jobs.work(QUEUES.webhookMaintenance, () => this.maintain(), 1);
    await this.jobs.schedule(QUEUES.webhookMaintenance, '* * * * *');
  }

  private get baseUrl(): string {
    return this.config.publicUrl ?? `http://localhost:${this.config.port}`;
  }

  /** One attempt at a message, if it is still due: a second job for the same attempt finds it claimed. */
  async attempt(messageId: string): Promise<void> {
    // An UPDATE answers [rows, count].
    const [claimed]: [unknown[], number] = await this.dataSource.query(
      `UPDATE webhook_message SET next_attempt_at = now() + $2 * interval '1 second'
        WHERE id = $1 AND status = 'PENDING' AND next_attempt_at <= now()
        RETURNING id`,
      [messageId, CLAIM_SECONDS],
    );
    if (claimed.length === 0) return;
    const manager = this.dataSource.manager;
    const message = await manager.getRepository(WebhookMessage).findOneBy({ id: messageId });
    const webhook = message && (await manager.getRepository(Webhook).findOneBy({ id: message.webhookId }));
    if (!message || !webhook) return;
    const at = new Date();
    if (!webhook.enabled && message.eventType !== WebhookEventType.WEBHOOK_TEST) {
      await this.record(
        message,
        webhook,
        at,
        {
          ok: false,
          httpStatus: null,
          durationMs: 0,
          error: 'Not sent: the webhook is disabled',
          responseHeaders: null,
          responseBody: null,
          retryAfterMs: null,
          gone: false,
        },
        true,
      );
      return;
    }
    const payload = message.payload ? (message.payload as unknown as WebhookPayload) : await this.buildPayload(message, webhook);
    const body = JSON.stringify(webhook.format === WebhookFormat.SLACK ? { text: slackText(payload) } : payload);
    const secrets = [webhook.secret];
    if (webhook.previousSecret && webhook.previousSecretUntil && webhook.previousSecretUntil > at) {
      secrets.push(webhook.previousSecret);
    }
    const id = webhookMessageId(message.id);
    const result = await sendAttempt(
      webhook.url,
      {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signatures(secrets, id, at, body),
      },
      body,
      this.config.webhookTargets,
    );
    if (!result.ok) log.debug(`Webhook ${webhook.id} message ${id}: ${result.error ?? `answered ${result.httpStatus}`}`);
    await this.record(message, webhook, at, result);
  }

  /** The payload, made once at the first attempt and kept, so every attempt sends the same body. */
  private async buildPayload(message: WebhookMessage, webhook: Webhook): Promise<WebhookPayload> {
    const manager = this.dataSource.manager;
    const event = await manager.getRepository(EventRecord).findOneByOrFail({ sequence: message.eventSequence! });
    const payload = await eventPayload(manager, this.baseUrl, message.eventType, event, webhook);
    await manager.query('UPDATE webhook_message SET payload = $2 WHERE id = $1', [message.id, JSON.stringify(payload)]);
    return payload;
  }

  /** Records the attempt and what follows from it, in one transaction. `final`: no attempt is to follow. */
  private async record(message: WebhookMessage, webhook: Webhook, at: Date, result: AttemptResult, final = false): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(WebhookAttempt).insert({
        messageId: message.id,
        at,
        httpStatus: result.httpStatus,
        durationMs: result.durationMs,
        error: result.error,
        responseHeaders: result.responseHeaders,
        responseBody: result.responseBody,
      });
      const [current]: { attempts_in_round: number; status: WebhookMessageStatus }[] = await manager.query(
        'SELECT attempts_in_round, status FROM webhook_message WHERE id = $1 FOR UPDATE',
        [message.id],
      );
      if (!current || current.status !== WebhookMessageStatus.PENDING) return;
      const attempts = current.attempts_in_round + 1;
      if (result.ok) {
        await manager.query(
          `UPDATE webhook_message SET status = 'SUCCEEDED', attempts_in_round = $2, last_attempt_at = $3, next_attempt_at = NULL
            WHERE id = $1`,
          [message.id, attempts, at],
        );
        await manager.query('UPDATE webhook SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL', [webhook.id]);
        return;
      }
      await manager.query('UPDATE webhook SET failing_since = coalesce(failing_since, $2) WHERE id = $1', [webhook.id, at]);
      const schedule = this.config.webhookRetryScheduleMs;
      if (!result.gone && !final && attempts < schedule.length) {
        const delay = Math.max(schedule[attempts], result.retryAfterMs ?? 0);
        const next = new Date(Date.now() + delay);
        await manager.query(
          'UPDATE webhook_message SET attempts_in_round = $2, last_attempt_at = $3, next_attempt_at = $4 WHERE id = $1',
          [message.id, attempts, at, next],
        );
        await this.jobs.send(manager, QUEUES.webhookMessage, { messageId: message.id }, { startAfter: next });
        return;
      }
      await manager.query(
        `UPDATE webhook_message SET status = 'FAILED', attempts_in_round = $2, last_attempt_at = $3, next_attempt_at = NULL
          WHERE id = $1`,
        [message.id, attempts, at],
      );
      if (result.gone) {
        await this.disable(manager, webhook.id, `The endpoint answered 410 Gone on ${at.toISOString()}`);
      } else {
        await this.disableIfFailingTooLong(manager, webhook.id);
      }
    });
  }

  /** Disables the endpoint when its messages have all failed for the configured period. */
  private async disableIfFailingTooLong(manager: EntityManager, webhookId: string): Promise<void> {
    const [failing]: { failing_since: Date }[] = await manager.query(
      `SELECT failing_since FROM webhook
        WHERE id = $1 AND enabled AND failing_since <= now() - $2 * interval '1 millisecond'`,
      [webhookId, this.config.webhookDisableAfterMs],
    );
    if (!failing) return;
    const period = describePeriod(this.config.webhookDisableAfterMs);
    await this.disable(
      manager,
      webhookId,
      `Every message failed for more than ${period} (failing since ${failing.failing_since.toISOString()})`,
    );
  }

  /** Disables an enabled endpoint, announcing it (webhook.disabled) and recording it in the audit. */
  async disable(manager: EntityManager, webhookId: string, reason: string): Promise<void> {
    const [[disabled]]: [{ id: string; description: string; tenant_ids: string[] | null }[], number] = await manager.query(
      `UPDATE webhook SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
        WHERE id = $1 AND enabled
        RETURNING id, description, tenant_ids`,
      [webhookId, reason],
    );
    if (!disabled) return;
    log.warn(`Webhook ${webhookId} disabled: ${reason}`);
    await this.audit.record(manager, Access.system(), {
      action: 'webhook.disable',
      subjectType: 'Webhook',
      subjectId: webhookId,
      tenantId: disabled.tenant_ids?.length === 1 ? disabled.tenant_ids[0] : null,
      reason,
      before: { enabled: true },
      after: { enabled: false, disabledReason: reason },
    });
    await this.events.append(manager, [
      {
        type: EventType.WEBHOOK_DISABLED,
        data: { webhook: { id: disabled.id, description: disabled.description }, reason },
      },
    ]);
  }

  /**
   * Runs every minute on one replica: drops messages older than the retention, queues again messages whose job
   * was lost, and disables endpoints that have been failing for too long.
   */
  async maintain(): Promise<void> {
    for (;;) {
      const removed: unknown[] = await this.dataSource.query(
        `WITH old AS (
           DELETE FROM webhook_message WHERE id IN (
             SELECT id FROM webhook_message
              WHERE created_at < now() - $1 * interval '1 millisecond' AND status <> 'PENDING'
              LIMIT $2)
           RETURNING id),
         attempts AS (DELETE FROM webhook_attempt WHERE message_id IN (SELECT id FROM old))
         SELECT id FROM old`,
        [this.config.webhookRetentionMs, MAINTENANCE_BATCH],
      );
      if (removed.length < MAINTENANCE_BATCH) break;
    }
    await this.dataSource.transaction(async (manager) => {
      const lost: { id: string }[] = await manager.query(
        `SELECT id FROM webhook_message
          WHERE status = 'PENDING' AND next_attempt_at < now() - $1 * interval '1 minute'
          LIMIT $2`,
        [LOST_AFTER_MINUTES, MAINTENANCE_BATCH],
      );
      await this.jobs.sendMany(
        manager,
        QUEUES.webhookMessage,
        lost.map(({ id }) => ({ messageId: id })),
      );
    });
    const failing: { id: string }[] = await this.dataSource.query(
      `SELECT w.id FROM webhook w
        WHERE w.enabled AND w.failing_since <= now() - $1 * interval '1 millisecond'
          AND EXISTS (SELECT 1 FROM webhook_message m
                       WHERE m.webhook_id = w.id AND m.status = 'FAILED' AND m.last_attempt_at >= w.failing_since)`,
      [this.config.webhookDisableAfterMs],
    );
    for (const { id } of failing) {
      await this.dataSource.transaction((manager) => this.disableIfFailingTooLong(manager, id));
    }
  }
}
