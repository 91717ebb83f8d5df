import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../common/roles';

@ObjectType({ description: 'A person who signs in with a password.' })
@Entity({ name: 'app_user' })
export class User {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'text', unique: true })
  username: string;

  @Column({ type: 'text' })
  passwordHash: string;

  @Field(() => Role)
  @Column({ type: 'text' })
  role: Role;

  /** null: every tenant. */
  @Column({ type: 'uuid', array: true, nullable: true })
  tenantIds: string[] | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the user was disabled; a disabled user cannot sign in.' })
  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;
}
