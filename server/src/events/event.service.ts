import { injectable } from 'tsyringe';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { EventRecord } from './event.entity';

export const EVENTS_CHANNEL = 'shiplog_events';

/** Any constant: the advisory lock that makes event sequence order equal commit order. */
const EVENT_ORDER_LOCK = 7_315_001;

export type EventType =
  | 'rollout.created'
  | 'rollout.started'
  | 'rollout.paused'
  | 'rollout.resumed'
  | 'rollout.waiting_for_promotion'
  | 'rollout.promoted'
  | 'rollout.succeeded'
  | 'rollout.failed'
  | 'rollout.aborted'
  | 'target.updated'
  | 'deployment.updated'
  | 'deployment.log'
  | 'deployment.verified';

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
   */
  async append(manager: EntityManager, events: EventInput[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query('SELECT pg_advisory_xact_lock($1)', [EVENT_ORDER_LOCK]);
    const rows = events.map((event) => ({
      type: event.type,
      tenantId: event.tenantId ?? null,
      rolloutId: event.rolloutId ?? null,
      targetId: event.targetId ?? null,
      deploymentId: event.deploymentId ?? null,
      data: event.data ?? {},
    }));
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(EventRecord)
      .values(rows as QueryDeepPartialEntity<EventRecord>[])
      .returning(['sequence'])
      .execute();
    const sequences = (result.raw as { sequence: string }[]).map((row) => row.sequence);
    await manager.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, sequences[sequences.length - 1]]);
  }
}
