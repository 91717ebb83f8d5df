import { Field, ID, ObjectType } from 'type-graphql';
import { EventType } from './event.service';

@ObjectType({ description: 'A state change, in the order changes were committed.' })
export class Event {
  @Field(() => String, {
    description: 'Increases with every event (a 64-bit number, as a string); resume a subscription after it with afterSequence.',
  })
  sequence: string;

  @Field(() => EventType)
  type: EventType;

  @Field(() => Date)
  at: Date;

  @Field(() => ID, { nullable: true })
  tenantId: string | null;

  @Field(() => ID, { nullable: true })
  rolloutId: string | null;

  @Field(() => ID, { nullable: true })
  targetId: string | null;

  @Field(() => ID, { nullable: true })
  deploymentId: string | null;

  /** Details of the change, by type: in the API through EventResolver.data, which limits who reads what. */
  data: Record<string, unknown>;
}
