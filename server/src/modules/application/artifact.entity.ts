import { Field, ID, ObjectType } from 'type-graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { Application } from './application.entity';

@ObjectType({ description: 'An immutable build of an application.' })
@Entity()
@Unique(['applicationId', 'version'])
@Index(['applicationId', 'createdAt'])
export class Artifact {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => Application, { onDelete: 'RESTRICT' })
  @JoinColumn()
  application?: Relation<Application>;

  @Field()
  @Column({ type: 'text' })
  version: string;

  /** Semantic-version order as byte order; see versionSortKey. */
  @Column({ type: 'text', collation: 'C' })
  sortKey: string;

  @Field({ description: 'Image or package reference, e.g. registry/app:1.2.3.' })
  @Column({ type: 'text' })
  imageRef: string;

  @Field(() => String, { nullable: true, description: 'Content digest, e.g. sha256:…' })
  @Column({ type: 'text', nullable: true })
  digest: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  commitSha: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  buildUrl: string | null;

  @Field({ description: 'Who registered it (user:… or token:…).' })
  @Column({ type: 'text' })
  registeredBy: string;

  /** Millisecond precision, so the time survives a page cursor unchanged. */
  @Field()
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
