import { inject, injectable } from 'tsyringe';
import type { EntityManager } from 'typeorm';
import { QUEUES, type JobQueue } from '../engine/job-queue';
import { eventVisibleSql } from '../auth/visibility';
import { webhookEventTypeOf } from '../modules/webhook/webhook-event-type';
import { JOB_QUEUE } from '../tokens';
import { EventType } from './event-type';

export { EventType };

export const EVENTS_CHANNEL = 'shiplog_events';

/** Any constant: the advisory lock that makes event sequence order equal commit order. */
const EVENT_ORDER_LOCK = 7_315_001;

export interface EventInput {
  type: EventType;
  tenantId?: string | null;
  rolloutId?: string | null;
  targetId?: string | null;
  deploymentId?: string | null;
  data?: Record<string, unknown>;
}

/**
 * The webhooks that receive an event: enabled, subscribed to its type (an empty list is every type), and allowed
 * to see it exactly as a subscriber limited to the webhook's tenants would be (auth/visibility.ts): an event about
 * one tenant goes to webhooks of that tenant, an event about a whole rollout to webhooks of a tenant the rollout
 * reaches, and an event about neither only to webhooks of every tenant.
 */
const WEBHOOK_RECEIVES = `w.enabled
  AND (cardinality(w.event_types) = 0 OR e.webhook_type = ANY(w.event_types))
  AND ${eventVisibleSql('e.tenant_id', 'e.rollout_id', 'w.tenant_ids')}`;

@injectable()
export class EventService {
  constructor(@inject(JOB_QUEUE) private readonly jobs: JobQueue) {}

  /**
   * Appends events inside the caller's transaction; call it as the last step before commit. The transaction
   * lock serialises appends, so sequences are assigned in commit order and a subscriber that resumes after
   * sequence N can never miss an event numbered below N. NOTIFY is transactional: a rolled-back transaction
   * notifies nobody.
   *
   * Lock, insert and notify are one statement: every appending transaction waits for the lock, so it is held
   * for one round trip and the commit, not three. The rows are drawn from a join with the lock's row, so no
   * sequence is drawn before the lock is held; the notification carries the last sequence appended.
   *
   * The same statement writes the outbound webhook messages the events make (one per event and receiving
   * webhook), so no event is committed without its messages nor a message without its event. Which webhooks
   * receive which event is read, and the jobs that send the messages queued, *before* that statement: every
   * appending transaction waits for the lock, so work done after the lock is taken (a pg-boss insert is a round
   * trip of its own) would hold back every other append; before it, transactions do it side by side. The jobs are
   * part of the same transaction, so no worker sees one before its message is committed.
   */
  async append(manager: EntityManager, events: EventInput[]): Promise<void> {
    if (events.length === 0) return;
    const tenantIds = events.map((event) => event.tenantId ?? null);
    const rolloutIds = events.map((event) => event.rolloutId ?? null);
    const webhookTypes = events.map((event) => webhookEventTypeOf(event));
    const receivers: { id: string; webhook_id: string; n: number }[] = webhookTypes.some((type) => type !== null)
      ? await manager.query(
          `SELECT gen_random_uuid() AS id, w.id AS webhook_id, e.n::int AS n
             FROM unnest($1::uuid[], $2::uuid[], $3::text[]) WITH ORDINALITY AS e(tenant_id, rollout_id, webhook_type, n)
             JOIN webhook w ON e.webhook_type IS NOT NULL AND ${WEBHOOK_RECEIVES}`,
          [tenantIds, rolloutIds, webhookTypes],
        )
      : [];
    await this.jobs.sendMany(
      manager,
      QUEUES.webhookMessage,
      receivers.map((receiver) => ({ messageId: receiver.id })),
    );
    await manager.query(
      `WITH ordered AS (SELECT pg_advisory_xact_lock($1)),
            input AS (
              SELECT * FROM unnest($3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[], $9::text[])
                WITH ORDINALITY AS e(type, tenant_id, rollout_id, target_id, deployment_id, data, webhook_type, n)),
            appended AS (
              INSERT INTO event_record (type, tenant_id, rollout_id, target_id, deployment_id, data)
              SELECT e.type, e.tenant_id, e.rollout_id, e.target_id, e.deployment_id, e.data::jsonb
                FROM ordered, input e
               ORDER BY e.n
              RETURNING sequence),
            numbered AS (SELECT sequence, row_number() OVER (ORDER BY sequence) AS n FROM appended),
            messages AS (
              INSERT INTO webhook_message (id, webhook_id, event_sequence, event_type)
              SELECT r.id, r.webhook_id, a.sequence, e.webhook_type
                FROM unnest($10::uuid[], $11::uuid[], $12::int[]) AS r(id, webhook_id, n)
                JOIN numbered a ON a.n = r.n
                JOIN input e ON e.n = r.n)
       SELECT pg_notify($2, max(sequence)::text) FROM appended`,
      [
        EVENT_ORDER_LOCK,
        EVENTS_CHANNEL,
        events.map((event) => event.type),
        tenantIds,
        rolloutIds,
        events.map((event) => event.targetId ?? null),
        events.map((event) => event.deploymentId ?? null),
        events.map((event) => JSON.stringify(event.data ?? {})),
        webhookTypes,
        receivers.map((receiver) => receiver.id),
        receivers.map((receiver) => receiver.webhook_id),
        receivers.map((receiver) => receiver.n),
      ],
    );
  }
}
