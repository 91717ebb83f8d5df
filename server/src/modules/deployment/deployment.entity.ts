import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { RolloutTarget } from '../rollout/rollout-target.entity';
import { Rollout } from '../rollout/rollout.entity';
import { Installation } from '../tenant/installation.entity';

export enum DeploymentStatus {
  QUEUED = 'QUEUED',
  IN_PROGRESS = 'IN_PROGRESS',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(DeploymentStatus, { name: 'DeploymentStatus' });

export const FINISHED_DEPLOYMENT_STATUSES = [
  DeploymentStatus.SUCCEEDED,
  DeploymentStatus.FAILED,
  DeploymentStatus.SKIPPED,
  DeploymentStatus.CANCELLED,
];

export enum DeploymentKind {
  ROLLOUT = 'ROLLOUT',
  ROLLBACK = 'ROLLBACK',
}
registerEnumType(DeploymentKind, { name: 'DeploymentKind' });

/** The ledger: one artifact delivered to one installation. */
@ObjectType({ description: 'One artifact delivered to one installation: a row of the ledger.' })
@Entity()
@Index(['installationId', 'applicationId', 'queuedAt'])
@Index(['rolloutId', 'targetId', 'stage'])
@Index(['status', 'queuedAt'])
// Deployments per day (deploymentStats) reads finished deployments by finish time.
@Index(['finishedAt'], { where: `status IN ('SUCCEEDED', 'FAILED')` })
// The engine's first invariant, held by the database too: one first attempt per (rollout target, application).
@Index('deployment_first_attempt', ['targetId', 'applicationId'], { unique: true, where: `kind = 'ROLLOUT' AND attempt = 1` })
export class Deployment {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  installationId: string;

  @ManyToOne(() => Installation, { onDelete: 'RESTRICT' })
  @JoinColumn()
  installation?: Relation<Installation>;

  @Index()
  @Column({ type: 'uuid' })
  tenantId: string;

  @Column({ type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => Application, { onDelete: 'RESTRICT' })
  @JoinColumn()
  application?: Relation<Application>;

  @Index()
  @Column({ type: 'uuid' })
  artifactId: string;

  @ManyToOne(() => Artifact, { onDelete: 'RESTRICT' })
  @JoinColumn()
  artifact?: Relation<Artifact>;

  @Column({ type: 'uuid', nullable: true })
  rolloutId: string | null;

  @ManyToOne(() => Rollout, { onDelete: 'RESTRICT' })
  @JoinColumn()
  rollout?: Relation<Rollout>;

  @Column({ type: 'uuid', nullable: true })
  targetId: string | null;

  @ManyToOne(() => RolloutTarget, { onDelete: 'RESTRICT' })
  @JoinColumn()
  target?: Relation<RolloutTarget>;

  @Field(() => Int, { description: '1 for the first attempt; a retry of a failed deployment is the next attempt.' })
  @Column({ type: 'int', default: 1 })
  attempt: number;

  /** The deployment this one retries (kind ROLLOUT) or rolls back (kind ROLLBACK); null for a first attempt. */
  @Index('deployment_retries', { unique: true, where: `kind = 'ROLLOUT' AND previous_deployment_id IS NOT NULL` })
  @Column({ type: 'uuid', nullable: true })
  previousDeploymentId: string | null;

  @ManyToOne(() => Deployment, { onDelete: 'RESTRICT' })
  @JoinColumn()
  previousDeployment?: Relation<Deployment>;

  /**
   * For a rollback of an installation (kind ROLLBACK outside any rollout): the rollout whose deployment it takes
   * back, so that rollout's followers hear of it. No foreign key: it only steers events.
   */
  @Column({ type: 'uuid', nullable: true })
  undoesRolloutId: string | null;

  /** When it was handed to its driver: set once per deployment (attempt), so a repeated job hands nothing over twice. */
  @Column({ type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'The release stage it belongs to.' })
  @Column({ type: 'int', nullable: true })
  stage: number | null;

  @Field(() => DeploymentKind)
  @Column({ type: 'text', default: DeploymentKind.ROLLOUT })
  kind: DeploymentKind;

  @Field(() => DeploymentStatus)
  @Column({ type: 'text' })
  status: DeploymentStatus;

  @Field({ description: 'Why it was deployed.' })
  @Column({ type: 'text' })
  reason: string;

  @Field({ description: 'Who or what started it (user:…, token:… or system).' })
  @Column({ type: 'text' })
  triggeredBy: string;

  @Field(() => String, { nullable: true, description: 'The last message reported.' })
  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Field(() => String, { nullable: true, description: "The driver run's page, e.g. a Jenkins build." })
  @Column({ type: 'text', nullable: true })
  externalUrl: string | null;

  @Field()
  @Column({ type: 'timestamptz', default: () => 'now()' })
  queuedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
