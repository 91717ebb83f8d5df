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
import { WebhookMessage, WebhookMessageStatus, webhookMessageId } from './webhook-message.entity';
import { eventPayload, payloadData, slackText, type WebhookPayload } from './webhook-payload';
import { sendAttempt, signatures, type AttemptResult } from './webhook-sender';
import { Webhook, WebhookFormat } from './webhook.entity';
import { WebhookFanout } from './webhook-fanout';

/**
 * How long an attempt under way holds its message: longer than the request may take. A replica that dies
 * mid-attempt leaves the message to be taken up again after this, by whichever replica looks next.
 */
const CLAIM_SECONDS = 45;
/**
 * At most this many attempts under way at one endpoint (replicas claiming at the same moment may each take its
 * share): a slow or dead endpoint ties up this many slots, and the others' messages go past it.
 */
const PER_ENDPOINT = 8;
/** At most this many attempts under way in one replica, over all endpoints. */
const MAX_IN_FLIGHT = 32;
/**
 * How often each replica looks for due messages without being woken: an attempt a replica abandoned when it died,
 * a message held back by its endpoint's limit while another replica's attempts there were under way.
 */
const LOOK_AGAIN_MS = 5000;
/**
 * Deliveries yield to rollouts: while this replica's engine is busy (more than BUSY_ENGINE_BATCHES_PER_SECOND
 * batches of engine jobs started a second, over the last window, and BUSY_LINGER_MS after), it claims at most
 * BUSY_CLAIM messages every BUSY_PACE_MS instead of as soon as an attempt ends, and catches up once the rollout
 * calms down. A claim's messages are read in one statement and delivered ones recorded together; before that, a
 * delivery cost the database about what 25 of the engine's deployments do, and 8 a second cost the bench's rollout
 * 10–20 %. Now 2, 8 or 16 a second make no measurable difference (see `pnpm bench`; 87–94 % of the rate without
 * webhooks in every case, on a machine where raw PostgreSQL wrote 6,900 deployments a second).
 */
const ENGINE_QUEUES = [QUEUES.dispatch, QUEUES.advance, QUEUES.simulate, QUEUES.webhook];
const BUSY_WINDOW_MS = 250;
const BUSY_ENGINE_BATCHES_PER_SECOND = 4;
/** Once busy, the replica counts as busy this long after the last busy window (a rollout's pauses between stages). */
const BUSY_LINGER_MS = 2000;
const BUSY_PACE_MS = 1000;
const BUSY_CLAIM = 8;
const MAINTENANCE_BATCH = 5000;
/**
 * Delivered attempts are recorded together: in one transaction once this many are waiting, or RECORD_WAIT_MS after
 * the first. (A failed attempt is recorded by itself: what follows from it depends on its endpoint's state.)
 */
const RECORD_BATCH = 32;
const RECORD_WAIT_MS = 20;
/** Events whose payload data a replica keeps for their other endpoints' messages. */
const PAYLOADS_KEPT = 2000;

interface MessageRow {
  id: string;
  webhook_id: string;
  event_sequence: string | null;
  event_type: WebhookEventType;
  payload: WebhookPayload | null;
  url: string;
  enabled: boolean;
  format: WebhookFormat;
  tenant_ids: string[] | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
}

/** A delivered attempt waiting to be recorded (`settle`: called once its transaction ended, with its error if any). */
interface Delivered {
  messageId: string;
  webhookId: string;
  at: Date;
  result: AttemptResult;
  firstPayload: WebhookPayload | null;
  settle: (error?: Error) => void;
}

/**
 * Claims due messages fairly: for each endpoint, its oldest due messages up to what it has room for (PER_ENDPOINT
 * less its claims under way), then round by round over the endpoints (every endpoint's first, then every second…)
 * up to the replica's room ($2). Each endpoint's share is read from the index of its pending messages, so a large
 * backlog at one endpoint costs a few index entries per claim, not a scan. Messages another replica is claiming
 * at the same moment are skipped, not waited for.
 */
