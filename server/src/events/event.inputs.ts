import { Field, ID, InputType } from 'type-graphql';
import { EventType } from './event.service';

@InputType({ description: 'Every part that is given must match.' })
export class EventFilter {
  @Field(() => [EventType], { nullable: true, description: 'Event types, e.g. DEPLOYMENT_UPDATED.' })
  types?: EventType[] | null;

  @Field(() => ID, {
    nullable: true,
    description: "A rollout's events, with the rollbacks of installations that take back a version it deployed.",
  })
  rolloutId?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: "Only these tenants' events, and events of whole rollouts that reach one of them.",
  })
  tenantSlugs?: string[] | null;
}
