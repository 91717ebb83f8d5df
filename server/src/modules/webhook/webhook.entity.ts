import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { WebhookEventType } from './webhook-event-type';

export enum WebhookFormat {
  /** Standard Webhooks: `{type, timestamp, data}`, signed. */
  STANDARD = 'STANDARD',
  /** A readable `{text}` for a Slack-compatible incoming-webhook URL. */
  SLACK = 'SLACK',
}
registerEnumType(WebhookFormat, { name: 'WebhookFormat', description: 'The body each message is sent as.' });

@ObjectType({ description: 'An outbound subscription to events, signed per the Standard Webhooks specification.' })
@Entity()
export class Webhook {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Where messages are POSTed; may carry credentials (Slack URLs do), so it is shown only to its admins. */
  @Field()
  @Column({ type: 'text' })
  url: string;

  @Field()
  @Column({ type: 'text', default: '' })
  description: string;

  /** Empty: every type. */
  @Field(() => [WebhookEventType], { description: 'The event types sent; empty means every type.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  eventTypes: WebhookEventType[];

  /** null: every tenant. */
  @Column({ type: 'uuid', array: true, nullable: true })
  tenantIds: string[] | null;

  @Field()
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Why Shiplog disabled the endpoint (410 Gone, or every message failing); null when a person did.',
  })
  @Column({ type: 'text', nullable: true })
  disabledReason: string | null;

  @Field(() => WebhookFormat)
  @Column({ type: 'text', default: WebhookFormat.STANDARD })
  format: WebhookFormat;

  /** `whsec_` + base64 of the key; write-only (signing needs the key itself, so it cannot be hashed). */
  @Column({ type: 'text' })
  secret: string;

  /** The secret before the last rotation, still signing alongside the new one until previousSecretUntil. */
  @Column({ type: 'text', nullable: true })
  previousSecret: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  previousSecretUntil: Date | null;

  /** The first failed attempt since the last delivered message; null while deliveries succeed. */
  @Field(() => Date, { nullable: true, description: 'Failing since: the first failed attempt after the last success.' })
  @Column({ type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the endpoint was last disabled, by a person or by Shiplog.' })
  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Field()
  @Column({ type: 'text' })
  createdBy: string;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** The secret, only in the answer of the mutation that made it (createWebhook, rotateWebhookSecret). */
  @Field(() => String, {
    name: 'secret',
    nullable: true,
    description: 'The signing secret (whsec_…): only in the answer to createWebhook and rotateWebhookSecret, null elsewhere.',
  })
  revealedSecret?: string | null;
}
