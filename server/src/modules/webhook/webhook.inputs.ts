import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { WebhookEventType } from './webhook-event-type';
import { WebhookMessage, WebhookMessageStatus } from './webhook-message.entity';
import { Webhook, WebhookFormat } from './webhook.entity';

@InputType()
export class CreateWebhookInput {
  @Field({ description: 'Where messages are POSTed: an http(s) URL the target policy allows.' })
  @MaxLength(2000, { message: 'url must be at most 2000 characters' })
  url: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500, { message: 'description must be at most 500 characters' })
  description?: string | null;

  @Field(() => [WebhookEventType], { nullable: true, description: 'The event types to send; empty or left out: every type.' })
  @IsOptional()
  @ArrayMaxSize(100)
  eventTypes?: WebhookEventType[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Send only events about these tenants; empty or left out: every tenant (for callers who see every tenant).',
  })
  @IsOptional()
  @ArrayMaxSize(1000)
  tenantSlugs?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  @IsOptional()
  enabled?: boolean | null;

  @Field(() => WebhookFormat, { nullable: true, description: 'Default STANDARD.' })
  @IsOptional()
  format?: WebhookFormat | null;
}

@InputType({ description: 'What to change; fields left out stay as they are.' })
export class UpdateWebhookInput {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000, { message: 'url must be at most 2000 characters' })
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500, { message: 'description must be at most 500 characters' })
  description?: string | null;

  @Field(() => [WebhookEventType], { nullable: true, description: 'Empty: every type.' })
  @IsOptional()
  @ArrayMaxSize(100)
  eventTypes?: WebhookEventType[] | null;

  @Field(() => [String], { nullable: true, description: 'Empty: every tenant (for callers who see every tenant).' })
  @IsOptional()
  @ArrayMaxSize(1000)
  tenantSlugs?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true re-enables an endpoint Shiplog disabled (its disabledReason is cleared).',
  })
  @IsOptional()
  enabled?: boolean | null;

  @Field(() => WebhookFormat, { nullable: true })
  @IsOptional()
  format?: WebhookFormat | null;
}

@InputType()
export class WebhookIdInput {
  @Field(() => ID)
  webhookId: string;
}

@InputType()
export class DeleteWebhookInput {
  @Field(() => ID)
  id: string;
}

@InputType()
export class RotateWebhookSecretInput {
  @Field(() => ID)
  id: string;
}

@InputType()
export class RedeliverWebhookMessageInput {
  @Field(() => ID)
  messageId: string;
}

@InputType()
export class ReplayWebhookInput {
  @Field(() => ID)
  webhookId: string;

  @Field({ description: 'Messages made at or after this time.' })
  since: Date;

  @Field(() => Date, { nullable: true, description: 'Messages made before this time; default now.' })
  @IsOptional()
  until?: Date | null;
}

@InputType()
export class WebhookFilter {
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  enabled?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only endpoints Shiplog disabled (410 Gone, or failing for too long), as the overview shows them.',
  })
  @IsOptional()
  disabledByShiplog?: boolean | null;
}

@InputType()
export class WebhookMessageFilter {
  @Field(() => WebhookMessageStatus, { nullable: true })
  @IsOptional()
  status?: WebhookMessageStatus | null;

  @Field(() => WebhookEventType, { nullable: true })
  @IsOptional()
  eventType?: WebhookEventType | null;
}

@ObjectType()
export class WebhookConnection extends Connection(Webhook) {}

@ObjectType()
export class WebhookMessageConnection extends Connection(WebhookMessage) {}

@ObjectType({ description: 'What replayWebhook queued again.' })
export class WebhookReplay {
  @Field(() => Webhook)
  webhook: Webhook;

  @Field(() => Int, { description: 'How many messages were queued again.' })
  queued: number;
}

/** The window recentDeliveries counts over. */
export const RECENT_DELIVERY_HOURS = 24;
/** At most this many of the newest messages of that window are counted, so a busy endpoint costs no more. */
export const RECENT_DELIVERY_MESSAGES = 1000;

@ObjectType({
  description: `How the endpoint has been doing: its messages of the last ${RECENT_DELIVERY_HOURS} hours (at most the newest ${RECENT_DELIVERY_MESSAGES}), by status.`,
})
export class WebhookDeliveryStats {
  @Field(() => Int)
  succeeded: number;

  @Field(() => Int)
  failed: number;

  @Field(() => Int, { description: 'Not delivered yet: waiting for their first attempt or a retry.' })
  pending: number;

  @Field(() => Date, {
    nullable: true,
    description: 'The last attempt to deliver any message (of any age); null when none was made.',
  })
  lastDeliveryAt: Date | null;
}
