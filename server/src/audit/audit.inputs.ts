import { Field, InputType } from 'type-graphql';

@InputType()
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: 'e.g. release.lock' })
  action?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. user:alice' })
  actor?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. Release' })
  subjectType?: string | null;

  @Field(() => String, { nullable: true })
  subjectId?: string | null;

  @Field(() => String, { nullable: true, description: 'The changes of one configuration apply.' })
  changeSetId?: string | null;

  @Field(() => Date, { nullable: true })
  since?: Date | null;

  @Field(() => Date, { nullable: true })
  until?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Text in the action, actor or subject id, or the slug or name of the tenant it concerns.',
  })
  search?: string | null;
}
