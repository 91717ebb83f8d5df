import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@ObjectType({ description: 'A customer organisation.' })
@Entity()
export class Tenant {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'text', unique: true })
  slug: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  /** Exposed as key/value pairs; the GIN index (created in the migration) serves label selectors. */
  @Index('tenant_labels_gin', { synchronize: false })
  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels: Record<string, string>;

  @Field(() => [String], { description: 'People to contact about this tenant (names or e-mail addresses).' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  contacts: string[];

  @Field({ description: 'A blocked tenant is left out of every rollout.' })
  @Column({ type: 'boolean', default: false })
  blocked: boolean;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the tenant was archived: it and its installations are left out of lists, selectors and rollouts. Null when active.',
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
