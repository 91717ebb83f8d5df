import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Every part that is given must match.' })
export class EventFilter {
  @Field(() => [String], { nullable: true, description: 'Event types, e.g. deployment.updated.' })
  types?: string[] | null;

  @Field(() => ID, { nullable: true })
  rolloutId?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: "Only these tenants' events, and events of whole rollouts that reach one of them.",
  })
  tenantSlugs?: string[] | null;
}
