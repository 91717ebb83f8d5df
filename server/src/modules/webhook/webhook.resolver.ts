import { injectable } from 'tsyringe';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { LIST_FIRST_DESCRIPTION, listLimit, MAX_LIST_ITEMS, PageArgs } from '../../common/pagination';
import type { Context } from '../../graphql/context';
import {
  CreateWebhookInput,
  DeleteWebhookInput,
  RedeliverWebhookMessageInput,
  ReplayWebhookInput,
  RotateWebhookSecretInput,
  UpdateWebhookInput,
  WebhookConnection,
  WebhookDeliveryStats,
  WebhookFilter,
  WebhookIdInput,
  WebhookMessageConnection,
  WebhookMessageFilter,
  WebhookReplay,
} from './webhook.inputs';
import { WebhookAttempt, WebhookMessage } from './webhook-message.entity';
import { Webhook } from './webhook.entity';
import { WebhookService } from './webhook.service';

@injectable()
@Resolver(() => Webhook)
export class WebhookResolver {
  constructor(private readonly service: WebhookService) {}

  @Query(() => Webhook, { nullable: true, description: 'A webhook you administer.' })
  webhook(@Ctx() { access }: Context, @Arg('id', () => ID) id: string) {
    return this.service.find(access, id);
  }

  @Query(() => WebhookConnection, { description: 'The webhooks you administer, newest first.' })
  webhooks(
    @Ctx() { access }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => WebhookFilter, { nullable: true }) filter?: WebhookFilter,
  ) {
    return this.service.list(access, page, filter);
  }

  @Mutation(() => Webhook, { description: 'Answers the signing secret, this once.' })
  createWebhook(@Ctx() { access }: Context, @Arg('input', () => CreateWebhookInput) input: CreateWebhookInput) {
    return this.service.create(access, input);
  }

  @Mutation(() => Webhook)
  updateWebhook(@Ctx() { access }: Context, @Arg('input', () => UpdateWebhookInput) input: UpdateWebhookInput) {
    return this.service.update(access, input);
  }

  @Mutation(() => Webhook, {
    description: 'Answers the new secret, this once; the old one keeps signing alongside it for 24 hours.',
  })
  rotateWebhookSecret(@Ctx() { access }: Context, @Arg('input', () => RotateWebhookSecretInput) input: RotateWebhookSecretInput) {
    return this.service.rotateSecret(access, input);
  }

  @Mutation(() => ID, { description: 'Deletes the webhook and its delivery log; answers its id.' })
  deleteWebhook(@Ctx() { access }: Context, @Arg('input', () => DeleteWebhookInput) input: DeleteWebhookInput) {
    return this.service.delete(access, input);
  }

  @Mutation(() => WebhookMessage, { description: 'Sends the message again now, under the same webhook-id.' })
  redeliverWebhookMessage(
    @Ctx() { access }: Context,
    @Arg('input', () => RedeliverWebhookMessageInput) input: RedeliverWebhookMessageInput,
  ) {
    return this.service.redeliver(access, input);
  }

  @Mutation(() => WebhookReplay, { description: 'Queues every message of the webhook made in [since, until) again.' })
  replayWebhook(@Ctx() { access }: Context, @Arg('input', () => ReplayWebhookInput) input: ReplayWebhookInput) {
    return this.service.replay(access, input);
  }

  @Mutation(() => WebhookMessage, { description: 'Sends a webhook.test message to the webhook now.' })
  testWebhook(@Ctx() { access }: Context, @Arg('input', () => WebhookIdInput) input: WebhookIdInput) {
    return this.service.test(access, input);
  }

  @FieldResolver(() => [String], { description: 'The tenants whose events are sent; empty means every tenant.' })
  tenantSlugs(@Root() webhook: Webhook, @Ctx() { loaders }: Context) {
    return this.service.tenantSlugs(webhook, (id) => loaders.tenant.load(id));
  }

  @FieldResolver(() => WebhookDeliveryStats, {
    description: 'Its messages of the last 24 hours by status, and its last delivery attempt: for a list of endpoints.',
  })
  recentDeliveries(@Root() webhook: Webhook, @Ctx() context: Context) {
    return context.loaders.webhookDeliveries.load(webhook.id);
  }

  @FieldResolver(() => WebhookMessageConnection, { description: 'The delivery log, newest first.' })
  messages(
    @Root() webhook: Webhook,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => WebhookMessageFilter, { nullable: true }) filter?: WebhookMessageFilter,
  ) {
    return this.service.messages(webhook, page, filter);
  }
}

/** Attempts listed per message unless more are asked for: the default retry schedule has 8. */
const DEFAULT_ATTEMPTS = 20;

@injectable()
@Resolver(() => WebhookMessage)
export class WebhookMessageResolver {
  constructor(private readonly service: WebhookService) {}

  @FieldResolver(() => [WebhookAttempt], {
    description: 'Oldest first; by default the first 20 (a message has one per scheduled retry and redelivery).',
  })
  attempts(
    @Root() message: WebhookMessage,
    @Ctx() context: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: DEFAULT_ATTEMPTS, description: LIST_FIRST_DESCRIPTION })
    first?: number | null,
  ) {
    return context.loaders.webhookAttempts(listLimit(first, MAX_LIST_ITEMS)).load(message.id);
  }
}
