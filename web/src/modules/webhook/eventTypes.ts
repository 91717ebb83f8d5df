import type { WebhookEventType, WebhookMessageStatus } from '../../generated/graphql';

/** Every event type, in the order a person reads them; a Record so a type added to the schema is not forgotten. */
const EVENT_TYPES: Record<WebhookEventType, true> = {
  ROLLOUT_STARTED: true,
  ROLLOUT_WAVE_COMPLETED: true,
  ROLLOUT_WAITING_FOR_PROMOTION: true,
  ROLLOUT_PAUSED: true,
  ROLLOUT_SUCCEEDED: true,
  ROLLOUT_FAILED: true,
  ROLLOUT_ABORTED: true,
  TARGET_AWAITING_APPROVAL: true,
  TARGET_FAILED: true,
  DEPLOYMENT_SUCCEEDED: true,
  DEPLOYMENT_FAILED: true,
  DEPLOYMENT_VERIFIED: true,
  RELEASE_LOCKED: true,
  RELEASE_UNLOCKED: true,
  RELEASE_RESCINDED: true,
  ARTIFACT_REGISTERED: true,
  WEBHOOK_DISABLED: true,
  WEBHOOK_TEST: true,
};

export const WEBHOOK_EVENT_TYPES = Object.keys(EVENT_TYPES) as WebhookEventType[];

/** The dotted name receivers see in the payload's `type`, e.g. rollout.wave_completed. */
export function eventTypeName(type: WebhookEventType): string {
  return type.toLowerCase().replace('_', '.');
}

export const MESSAGE_STATUS_LABELS: Record<WebhookMessageStatus, string> = {
  PENDING: 'Pending',
  SUCCEEDED: 'Delivered',
  FAILED: 'Failed',
};

/** How a webhook is named on screen: its description, else its URL. */
export function webhookTitle(webhook: { description: string; url: string }): string {
  return webhook.description || webhook.url;
}
