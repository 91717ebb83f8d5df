import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: 'A stage of the pipeline (dev, qa, staging, prod), ordered by rank.' })
@Entity()
export class EnvironmentTier {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'text', unique: true })
  name: string;

  @Field(() => Int, { description: 'Lower ranks come first in the pipeline.' })
  @Column({ type: 'int', unique: true })
  rank: number;

  @Field(() => [String], { description: 'Tiers a release must have succeeded on before it may roll out to this one.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  requiredTiers: string[];

  @Field({ description: 'Whether success on the required tiers must also have passed verification.' })
  @Column({ type: 'boolean', default: false })
  requireVerification: boolean;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
