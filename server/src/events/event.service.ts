import { injectable } from 'tsyringe';
import type { EntityManager } from 'typeorm';
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

@injectable()
export class EventService {
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
   * Outbound webhook messages are not written here: the webhook fan-out reads committed events after the fact
   * (modules/webhook/webhook-fanout.ts), so appending costs the same with webhooks as without.
   */
  async append(manager: EntityManager, events: EventInput[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `WITH ordered AS (SELECT pg_advisory_xact_lock($1)),
            appended AS (
              INSERT INTO event_record (type, tenant_id, rollout_id, target_id, deployment_id, data)
              SELECT e.type, e.tenant_id, e.rollout_id, e.target_id, e.deployment_id, e.data::jsonb
                FROM ordered,
                     unnest($3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[]) WITH ORDINALITY
                       AS e(type, tenant_id, rollout_id, target_id, deployment_id, data, n)
               ORDER BY e.n
              RETURNING sequence)
       SELECT pg_notify($2, max(sequence)::text) FROM appended`,
      [
        EVENT_ORDER_LOCK,
        EVENTS_CHANNEL,
        events.map((event) => event.type),
        events.map((event) => event.tenantId ?? null),
        events.map((event) => event.rolloutId ?? null),
        events.map((event) => event.targetId ?? null),
        events.map((event) => event.deploymentId ?? null),
        events.map((event) => JSON.stringify(event.data ?? {})),
      ],
    );
  }
}
