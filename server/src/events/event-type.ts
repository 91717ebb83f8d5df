import { registerEnumType } from 'type-graphql';

/**
 * Every kind of event, stored and sent in payloads by its dotted name; in GraphQL the enum's names
 * (ROLLOUT_STARTED for rollout.started).
 */
export enum EventType {
  ROLLOUT_CREATED = 'rollout.created',
  ROLLOUT_STARTED = 'rollout.started',
  ROLLOUT_PAUSED = 'rollout.paused',
  ROLLOUT_RESUMED = 'rollout.resumed',
  ROLLOUT_WAITING_FOR_PROMOTION = 'rollout.waiting_for_promotion',
  ROLLOUT_PROMOTED = 'rollout.promoted',
  ROLLOUT_SUCCEEDED = 'rollout.succeeded',
  ROLLOUT_FAILED = 'rollout.failed',
  ROLLOUT_ABORTED = 'rollout.aborted',
  TARGET_UPDATED = 'target.updated',
  DEPLOYMENT_UPDATED = 'deployment.updated',
  DEPLOYMENT_LOG = 'deployment.log',
  DEPLOYMENT_VERIFIED = 'deployment.verified',
  ROLLOUT_WAVE_COMPLETED = 'rollout.wave_completed',
  RELEASE_LOCKED = 'release.locked',
  RELEASE_UNLOCKED = 'release.unlocked',
  RELEASE_RESCINDED = 'release.rescinded',
  ARTIFACT_REGISTERED = 'artifact.registered',
  WEBHOOK_DISABLED = 'webhook.disabled',
}
registerEnumType(EventType, { name: 'EventType', description: 'What an event reports; its dotted name is Event.typeName.' });
