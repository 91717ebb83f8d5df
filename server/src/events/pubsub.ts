import type { PubSub } from 'type-graphql';

/**
 * TypeGraphQL wants a PubSub whenever a schema has subscriptions, but ours stream from the event log through
 * EventHub (every replica reads the same committed events), so an in-process topic bus would only let a
 * subscription miss what another replica committed. Using a topic is a programming error.
 */
export const noTopicsPubSub: PubSub = {
  publish(topic) {
    throw new Error(`Publish events with EventService.append, not to a topic ('${topic}')`);
  },
  subscribe(topic) {
    throw new Error(`Subscriptions stream from EventHub; topic '${topic}' is not served`);
  },
};
