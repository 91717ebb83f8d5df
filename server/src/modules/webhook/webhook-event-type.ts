import { registerEnumType } from 'type-graphql';
import { EventType } from '../../events/event-type';

/**
 * What an outbound webhook can report, by the dotted name its payload's `type` carries; in GraphQL the enum's
 * names (ROLLOUT_STARTED for rollout.started). The one place that says which event of the log becomes which
 * webhook message (webhookEventTypeOf).
 */
export enum WebhookEventType {
  ROLLOUT_STARTED = 'rollout.started',
  ROLLOUT_WAVE_COMPLETED = 'rollout.wave_completed',
  ROLLOUT_WAITING_FOR_PROMOTION = 'rollout.waiting_for_promotion',
  ROLLOUT_PAUSED = 'rollout.paused',
  ROLLOUT_SUCCEEDED = 'rollout.succeeded',
  ROLLOUT_FAILED = 'rollout.failed',
  ROLLOUT_ABORTED = 'rollout.aborted',
  TARGET_AWAITING_APPROVAL = 'target.awaiting_approval',
  TARGET_FAILED = 'target.failed',
  DEPLOYMENT_SUCCEEDED = 'deployment.succeeded',
  DEPLOYMENT_FAILED = 'deployment.failed',
  DEPLOYMENT_VERIFIED = 'deployment.verified',
  RELEASE_LOCKED = 'release.locked',
  RELEASE_UNLOCKED = 'release.unlocked',
  RELEASE_RESCINDED = 'release.rescinded',
  ARTIFACT_REGISTERED = 'artifact.registered',
  WEBHOOK_TEST = 'webhook.test',
  WEBHOOK_DISABLED = 'webhook.disabled',
}
registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: 'What an outbound webhook reports; its payload names it by the dotted form (rollout.started).',
});

/** Event types that report a change as a whole, whatever its data says. */
const DIRECT: Partial<Record<EventType, WebhookEventType>> = {
  [EventType.ROLLOUT_STARTED]: WebhookEventType.ROLLOUT_STARTED,
  [EventType.ROLLOUT_WAVE_COMPLETED]: WebhookEventType.ROLLOUT_WAVE_COMPLETED,
  [EventType.ROLLOUT_WAITING_FOR_PROMOTION]: WebhookEventType.ROLLOUT_WAITING_FOR_PROMOTION,
  [EventType.ROLLOUT_PAUSED]: WebhookEventType.ROLLOUT_PAUSED,
  [EventType.ROLLOUT_SUCCEEDED]: WebhookEventType.ROLLOUT_SUCCEEDED,
  [EventType.ROLLOUT_FAILED]: WebhookEventType.ROLLOUT_FAILED,
  [EventType.ROLLOUT_ABORTED]: WebhookEventType.ROLLOUT_ABORTED,
  [EventType.DEPLOYMENT_VERIFIED]: WebhookEventType.DEPLOYMENT_VERIFIED,
  [EventType.RELEASE_LOCKED]: WebhookEventType.RELEASE_LOCKED,
  [EventType.RELEASE_UNLOCKED]: WebhookEventType.RELEASE_UNLOCKED,
  [EventType.RELEASE_RESCINDED]: WebhookEventType.RELEASE_RESCINDED,
  [EventType.ARTIFACT_REGISTERED]: WebhookEventType.ARTIFACT_REGISTERED,
  [EventType.WEBHOOK_DISABLED]: WebhookEventType.WEBHOOK_DISABLED,
};

/** Status updates that are worth a message, by the status they reached. */
const BY_STATUS: Partial<Record<EventType, Record<string, WebhookEventType>>> = {
  [EventType.TARGET_UPDATED]: {
    AWAITING_APPROVAL: WebhookEventType.TARGET_AWAITING_APPROVAL,
    FAILED: WebhookEventType.TARGET_FAILED,
  },
  [EventType.DEPLOYMENT_UPDATED]: {
    SUCCEEDED: WebhookEventType.DEPLOYMENT_SUCCEEDED,
    FAILED: WebhookEventType.DEPLOYMENT_FAILED,
  },
};

/** The webhook message an event of the log makes, or null when it makes none (progress, log lines). */
export function webhookEventTypeOf(event: { type: EventType; data?: Record<string, unknown> }): WebhookEventType | null {
  const direct = DIRECT[event.type];
  if (direct) return direct;
  const status = event.data?.status;
  return (typeof status === 'string' && BY_STATUS[event.type]?.[status]) || null;
}

/** Every webhook event type by its dotted name. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = Object.values(WebhookEventType);

/**
 * webhookEventTypeOf as rows, for SQL that maps stored events in bulk: an event of `type` (whose data's status is
 * `status`, when given) makes a `webhookType` message.
 */
export const WEBHOOK_TYPE_MAPPING: readonly { type: EventType; status: string | null; webhookType: WebhookEventType }[] = [
  ...Object.entries(DIRECT).map(([type, webhookType]) => ({ type: type as EventType, status: null, webhookType })),
  ...Object.entries(BY_STATUS).flatMap(([type, byStatus]) =>
    Object.entries(byStatus).map(([status, webhookType]) => ({ type: type as EventType, status, webhookType })),
  ),
];
