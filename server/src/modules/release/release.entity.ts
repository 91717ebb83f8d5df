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
import { ReleaseTrack } from './release-track.entity';

export enum ReleaseStatus {
  DRAFT = 'DRAFT',
  LOCKED = 'LOCKED',
  ON_HOLD = 'ON_HOLD',
  RESCINDED = 'RESCINDED',
}

registerEnumType(ReleaseStatus, {
  name: 'ReleaseStatus',
  valuesConfig: {
    DRAFT: { description: 'Components and instructions are editable.' },
    LOCKED: { description: 'Requirements are locked; the release is ready to roll out and nothing is editable.' },
    ON_HOLD: { description: 'Unlocked after it was (partly) deployed: no new rollouts; locking it again resumes it.' },
    RESCINDED: { description: 'Withdrawn: no new rollouts.' },
  },
});

export enum ArtifactSelection {
  NONE = 'NONE',
  PARTIAL = 'PARTIAL',
  ALL = 'ALL',
}

registerEnumType(ArtifactSelection, {
  name: 'ArtifactSelection',
  description: 'How many of the release components have an artifact chosen.',
});

@ObjectType({ description: 'One version of a release track.' })
@Entity()
@Unique(['trackId', 'version'])
@Index(['trackId', 'sortKey', 'id'])
export class Release {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  trackId: string;

  @ManyToOne(() => ReleaseTrack, { onDelete: 'RESTRICT' })
  @JoinColumn()
  track?: Relation<ReleaseTrack>;

  @Field()
  @Column({ type: 'text' })
  version: string;

  /** Semantic-version order as byte order; see versionSortKey. */
  @Column({ type: 'text', collation: 'C' })
  sortKey: string;

  @Field(() => ReleaseStatus)
  @Column({ type: 'text', default: ReleaseStatus.DRAFT })
  status: ReleaseStatus;

  @Field({ description: 'Release notes and instructions, in Markdown.' })
  @Column({ type: 'text', default: '' })
  instructions: string;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lockedAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When it was first locked; unlocking keeps it. Only a release never locked can be deleted.',
  })
  @Column({ type: 'timestamptz', nullable: true })
  firstLockedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Who locked the requirements (user:… or token:…).' })
  @Column({ type: 'text', nullable: true })
  lockedBy: string | null;

  @Field(() => String, { nullable: true, description: 'The reason given for the last unlock or rescind.' })
  @Column({ type: 'text', nullable: true })
  statusReason: string | null;

  @Field()
  @Column({ type: 'text' })
  createdBy: string;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
