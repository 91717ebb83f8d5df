import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Deployment } from './deployment.entity';

export enum VerificationStatus {
  PASSED = 'PASSED',
  FAILED = 'FAILED',
}
registerEnumType(VerificationStatus, { name: 'VerificationStatus' });

@ObjectType({ description: 'An external check of a deployment, e.g. an end-to-end test run.' })
@Entity()
@Index(['deploymentId', 'at'])
export class Verification {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  deploymentId: string;

  @ManyToOne(() => Deployment, { onDelete: 'CASCADE' })
  @JoinColumn()
  deployment?: Relation<Deployment>;

  @Field(() => VerificationStatus)
  @Column({ type: 'text' })
  status: VerificationStatus;

  @Field({ description: 'What checked it, e.g. "jenkins e2e #5".' })
  @Column({ type: 'text' })
  source: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Field()
  @Column({ type: 'text' })
  recordedBy: string;

  @Field()
  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}
