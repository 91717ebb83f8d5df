import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Release } from '../release/release.entity';

export enum RolloutStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  WAITING_FOR_PROMOTION = 'WAITING_FOR_PROMOTION',
  PAUSED = 'PAUSED',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  ABORTED = 'ABORTED',
}
registerEnumType(RolloutStatus, { name: 'RolloutStatus' });

export enum FailurePolicy {
  PAUSE = 'PAUSE',
  ROLLBACK = 'ROLLBACK',
  CONTINUE = 'CONTINUE',
}
registerEnumType(FailurePolicy, {
  name: 'FailurePolicy',
  valuesConfig: {
    PAUSE: { description: 'Stop starting installations and wait for a person.' },
    ROLLBACK: { description: "Redeploy the failed installation's last known good artifacts." },
    CONTINUE: { description: 'Record the failure and go on.' },
  },
});

export enum PauseCause {
  FAILURE = 'FAILURE',
  PERSON = 'PERSON',
  ENGINE = 'ENGINE',
}
registerEnumType(PauseCause, {
  name: 'PauseCause',
  valuesConfig: {
    FAILURE: { description: 'An installation failed and the failure policy is PAUSE.' },
    PERSON: { description: 'Someone paused it.' },
    ENGINE: {
      description: 'Shiplog could not move it on: the step failed on every try (the server log says why). Resuming tries again.',
    },
  },
});

export const TERMINAL_ROLLOUT_STATUSES = [RolloutStatus.SUCCEEDED, RolloutStatus.FAILED, RolloutStatus.ABORTED];

@ObjectType({ description: 'The delivery of one locked release to a set of installations.' })
@Entity()
@Index(['status', 'createdAt'])
export class Rollout {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  releaseId: string;

  @ManyToOne(() => Release, { onDelete: 'RESTRICT' })
  @JoinColumn()
  release?: Relation<Release>;

  @Field(() => RolloutStatus)
  @Column({ type: 'text' })
  status: RolloutStatus;

  @Field(() => FailurePolicy)
  @Column({ type: 'text' })
  failurePolicy: FailurePolicy;

  @Field(() => Int, { description: 'At most this many installations deploy at once.' })
  @Column({ type: 'int' })
  maxParallel: number;

  @Field(() => Float, { nullable: true, description: 'The rollout fails when more than this percentage of targets failed.' })
  @Column({ type: 'double precision', nullable: true })
  errorBudgetPercent: number | null;

  @Field(() => Int, { description: 'The wave that runs or waits now, from 1.' })
  @Column({ type: 'int', default: 1 })
  currentWave: number;

  @Field(() => Int)
  @Column({ type: 'int' })
  waveCount: number;

  @Field(() => Int, { nullable: true, description: 'Promote the next wave by itself this many seconds after a wave ends.' })
  @Column({ type: 'int', nullable: true })
  promoteAfterSeconds: number | null;

  @Field()
  @Column({ type: 'text' })
  reason: string;

  @Field(() => PauseCause, { nullable: true, description: 'While PAUSED: whether a failure or a person paused it.' })
  @Column({ type: 'text', nullable: true })
  pausedBy: PauseCause | null;

  /** Why it is paused, failed or aborted: in the API through RolloutResolver.statusReason, which limits who reads it. */
  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  @Field()
  @Column({ type: 'text' })
  createdBy: string;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  /** Failures before this time have been seen by a person (the rollout was resumed since); later ones pause it. */
  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
