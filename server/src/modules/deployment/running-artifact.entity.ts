import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { Installation } from '../tenant/installation.entity';
import { Deployment } from './deployment.entity';

/**
 * What runs where now: one row per installation and application, written in the same transaction as the
 * deployment that succeeded. It is the ledger's latest success, kept as a row so that "what runs where" and
 * "which components can be skipped" are single index look-ups across thousands of installations.
 */
@Entity()
export class RunningArtifact {
  @PrimaryColumn({ type: 'uuid' })
  installationId: string;

  @ManyToOne(() => Installation, { onDelete: 'CASCADE' })
  @JoinColumn()
  installation?: Relation<Installation>;

  @PrimaryColumn({ type: 'uuid' })
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

  @Column({ type: 'uuid' })
  deploymentId: string;

  @ManyToOne(() => Deployment, { onDelete: 'RESTRICT' })
  @JoinColumn()
  deployment?: Relation<Deployment>;

  @Column({ type: 'timestamptz' })
  since: Date;
}
