import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { Installation } from '../tenant/installation.entity';
import { Rollout } from './rollout.entity';

export enum TargetStatus {
  PENDING = 'PENDING',
  AWAITING_APPROVAL = 'AWAITING_APPROVAL',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
  ROLLED_BACK = 'ROLLED_BACK',
  CANCELLED = 'CANCELLED',
  REJECTED = 'REJECTED',
  /** Left out of a paused rollout by a person (after failing, or before starting), with the reason. */
  EXCLUDED = 'EXCLUDED',
}
registerEnumType(TargetStatus, { name: 'RolloutTargetStatus' });

export const FINISHED_TARGET_STATUSES = [
  TargetStatus.SUCCEEDED,
  TargetStatus.FAILED,
  TargetStatus.SKIPPED,
  TargetStatus.ROLLED_BACK,
  TargetStatus.CANCELLED,
  TargetStatus.REJECTED,
  TargetStatus.EXCLUDED,
];

@ObjectType({ description: 'One installation of a rollout.' })
@Entity()
@Unique(['rolloutId', 'installationId'])
@Index(['rolloutId', 'wave', 'position'])
@Index('rollout_target_by_status', ['rolloutId', 'status', 'wave', 'position'])
export class RolloutTarget {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  rolloutId: string;

  @ManyToOne(() => Rollout, { onDelete: 'CASCADE' })
  @JoinColumn()
  rollout?: Relation<Rollout>;

  @Index()
  @Column({ type: 'uuid' })
  installationId: string;

  @ManyToOne(() => Installation, { onDelete: 'RESTRICT' })
  @JoinColumn()
  installation?: Relation<Installation>;

  /** Denormalised for tenant-scoped reads and event authorization. */
  @Index()
  @Column({ type: 'uuid' })
  tenantId: string;

  @Field(() => Int)
  @Column({ type: 'int' })
  wave: number;

  /** Order within the wave. */
  @Column({ type: 'int' })
  position: number;

  @Field(() => TargetStatus)
  @Column({ type: 'text' })
  status: TargetStatus;

  @Field(() => Int, { nullable: true, description: 'The stage deploying now, or the last one reached.' })
  @Column({ type: 'int', nullable: true })
  currentStage: number | null;

  /** application id → artifact id running when the target started: what a rollback returns to. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  baseline: Record<string, string>;

  /** True while the target is being rolled back. */
  @Column({ type: 'boolean', default: false })
  rollingBack: boolean;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  approvedBy: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected, failed, cancelled or excluded.' })
  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
