import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: 'An immutable record of one change.' })
@Entity()
@Index(['subjectType', 'subjectId'])
@Index(['tenantId', 'id'])
export class AuditEvent {
  /** bigint: the order of the log. Kept as a string, as pg returns it. */
  @Field(() => ID)
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Field()
  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Field({ description: 'Who made the change (user:…, token:… or system).' })
  @Column({ type: 'text' })
  actor: string;

  @Field({ description: 'What was done, e.g. release.lock.' })
  @Index()
  @Column({ type: 'text' })
  action: string;

  @Field({ description: 'The kind of object changed, e.g. Release.' })
  @Column({ type: 'text' })
  subjectType: string;

  @Field()
  @Column({ type: 'text' })
  subjectId: string;

  @Column({ type: 'uuid', nullable: true })
  tenantId: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Field(() => ID, { nullable: true, description: 'The changes applied together (one configuration apply) share this id.' })
  @Index('IDX_audit_event_change_set', { synchronize: false })
  @Column({ type: 'uuid', nullable: true })
  changeSetId: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The subject before the change.' })
  @Column({ type: 'jsonb', nullable: true })
  before: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The subject after the change.' })
  @Column({ type: 'jsonb', nullable: true })
  after: unknown;
}