const CLAIM_DUE = `
  WITH due AS (
    SELECT picked.id, picked.round, picked.next_attempt_at
      FROM webhook w
      CROSS JOIN LATERAL (
        SELECT share.id, share.next_attempt_at, row_number() OVER (ORDER BY share.next_attempt_at) AS round
          FROM (SELECT m.id, m.next_attempt_at FROM webhook_message m
                 WHERE m.webhook_id = w.id AND m.status = 'PENDING' AND m.next_attempt_at <= now()
                 ORDER BY m.next_attempt_at
                 LIMIT greatest($1 - (SELECT count(*) FROM webhook_message c
                                       WHERE c.webhook_id = w.id AND c.claimed_until > now()), 0)
                 FOR UPDATE OF m SKIP LOCKED) share
      ) picked
     ORDER BY picked.round, picked.next_attempt_at
     LIMIT $2)
  UPDATE webhook_message m
     SET next_attempt_at = now() + $3 * interval '1 second', claimed_until = now() + $3 * interval '1 second'
    FROM due WHERE m.id = due.id
  RETURNING m.id`;

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
 * Sends outbound webhook messages, which the fan-out (WebhookFanout) makes from committed events. A pg-boss job
 * carrying a message's id wakes a replica (one per fan-out batch, and one for each retry when it is due); the
 * replica then claims due messages in the webhook_message table, a few per endpoint (CLAIM_DUE), and sends each by
 * itself, so a slow endpoint holds up only its own messages: the replica claims more as soon as any attempt ends,
 * up to MAX_IN_FLIGHT at once (fewer while its engine is busy). Each attempt is recorded with the next one scheduled
 * by the retry schedule, or the message ends SUCCEEDED or FAILED. A replica that dies mid-attempt leaves its claims
 * to run out; every replica looks for due messages every few seconds. Endpoints are disabled in the open: on 410
 * Gone, or when every message failed for SHIPLOG_WEBHOOK_DISABLE_AFTER, with a webhook.disabled event and an audit
 * record.
 */
@injectable()
export class WebhookDelivery {
  /** This replica's attempts under way, by message id. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Aborted on stop: the requests under way end, their messages are left to another replica. */
  private readonly abandon = new AbortController();
  private stopped = false;
  /** The claim under way, and whether another was asked for meanwhile. */
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  private lookAgain: NodeJS.Timeout | null = null;
  private paced: NodeJS.Timeout | null = null;
  private engineLoad = { batches: 0, at: Date.now(), busy: false, busyUntil: 0 };
  /** Delivered attempts waiting to be recorded together, and the timer that records them. */
  private readonly delivered: Delivered[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  /** What the payloads of recent events read, by event sequence, shared by the messages of one event. */
  private readonly payloads = new Map<string, Promise<{ event: EventRecord; data: Record<string, unknown> }>>();

  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    @inject(JOB_QUEUE) private readonly jobs: JobQueue,
    private readonly events: EventService,
    private readonly audit: AuditService,
    private readonly fanout: WebhookFanout,
  ) {}

  async start(): Promise<void> {
    // A batch of jobs is one claim: each says "something is due", and one claim takes what is due.
    await this.jobs.work(
      QUEUES.webhookMessage,
      async () => this.wake(),
      16,
      () => 'claim',
    );
    this.lookAgain = setInterval(() => this.wake(), LOOK_AGAIN_MS);
    this.lookAgain.unref();
    // Messages are made from committed events; whatever this replica writes, it starts claiming at once.
    await this.fanout.start(
      () => this.wake(),
      () => this.busy(),
    );
    this.wake();
    await this.jobs.work(QUEUES.webhookMaintenance, () => this.maintain(), 1);
    await this.jobs.schedule(QUEUES.webhookMaintenance, '* * * * *');
  }

  private get baseUrl(): string {
    return this.config.publicUrl ?? `http://localhost:${this.config.port}`;
  }

  /**
   * Stops claiming, abandons the requests under way (their messages are due again at once, for another replica;
   * nothing is recorded of them) and waits until every attempt has ended.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.lookAgain) clearInterval(this.lookAgain);
    if (this.paced) clearTimeout(this.paced);
    await this.fanout.stop();
    this.abandon.abort();
    await this.claiming?.catch(() => undefined);
    await Promise.all(this.inFlight.values());
  }

  /** Claims what is due now (or, while the replica is busy, shortly); a failure is retried at the next wake. */
  private wake(): void {
    if (this.stopped) return;
    if (this.busy()) {
      this.paced ??= setTimeout(() => {
        this.paced = null;
        this.claimNow();
      }, BUSY_PACE_MS);
      return;
    }
    this.claimNow();
  }

