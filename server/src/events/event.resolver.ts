import { GraphQLError } from 'graphql';
import { injectable } from 'tsyringe';
import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { DataSource } from 'typeorm';
import type { Context } from '../graphql/context';
import { createLoaders, type Loaders } from '../graphql/loaders';
import { Deployment } from '../modules/deployment/deployment.entity';
import { RolloutTarget } from '../modules/rollout/rollout-target.entity';
import { Rollout } from '../modules/rollout/rollout.entity';
import { SlowSubscriberError } from './event-hub';
import type { EventRecord } from './event.entity';
import { EventFilter } from './event.inputs';
import { EventStreamService } from './event-stream.service';
import { Event } from './event.types';
import { GraphQLJSON } from 'graphql-scalars';
import { eventDataFor } from '../auth/visibility';
import { SequenceScalar } from './sequence.scalar';

interface EventsArgs {
  afterSequence?: string | null;
  filter?: EventFilter | null;
}

interface RolloutEventsArgs {
  rolloutId: string;
  afterSequence?: string | null;
}

const AFTER_SEQUENCE = {
  nullable: true,
  // Checked once when the subscription starts, not again for every event.
  validate: false,
  description: 'Replay every event after this sequence first (the last one you received), then continue live.',
} as const;

/**
 * Loaders made on first use: most subscriptions select no field that needs one, and making the whole set for
 * every event of every subscriber is work (and garbage) for nothing.
 */
function lazyLoaders(dataSource: DataSource, access: Context['access']): Loaders {
  let loaders: Loaders | null = null;
  return new Proxy({} as Loaders, {
    get: (_target, name): unknown => Reflect.get((loaders ??= createLoaders(dataSource, access)), name),
  });
}

/**
 * One subscription runs many executions on one context: each event gets fresh loaders, so nothing read for an
 * earlier event is served stale. A subscriber too slow to keep up is told where to resume.
 */
function perEvent(source: AsyncIterableIterator<EventRecord>, context: Context): AsyncIterableIterator<EventRecord> {
  const dataSource = context.container.resolve(DataSource);
  const delivered = (result: IteratorResult<EventRecord>) => {
    if (!result.done) context.loaders = lazyLoaders(dataSource, context.access);
    return result;
  };
  const failed = (error: unknown): never => {
    if (error instanceof SlowSubscriberError) {
      throw new GraphQLError(error.message, { extensions: { code: 'SLOW_SUBSCRIBER', lastSequence: error.lastSequence } });
    }
    throw error;
  };
  return {
    // Not async: every event of every subscriber passes here, and each await is one more turn of the queue.
    next: () => source.next().then(delivered, failed),
    return: () => source.return!(),
    throw: (error?: unknown) => source.throw!(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

@injectable()
@Resolver(() => Event)
export class EventResolver {
  @Subscription(() => Event, {
    description: 'Every event the caller may see, in sequence order.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, EventsArgs, Context>) =>
      perEvent(
        await context.container.resolve(EventStreamService).events(context.access, args.afterSequence, args.filter),
        context,
      ),
  })
  events(
    @Root() event: EventRecord,
    @Arg('afterSequence', () => SequenceScalar, AFTER_SEQUENCE) _afterSequence?: string | null,
    @Arg('filter', () => EventFilter, { nullable: true, validate: false }) _filter?: EventFilter | null,
  ): Event {
    return event;
  }

  @Subscription(() => Event, {
    description:
      'The events of one rollout, in sequence order, and those of rollbacks of installations that take back a version it deployed (their data.undoesRolloutId names it).',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, RolloutEventsArgs, Context>) =>
      perEvent(
        await context.container.resolve(EventStreamService).rolloutEvents(context.access, args.rolloutId, args.afterSequence),
        context,
      ),
  })
  rolloutEvents(
    @Root() event: EventRecord,
    @Arg('rolloutId', () => ID, { validate: false }) _rolloutId: string,
    @Arg('afterSequence', () => SequenceScalar, AFTER_SEQUENCE) _afterSequence?: string | null,
  ): Event {
    return event;
  }

  @FieldResolver(() => String, { description: 'The type as a dotted name, e.g. rollout.started, as outbound payloads name it.' })
  typeName(@Root() event: EventRecord): string {
    return event.type;
  }

  @FieldResolver(() => GraphQLJSON, { description: 'Details of the change, by type.' })
  data(@Root() event: EventRecord, @Ctx() { access }: Context): Record<string, unknown> {
    return eventDataFor(access, event);
  }

  @FieldResolver(() => Rollout, { nullable: true })
  rollout(@Root() event: Event, @Ctx() { loaders }: Context) {
    return event.rolloutId ? loaders.rollout.load(event.rolloutId) : null;
  }

  @FieldResolver(() => RolloutTarget, { nullable: true })
  async target(@Root() event: Event, @Ctx() { loaders, access }: Context) {
    if (!event.targetId) return null;
    const target = await loaders.rolloutTarget.load(event.targetId);
    return target && access.canSeeTenant(target.tenantId) ? target : null;
  }

  @FieldResolver(() => Deployment, { nullable: true })
  async deployment(@Root() event: Event, @Ctx() { loaders, access }: Context) {
    if (!event.deploymentId) return null;
    const deployment = await loaders.deployment.load(event.deploymentId);
    return deployment && access.canSeeTenant(deployment.tenantId) ? deployment : null;
  }
}
