import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../common/roles';

@ObjectType({ description: 'A token for integrators; only its hash is kept.' })
@Entity()
export class ApiToken {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Field(() => Role)
  @Column({ type: 'text' })
  role: Role;

  /** null: every tenant. */
  @Column({ type: 'uuid', array: true, nullable: true })
  tenantIds: string[] | null;

  /** SHA-256 of the token: the token itself has 256 random bits, so a fast hash is enough. */
  @Column({ type: 'text', unique: true })
  tokenHash: string;

  @Field({ description: 'The first characters of the token, to recognise it.' })
  @Column({ type: 'text' })
  prefix: string;

  @Field()
  @Column({ type: 'text' })
  createdBy: string;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