  private claimNow(): void {
    if (this.stopped) return;
    this.claimDue().catch((error: unknown) => log.warn('Could not claim due webhook messages', error));
  }

  /** Whether the engine was busy on this replica over the last window (looked at once a window at most). */
  private busy(): boolean {
    const now = Date.now();
    if (now - this.engineLoad.at >= BUSY_WINDOW_MS) {
      const batches = this.jobs.batchesStartedOf(ENGINE_QUEUES);
      const perSecond = ((batches - this.engineLoad.batches) * 1000) / (now - this.engineLoad.at);
      const busyUntil = perSecond > BUSY_ENGINE_BATCHES_PER_SECOND ? now + BUSY_LINGER_MS : this.engineLoad.busyUntil;
      this.engineLoad = { batches, at: now, busy: busyUntil > now, busyUntil };
    }
    return this.engineLoad.busy;
  }

  /**
   * Claims due messages and starts sending them; resolves when they are claimed, not sent. Asked while a claim
   * is under way, it claims once more after that one (whatever asked may have been committed after it looked).
   */
  claimDue(): Promise<void> {
    if (this.claiming) {
      this.claimAgain = true;
      return this.claiming;
    }
    const claiming = (async () => {
      try {
        do {
          this.claimAgain = false;
          await this.claimOnce();
        } while (this.claimAgain && !this.stopped && !this.busy());
      } finally {
        this.claiming = null;
      }
      // Asked again while busy: once this claim is over, so the next one is not folded into it and lost.
      if (this.claimAgain) this.wake();
    })();
    this.claiming = claiming;
    return claiming;
  }

  private async claimOnce(): Promise<void> {
    // While busy, a few new attempts per pace (claims still go round the endpoints, so a slow one cannot hold back
    // the others).
    const free = MAX_IN_FLIGHT - this.inFlight.size;
    const room = this.engineLoad.busy ? Math.min(free, BUSY_CLAIM) : free;
    if (this.stopped || room <= 0) return;
    // An UPDATE answers [rows, count].
    const [claimed]: [{ id: string }[], number] = await this.dataSource.query(CLAIM_DUE, [PER_ENDPOINT, room, CLAIM_SECONDS]);
    if (this.stopped) {
      await this.release(claimed.map(({ id }) => id));
      return;
    }
    if (claimed.length === 0) return;
    // The claimed messages and their endpoints in one read.
    const ids = claimed.map(({ id }) => id);
    const rows = this.dataSource
      .query<MessageRow[]>(
        `SELECT m.id, m.webhook_id, m.event_sequence, m.event_type, m.payload,
                w.url, w.enabled, w.format, w.tenant_ids, w.secret, w.previous_secret, w.previous_secret_until
           FROM webhook_message m JOIN webhook w ON w.id = m.webhook_id WHERE m.id = ANY($1)`,
        [ids],
      )
      .then((found) => new Map(found.map((row) => [row.id, row])));
    for (const id of ids) {
      const attempt = rows
        .then((found) => this.attempt(found.get(id)))
        .catch((error: unknown) =>
          log.warn(`Webhook message ${id}: the attempt failed; another is made when its claim runs out`, error),
        )
        .finally(() => {
          this.inFlight.delete(id);
          // Its endpoint has room again, and so has this replica.
          this.wake();
        });
      this.inFlight.set(id, attempt);
    }
  }

