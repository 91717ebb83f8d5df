import { inject, injectable } from 'tsyringe';
import { DataSource } from 'typeorm';
import { eventVisibleSql } from '../../auth/visibility';
import { ChannelListener } from '../../db/listener';
import { JobQueue, QUEUES } from '../../engine/job-queue';
import { EVENTS_CHANNEL } from '../../events/event.service';
import { log } from '../../log';
import { JOB_QUEUE } from '../../tokens';
import { WEBHOOK_TYPE_MAPPING } from './webhook-event-type';

/** Events read per statement. */
const BATCH = 1000;
/** Looks for events even without a notification, in case one was lost. */
const POLL_MS = 2000;
/**
 * Notifications that arrive while a round runs fold into one more round this long after it: under a busy rollout
 * (thousands of commits a second) the fan-out reads the log in batches instead of once per commit. While the
 * replica's engine is busy, rounds are further apart (fewer, larger batches; the messages wait for the rollout's
 * pace anyway).
 */
const PACE_MS = 100;
const BUSY_PACE_MS = 500;
/** Other replicas are woken by a job at most this often (each also looks for due messages every few seconds). */
const WAKE_JOB_MS = 1000;

/**
 * The webhooks that receive an event: enabled, created by the time of the event, subscribed to its type (an empty
 * list is every type), and allowed to see it exactly as a subscriber limited to the webhook's tenants would be
 * (auth/visibility.ts): an event about one tenant goes to webhooks of that tenant, an event about a whole rollout
 * to webhooks of a tenant the rollout reaches, and an event about neither only to webhooks of every tenant.
 */
const RECEIVES = `w.enabled AND w.created_at <= e.at
  AND (cardinality(w.event_types) = 0 OR e.webhook_type = ANY(w.event_types))
  AND ${eventVisibleSql('e.tenant_id', 'e.rollout_id', 'w.tenant_ids')}`;

/**
 * Turns committed events into outbound webhook messages: the event log is the outbox. One statement, on one replica
 * at a time (the cursor row is taken with SKIP LOCKED), reads the events after the cursor, writes a message per
 * event and receiving webhook, and moves the cursor past them; so every committed event is considered exactly once,
 * rolled-back work never is, and the transactions that append events do no webhook work at all (appending costs
 * the same with webhooks as without). Event sequences follow commit order, so the cursor never passes an event
 * that commits later. With no enabled webhook, the cursor just moves to the newest event.
 */
@injectable()
export class WebhookFanout {
  private listener: ChannelListener | null = null;
  private poll: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private onMessages: () => void = () => undefined;
  private busy: () => boolean = () => false;
  private lastWakeJob = 0;

  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(JOB_QUEUE) private readonly jobs: JobQueue,
  ) {}

  /**
   * Fans out on every commit notification and every POLL_MS; `onMessages` runs after messages were written, `busy`
   * says whether the replica's engine is busy.
   */
  async start(onMessages: () => void, busy: () => boolean = () => false): Promise<void> {
    this.onMessages = onMessages;
    this.busy = busy;
    this.listener = new ChannelListener(this.dataSource, 'shiplog-webhook-fanout', EVENTS_CHANNEL, {
      onNotification: () => this.wake(),
      onReady: () => this.wake(),
    });
    await this.listener.start();
    this.poll = setInterval(() => this.wake(), POLL_MS);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    await this.listener?.stop();
    await this.running;
  }

  private wake(): void {
    if (this.stopped) return;
    void this.run();
  }

  /** Fans out until no event is left; calls while it runs fold into one more round. Resolves when it is done. */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          if (this.again) await new Promise((resolve) => setTimeout(resolve, this.busy() ? BUSY_PACE_MS : PACE_MS));
          this.again = false;
          let step: { events: number; messages: number };
          do {
            step = await this.fanOutBatch();
            if (step.messages > 0) this.onMessages();
          } while (step.events === BATCH && !this.stopped);
        } while (this.again && !this.stopped);
      } catch (error) {
        if (!this.stopped) log.warn('Could not turn events into webhook messages; trying again shortly', error);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** One batch: how many events it read (0 also when another replica holds the cursor) and messages it wrote. */
  private fanOutBatch(): Promise<{ events: number; messages: number }> {
    return this.dataSource.transaction(async (manager) => {
      // No webhook to send to: the cursor moves to the newest event without reading any.
      // An UPDATE answers [rows, count].
      const [moved]: [{ moved: boolean }[], number] = await manager.query(
        `WITH cursor AS (SELECT sequence FROM webhook_fanout WHERE id = 1 FOR UPDATE SKIP LOCKED)
         UPDATE webhook_fanout f SET sequence = greatest(f.sequence, (SELECT coalesce(max(sequence), 0) FROM event_record))
           FROM cursor WHERE f.id = 1 AND NOT EXISTS (SELECT 1 FROM webhook WHERE enabled)
         RETURNING true AS moved`,
      );
      if (moved.length > 0) return { events: 0, messages: 0 };
      const [row]: { events: number; messages: number; first: string | null }[] = await manager.query(
        `WITH cursor AS (SELECT sequence FROM webhook_fanout WHERE id = 1 FOR UPDATE SKIP LOCKED),
            batch AS (
              SELECT ev.* FROM event_record ev WHERE ev.sequence > (SELECT sequence FROM cursor) ORDER BY ev.sequence LIMIT $1),
            mapped AS (
              SELECT b.sequence, b.tenant_id, b.rollout_id, b.at, m.webhook_type
                FROM batch b
                JOIN unnest($2::text[], $3::text[], $4::text[]) AS m(type, status, webhook_type)
                  ON m.type = b.type AND (m.status IS NULL OR m.status = b.data->>'status')),
            written AS (
              INSERT INTO webhook_message (id, webhook_id, event_sequence, event_type)
              SELECT gen_random_uuid(), w.id, e.sequence, e.webhook_type
                FROM mapped e JOIN webhook w ON ${RECEIVES}
               ORDER BY e.sequence
              RETURNING id),
            moved AS (
              UPDATE webhook_fanout SET sequence = (SELECT max(sequence) FROM batch)
               WHERE id = 1 AND EXISTS (SELECT 1 FROM batch))
       SELECT (SELECT count(*) FROM batch)::int AS events, (SELECT count(*) FROM written)::int AS messages,
              (SELECT id FROM written LIMIT 1) AS first`,
        [
          BATCH,
          WEBHOOK_TYPE_MAPPING.map((m) => m.type),
          WEBHOOK_TYPE_MAPPING.map((m) => m.status),
          WEBHOOK_TYPE_MAPPING.map((m) => m.webhookType),
        ],
      );
      // Other replicas claim too: a job wakes one of them (each also looks every few seconds).
      if (row.first && Date.now() - this.lastWakeJob >= WAKE_JOB_MS) {
        this.lastWakeJob = Date.now();
        await this.jobs.send(manager, QUEUES.webhookMessage, { messageId: row.first });
      }
      return { events: row.events, messages: row.messages };
    });
  }
}
