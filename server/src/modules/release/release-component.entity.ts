import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { Release } from './release.entity';

@ObjectType({ description: 'One application of a release: which artifact, in which stage, with what instructions.' })
@Entity()
@Unique(['releaseId', 'applicationId'])
export class ReleaseComponent {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  releaseId: string;

  @Index()
  @Column({ type: 'uuid' })
  applicationId: string;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  artifactId: string | null;

  @ManyToOne(() => Release, { onDelete: 'CASCADE' })
  @JoinColumn()
  release?: Relation<Release>;

  @ManyToOne(() => Application, { onDelete: 'RESTRICT' })
  @JoinColumn()
  application?: Relation<Application>;

  @ManyToOne(() => Artifact, { onDelete: 'RESTRICT' })
  @JoinColumn()
  artifact?: Relation<Artifact>;

  @Field(() => Int, { description: 'Stages deploy in order, 1 first.' })
  @Column({ type: 'int' })
  stage: number;

  @Field({ description: 'Instructions for this component, in Markdown.' })
  @Column({ type: 'text', default: '' })
  instructions: string;
}
