import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { EventType } from './event.service';

/**
 * The event log: every state change of the engine appends a row in the same transaction, and the sequence
 * orders them, so a subscriber that reconnects resumes exactly where it left off.
 */
@Entity()
@Index(['rolloutId', 'sequence'])
// An expression index of the migration RollbackUndoesRollout: a rollout's events include its rollbacks' events.
@Index('event_record_undoes_rollout', { synchronize: false })
export class EventRecord {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  sequence: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'text' })
  type: EventType;

  /** Null for events that concern no tenant (e.g. a rollout as a whole). */
  @Column({ type: 'uuid', nullable: true })
  tenantId: string | null;

  @Column({ type: 'uuid', nullable: true })
  rolloutId: string | null;

  @Column({ type: 'uuid', nullable: true })
  targetId: string | null;

  @Column({ type: 'uuid', nullable: true })
  deploymentId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;
}
