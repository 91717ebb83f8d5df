import { Field, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A person saw an item of "Needs attention" and took it off the list for everyone. Kept as history (one row per
 * acknowledgement); the latest one counts, and only until the item occurs again after it.
 */
@ObjectType({ description: 'Who took an item off "Needs attention", and when.' })
@Entity()
@Index('IDX_attention_acknowledgement_item', ['itemKey', 'acknowledgedAt'])
export class AttentionAcknowledgement {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_attention_acknowledgement' })
  id: string;

  /** `installation:<id>` or `rollout:<id>`. */
  @Field({ name: 'key', description: 'The item acknowledged: installation:<id> or rollout:<id>.' })
  @Column({ type: 'text' })
  itemKey: string;

  /** The installation's tenant; null for a rollout, which may reach several. */
  @Column({ type: 'uuid', nullable: true })
  tenantId: string | null;

  @Field()
  @Column({ type: 'text' })
  acknowledgedBy: string;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  acknowledgedAt: Date;
}
