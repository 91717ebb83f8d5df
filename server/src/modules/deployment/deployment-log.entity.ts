import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Deployment } from './deployment.entity';

/** Log lines reported for a deployment, in the order they arrived. */
@Entity()
@Index(['deploymentId', 'id'])
export class DeploymentLogLine {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  deploymentId: string;

  @ManyToOne(() => Deployment, { onDelete: 'CASCADE' })
  @JoinColumn()
  deployment?: Relation<Deployment>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'text' })
  line: string;
}