  /** Makes claimed messages due again now, for whichever replica looks next. */
  private async release(messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE webhook_message SET next_attempt_at = now(), claimed_until = NULL
        WHERE id = ANY($1) AND status = 'PENDING' AND claimed_until IS NOT NULL`,
      [messageIds],
    );
  }

  /** One attempt at a message this replica has claimed (`row`: the message and its endpoint; gone meanwhile when absent). */
  private async attempt(row: MessageRow | undefined): Promise<void> {
    if (!row) return;
    const message = {
      id: row.id,
      eventSequence: row.event_sequence,
      eventType: row.event_type,
      payload: row.payload,
    };
    const webhook = {
      id: row.webhook_id,
      url: row.url,
      enabled: row.enabled,
      format: row.format,
      tenantIds: row.tenant_ids,
      secret: row.secret,
      previousSecret: row.previous_secret,
      previousSecretUntil: row.previous_secret_until,
    };
    if (this.stopped) return this.release([row.id]);
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
    const payload = message.payload ?? (await this.buildPayload(message, webhook));
    // Kept with the first attempt's record, so every later attempt sends the same body.
    const firstPayload = message.payload ? null : payload;
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
      this.abandon.signal,
    );
    // Stopped mid-request: not the endpoint's failure, so not an attempt; the next replica sends it again.
    if (!result.ok && this.abandon.signal.aborted) return this.release([row.id]);
    if (!result.ok) log.debug(`Webhook ${webhook.id} message ${id}: ${result.error ?? `answered ${result.httpStatus}`}`);
    await this.record(message, webhook, at, result, false, firstPayload);
  }

  /**
   * The payload of a message's first attempt. The messages of one event to several endpoints share what is read
   * for it (`payloadParts`, by event); only the reason depends on the endpoint's tenants.
   */
  private async buildPayload(
    message: Pick<WebhookMessage, 'eventSequence' | 'eventType'>,
    webhook: Pick<Webhook, 'tenantIds'>,
  ): Promise<WebhookPayload> {
    const sequence = message.eventSequence!;
    let built = this.payloads.get(sequence);
    if (!built) {
      const manager = this.dataSource.manager;
      built = manager
        .getRepository(EventRecord)
        .findOneByOrFail({ sequence })
        .then(async (event) => ({ event, data: await payloadData(manager, this.baseUrl, message.eventType, event) }));
      this.payloads.set(sequence, built);
      if (this.payloads.size > PAYLOADS_KEPT) this.payloads.delete(this.payloads.keys().next().value!);
      built.catch(() => this.payloads.delete(sequence));
    }
    const { event, data } = await built;
    return eventPayload(message.eventType, event, data, webhook);
  }

  /**
   * Records the attempt and what follows from it, in one transaction. `final`: no attempt is to follow;
   * `firstPayload`: the body the first attempt sent, kept for the later ones.
   */
  private async record(
    message: Pick<WebhookMessage, 'id'>,
    webhook: Pick<Webhook, 'id'>,
    at: Date,
    result: AttemptResult,
    final = false,
    firstPayload: WebhookPayload | null = null,
  ): Promise<void> {
    if (result.ok) return this.recordDelivered({ messageId: message.id, webhookId: webhook.id, at, result, firstPayload });
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO webhook_attempt (message_id, at, http_status, duration_ms, error, response_headers, response_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          message.id,
          at,
          result.httpStatus,
          result.durationMs,
          result.error,
          result.responseHeaders === null ? null : JSON.stringify(result.responseHeaders),
          result.responseBody,
        ],
      );
      if (firstPayload) {
        await manager.query('UPDATE webhook_message SET payload = coalesce(payload, $2) WHERE id = $1', [
          message.id,
          JSON.stringify(firstPayload),
        ]);
      }
      const [current]: { attempts_in_round: number; status: WebhookMessageStatus }[] = await manager.query(
        'SELECT attempts_in_round, status FROM webhook_message WHERE id = $1 FOR UPDATE',
        [message.id],
      );
      if (!current || current.status !== WebhookMessageStatus.PENDING) return;
      const attempts = current.attempts_in_round + 1;
      if (result.ok) {
        await manager.query(
          `UPDATE webhook_message
              SET status = 'SUCCEEDED', attempts_in_round = $2, last_attempt_at = $3, next_attempt_at = NULL, claimed_until = NULL
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
          `UPDATE webhook_message SET attempts_in_round = $2, last_attempt_at = $3, next_attempt_at = $4, claimed_until = NULL
            WHERE id = $1`,
          [message.id, attempts, at, next],
        );
        await this.jobs.send(manager, QUEUES.webhookMessage, { messageId: message.id }, { startAfter: next });
        return;
      }
      await manager.query(
        `UPDATE webhook_message
            SET status = 'FAILED', attempts_in_round = $2, last_attempt_at = $3, next_attempt_at = NULL, claimed_until = NULL
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

  /** Records a delivered attempt with others (RECORD_BATCH); resolves once its transaction committed. */
  private recordDelivered(attempt: Omit<Delivered, 'settle'>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.delivered.push({ ...attempt, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.delivered.length >= RECORD_BATCH) this.flushDelivered();
      else this.flushTimer ??= setTimeout(() => this.flushDelivered(), RECORD_WAIT_MS);
    });
  }

  private flushDelivered(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.delivered.splice(0);
    if (batch.length === 0) return;
    this.recordDeliveredNow(batch).then(
      () => batch.forEach((attempt) => attempt.settle()),
      (error: unknown) =>
        batch.forEach((attempt) =>
          attempt.settle(error instanceof Error ? error : new Error(`Could not record attempts: ${String(error)}`)),
        ),
    );
  }

  /**
   * The attempts, and each message SUCCEEDED with its first payload kept (unless it ended meanwhile), and their
   * endpoints no longer failing: three statements for the batch.
   */
  private async recordDeliveredNow(batch: Delivered[]): Promise<void> {
    const rows = batch
      .map(({ messageId, at, result, firstPayload }) => ({
        message_id: messageId,
        at: at.toISOString(),
        http_status: result.httpStatus,
        duration_ms: result.durationMs,
        response_headers: result.responseHeaders,
        response_body: result.responseBody,
        payload: firstPayload,
      }))
      .sort((a, b) => a.message_id.localeCompare(b.message_id));
    const webhookIds = [...new Set(batch.map((attempt) => attempt.webhookId))].sort();
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO webhook_attempt (message_id, at, http_status, duration_ms, error, response_headers, response_body)
         SELECT message_id, at, http_status, duration_ms, NULL, response_headers, response_body
           FROM jsonb_to_recordset($1::jsonb)
             AS a(message_id uuid, at timestamptz, http_status int, duration_ms int, response_headers jsonb, response_body text)`,
        [JSON.stringify(rows)],
      );
      await manager.query(
        `UPDATE webhook_message m
            SET status = 'SUCCEEDED', payload = coalesce(m.payload, a.payload), attempts_in_round = m.attempts_in_round + 1,
                last_attempt_at = a.at, next_attempt_at = NULL, claimed_until = NULL
           FROM jsonb_to_recordset($1::jsonb) AS a(message_id uuid, at timestamptz, payload jsonb)
          WHERE m.id = a.message_id AND m.status = 'PENDING'`,
        [JSON.stringify(rows)],
      );
      // Endpoints locked in id order: another replica's batch may name the same ones.
      await manager.query(
        `UPDATE webhook SET failing_since = NULL
          WHERE id IN (SELECT id FROM webhook WHERE id = ANY($1) AND failing_since IS NOT NULL ORDER BY id FOR UPDATE)`,
        [webhookIds],
      );
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
   * Runs every minute on one replica: drops messages older than the retention and disables endpoints that have
   * been failing for too long. (A message whose job was lost needs nothing: every replica looks for due messages.)
   */
  async maintain(): Promise<void> {
    for (;;) {
      const removed: unknown[] = await this.dataSource.query(
        `WITH old AS (
           DELETE FROM webhook_message WHERE id IN (
             SELECT old.id FROM webhook w CROSS JOIN LATERAL (
               SELECT m.id FROM webhook_message m
                WHERE m.webhook_id = w.id AND m.created_at < now() - $1 * interval '1 millisecond' AND m.status <> 'PENDING'
                ORDER BY m.created_at LIMIT $2) old
              LIMIT $2)
           RETURNING id),
         attempts AS (DELETE FROM webhook_attempt WHERE message_id IN (SELECT id FROM old))
         SELECT id FROM old`,
        [this.config.webhookRetentionMs, MAINTENANCE_BATCH],
      );
      if (removed.length < MAINTENANCE_BATCH) break;
    }
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
