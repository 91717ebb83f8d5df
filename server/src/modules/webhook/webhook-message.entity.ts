import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookEventType } from './webhook-event-type';

export enum WebhookMessageStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookMessageStatus, { name: 'WebhookMessageStatus' });

/** One event for one webhook: the delivery log's row, sent until an attempt succeeds or the schedule is spent. */
@ObjectType({ description: 'One message to one webhook, with its delivery attempts.' })
@Entity()
// Every index costs the fan-out a write per message: the delivery log and the retention read the first, claims the
// other two.
@Index('IDX_webhook_message_webhook', ['webhookId', 'createdAt', 'id'])
@Index('IDX_webhook_message_pending', ['webhookId', 'nextAttemptAt'], { where: "status = 'PENDING'" })
@Index('IDX_webhook_message_claimed', ['webhookId'], { where: 'claimed_until IS NOT NULL' })
export class WebhookMessage {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  webhookId: string;

  /** The event of the log it reports; null for a test message. */
  @Column({ type: 'bigint', nullable: true })
  eventSequence: string | null;

  @Field(() => WebhookEventType)
  @Column({ type: 'text' })
  eventType: WebhookEventType;

  @Field(() => WebhookMessageStatus)
  @Column({ type: 'text', default: WebhookMessageStatus.PENDING })
  status: WebhookMessageStatus;

  /** `{type, timestamp, data}`, made at the first attempt and sent unchanged on every later one. */
  @Column({ type: 'jsonb', nullable: true })
  payload: Record<string, unknown> | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** Attempts made since the message was (re)queued, counted against the retry schedule. */
  @Column({ type: 'int', default: 0 })
  attemptsInRound: number;

  /** When the next attempt is due; while an attempt is under way, when it may be taken over by another replica. */
  @Column({ type: 'timestamptz', nullable: true, default: () => 'now()' })
  nextAttemptAt: Date | null;

  /**
   * While an attempt is under way, until when its replica holds the message (the same time as nextAttemptAt);
   * null otherwise. Counts the attempts under way at each endpoint.
   */
  @Column({ type: 'timestamptz', nullable: true })
  claimedUntil: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Field({ description: 'The webhook-id header: the same on every attempt and redelivery of this message.' })
  get webhookMessageId(): string {
    return webhookMessageId(this.id);
  }
}

export function webhookMessageId(id: string): string {
  return `msg_${id.replace(/-/g, '')}`;
}

@ObjectType({ description: 'One attempt to deliver a message.' })
@Entity()
@Index('IDX_webhook_attempt_message', ['messageId', 'id'])
export class WebhookAttempt {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  messageId: string;

  @Field()
  @Column({ type: 'timestamptz' })
  at: Date;

  @Field(() => Int, { nullable: true, description: 'The answer’s status; null when there was no answer.' })
  @Column({ type: 'int', nullable: true })
  httpStatus: number | null;

  @Field(() => Int)
  @Column({ type: 'int' })
  durationMs: number;

  @Field(() => String, { nullable: true, description: 'Why there was no answer (timeout, refused, network error).' })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The answer’s headers (name → value).' })
  @Column({ type: 'jsonb', nullable: true })
  responseHeaders: Record<string, string> | null;

  @Field(() => String, { nullable: true, description: 'The first 2 KB of the answer’s body.' })
  @Column({ type: 'text', nullable: true })
  responseBody: string | null;
}
