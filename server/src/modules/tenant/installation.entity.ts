import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { EnvironmentTier } from '../tier/environment-tier.entity';
import { Tenant } from './tenant.entity';

export enum DeploymentDriver {
  SIMULATED = 'SIMULATED',
  WEBHOOK = 'WEBHOOK',
  MANUAL = 'MANUAL',
}

registerEnumType(DeploymentDriver, {
  name: 'DeploymentDriver',
  description: 'How Shiplog delivers an artifact to an installation.',
  valuesConfig: {
    SIMULATED: { description: 'Completes by itself after driverConfig.delayMs; fails the applications in driverConfig.fail.' },
    WEBHOOK: { description: 'Posts a signed request to driverConfig.url; the orchestrator reports progress back.' },
    MANUAL: { description: 'Waits for a person to mark each deployment done.' },
  },
});

@ObjectType({ description: 'One instance of the product for a tenant.' })
@Entity()
@Unique(['tenantId', 'slug'])
export class Installation {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  tenantId: string;

  @Field()
  @Column({ type: 'text' })
  slug: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Index()
  @Column({ type: 'uuid' })
  tierId: string;

  @ManyToOne(() => Tenant, { onDelete: 'RESTRICT' })
  @JoinColumn()
  tenant?: Relation<Tenant>;

  @ManyToOne(() => EnvironmentTier, { onDelete: 'RESTRICT' })
  @JoinColumn()
  tier?: Relation<EnvironmentTier>;

  /** Exposed as key/value pairs; the GIN index (created in the migration) serves label selectors. */
  @Index('installation_labels_gin', { synchronize: false })
  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels: Record<string, string>;

  @Field(() => DeploymentDriver)
  @Column({ type: 'text' })
  driver: DeploymentDriver;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  driverConfig: Record<string, unknown>;

  @Field({ description: 'Rollouts wait for an approval before deploying here.' })
  @Column({ type: 'boolean', default: false })
  requiresApproval: boolean;

  @Field({ description: 'A frozen installation is left out of every rollout.' })
  @Column({ type: 'boolean', default: false })
  frozen: boolean;

  @Field(() => Date, {
    nullable: true,
    description: 'When the installation was archived: it is left out of lists, selectors and rollouts. Null when active.',
  })
  @Column({ type: 'timestamptz', nullable: true })
  archivedAt: Date | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
