import { inject, injectable } from 'tsyringe';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Access, Principal } from '../../auth/access';
import { badInput, forbidden, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import { paginate, type PageArgs } from '../../common/pagination';
import { Role } from '../../common/roles';
import type { Config } from '../../config';
import { refuseUrl } from '../../engine/drivers/target-policy';
import { JobQueue, QUEUES } from '../../engine/job-queue';
import { CONFIG, JOB_QUEUE } from '../../tokens';
import { Tenant } from '../tenant/tenant.entity';
import { WebhookEventType } from './webhook-event-type';
import type {
  CreateWebhookInput,
  DeleteWebhookInput,
  RedeliverWebhookMessageInput,
  ReplayWebhookInput,
  RotateWebhookSecretInput,
  UpdateWebhookInput,
  WebhookFilter,
  WebhookIdInput,
  WebhookMessageFilter,
} from './webhook.inputs';
import { RECENT_DELIVERY_HOURS, RECENT_DELIVERY_MESSAGES, WebhookDeliveryStats } from './webhook.inputs';
import { WebhookAttempt, WebhookMessage, WebhookMessageStatus } from './webhook-message.entity';
import { testPayload } from './webhook-payload';
import { newWebhookSecret } from './webhook-sender';
import { Webhook, WebhookFormat } from './webhook.entity';

/** The old secret keeps signing alongside the new one this long after a rotation. */
const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** The most messages one replay queues again. */
const MAX_REPLAY = 100_000;

/** A URL for the audit log: scheme and host only (Slack-style URLs carry their secret in the path). */
function auditUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '(not a URL)';
  }
}

/** What the audit log keeps of a webhook: never its secret, nor more of its URL than the host. */
function auditView(webhook: Webhook) {
  return {
    url: auditUrl(webhook.url),
    description: webhook.description,
    eventTypes: webhook.eventTypes,
    tenantIds: webhook.tenantIds,
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    format: webhook.format,
  };
}

@injectable()
export class WebhookService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    @inject(JOB_QUEUE) private readonly jobs: JobQueue,
    private readonly audit: AuditService,
  ) {}

  /** A webhook the caller administers: every one for an admin of every tenant, else those within its tenants. */
  private visible(principal: Principal, webhook: Webhook | null): webhook is Webhook {
    if (!webhook) return false;
    if (principal.tenantIds === null) return true;
    const scope = principal.tenantIds;
    return webhook.tenantIds !== null && webhook.tenantIds.every((id) => scope.includes(id));
  }

  async find(access: Access, id: string): Promise<Webhook | null> {
    const principal = access.require(Role.ADMIN);
    if (!isId(id)) return null;
    const webhook = await this.dataSource.getRepository(Webhook).findOneBy({ id });
    return this.visible(principal, webhook) ? webhook : null;
  }

  private async require(manager: EntityManager, principal: Principal, id: string, lock = false): Promise<Webhook> {
    const webhook = isId(id)
      ? await manager.getRepository(Webhook).findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' } } : {}) })
      : null;
    if (!this.visible(principal, webhook)) throw notFound('Webhook', id);
    return webhook;
  }

  /** Newest first. */
  async list(access: Access, args: PageArgs, filter: WebhookFilter | null | undefined) {
    const principal = access.require(Role.ADMIN);
    const query = this.dataSource.getRepository(Webhook).createQueryBuilder('w');
    if (principal.tenantIds !== null) {
      query.andWhere('w.tenant_ids IS NOT NULL AND w.tenant_ids <@ :scope::uuid[]', { scope: principal.tenantIds });
    }
    if (filter?.enabled !== null && filter?.enabled !== undefined)
      query.andWhere('w.enabled = :enabled', { enabled: filter.enabled });
    if (filter?.disabledByShiplog === true) query.andWhere('NOT w.enabled AND w.disabled_reason IS NOT NULL');
    if (filter?.disabledByShiplog === false) query.andWhere('(w.enabled OR w.disabled_reason IS NULL)');
    return paginate(
      query,
      args,
      [
        { expression: 'w.created_at', direction: 'DESC', value: (row) => row.createdAt },
        { expression: 'w.id', direction: 'DESC', value: (row) => row.id },
      ],
      this.config.maxPageSize,
    );
  }

  /** Tenant ids for the slugs, each one the caller may see; null (every tenant) for none, which needs every tenant. */
  private async tenantIdsFor(manager: EntityManager, access: Access, slugs: string[] | null | undefined) {
    const principal = access.require(Role.ADMIN);
    if (!slugs || slugs.length === 0) {
      if (principal.tenantIds !== null) {
        throw forbidden('You are limited to some tenants, so a webhook you create must name them in tenantSlugs');
      }
      return null;
    }
    const tenants = await manager.getRepository(Tenant).findBy({ slug: In(slugs) });
    const visible = new Map(tenants.filter((tenant) => access.canSeeTenant(tenant.id)).map((tenant) => [tenant.slug, tenant.id]));
    const missing = slugs.find((slug) => !visible.has(slug));
    if (missing !== undefined) throw notFound('Tenant', missing);
    return [...new Set(slugs.map((slug) => visible.get(slug)!))];
  }

  private checkUrl(url: string): string {
    const refusal = refuseUrl(this.config.webhookTargets, url.trim());
    if (refusal) throw badInput(`url: ${refusal}`);
    return url.trim();
  }

  async create(access: Access, input: CreateWebhookInput): Promise<Webhook> {
    access.require(Role.ADMIN);
    const url = this.checkUrl(input.url);
    return this.dataSource.transaction(async (manager) => {
      const tenantIds = await this.tenantIdsFor(manager, access, input.tenantSlugs);
      const secret = newWebhookSecret();
      const repository = manager.getRepository(Webhook);
      const webhook = await repository.save(
        repository.create({
          url,
          description: input.description?.trim() ?? '',
          eventTypes: [...new Set(input.eventTypes ?? [])],
          tenantIds,
          enabled: input.enabled ?? true,
          format: input.format ?? WebhookFormat.STANDARD,
          secret,
          createdBy: access.actor,
        }),
      );
      await this.audit.record(manager, access, {
        action: 'webhook.create',
        subjectType: 'Webhook',
        subjectId: webhook.id,
        tenantId: tenantIds?.length === 1 ? tenantIds[0] : null,
        after: auditView(webhook),
      });
      webhook.revealedSecret = secret;
      return webhook;
    });
  }

  async update(access: Access, input: UpdateWebhookInput): Promise<Webhook> {
    const principal = access.require(Role.ADMIN);
    const url = input.url !== null && input.url !== undefined ? this.checkUrl(input.url) : null;
    return this.dataSource.transaction(async (manager) => {
      const webhook = await this.require(manager, principal, input.id, true);
      const before = auditView(webhook);
      if (url !== null) webhook.url = url;
      if (input.description !== null && input.description !== undefined) webhook.description = input.description.trim();
      if (input.eventTypes !== null && input.eventTypes !== undefined) webhook.eventTypes = [...new Set(input.eventTypes)];
      if (input.tenantSlugs !== null && input.tenantSlugs !== undefined) {
        webhook.tenantIds = await this.tenantIdsFor(manager, access, input.tenantSlugs);
      }
      if (input.format !== null && input.format !== undefined) webhook.format = input.format;
      if (input.enabled === true && !webhook.enabled) {
        webhook.enabled = true;
        webhook.disabledReason = null;
        webhook.failingSince = null;
      } else if (input.enabled === false && webhook.enabled) {
        webhook.enabled = false;
        webhook.disabledReason = null;
        webhook.disabledAt = new Date();
      }
      const saved = await manager.getRepository(Webhook).save(webhook);
      await this.audit.record(manager, access, {
        action: 'webhook.update',
        subjectType: 'Webhook',
        subjectId: webhook.id,
        tenantId: webhook.tenantIds?.length === 1 ? webhook.tenantIds[0] : null,
        before,
        after: auditView(saved),
      });
      return saved;
    });
  }

  /** A new secret; the old one keeps signing alongside it for 24 hours, so receivers can switch without a gap. */
  async rotateSecret(access: Access, input: RotateWebhookSecretInput): Promise<Webhook> {
    const principal = access.require(Role.ADMIN);
    return this.dataSource.transaction(async (manager) => {
      const webhook = await this.require(manager, principal, input.id, true);
      const secret = newWebhookSecret();
      webhook.previousSecret = webhook.secret;
      webhook.previousSecretUntil = new Date(Date.now() + ROTATION_OVERLAP_MS);
      webhook.secret = secret;
      const saved = await manager.getRepository(Webhook).save(webhook);
      await this.audit.record(manager, access, {
        action: 'webhook.rotate_secret',
        subjectType: 'Webhook',
        subjectId: webhook.id,
        tenantId: webhook.tenantIds?.length === 1 ? webhook.tenantIds[0] : null,
        after: { previousSecretSigningUntil: webhook.previousSecretUntil.toISOString() },
      });
      saved.revealedSecret = secret;
      return saved;
    });
  }

  /** Deletes the webhook with its delivery log; answers its id. */
  async delete(access: Access, input: DeleteWebhookInput): Promise<string> {
    const principal = access.require(Role.ADMIN);
    return this.dataSource.transaction(async (manager) => {
      const webhook = await this.require(manager, principal, input.id, true);
      await manager.query(
        `WITH messages AS (DELETE FROM webhook_message WHERE webhook_id = $1 RETURNING id)
         DELETE FROM webhook_attempt WHERE message_id IN (SELECT id FROM messages)`,
        [webhook.id],
      );
      await manager.getRepository(Webhook).delete({ id: webhook.id });
      await this.audit.record(manager, access, {
        action: 'webhook.delete',
        subjectType: 'Webhook',
        subjectId: webhook.id,
        tenantId: webhook.tenantIds?.length === 1 ? webhook.tenantIds[0] : null,
        before: auditView(webhook),
      });
      return webhook.id;
    });
  }

  /** The delivery log of a webhook the caller administers, newest first. */
  messages(webhook: Webhook, args: PageArgs, filter: WebhookMessageFilter | null | undefined) {
    const query = this.dataSource
      .getRepository(WebhookMessage)
      .createQueryBuilder('m')
      .where('m.webhook_id = :webhookId', { webhookId: webhook.id });
    if (filter?.status) query.andWhere('m.status = :status', { status: filter.status });
    if (filter?.eventType) query.andWhere('m.event_type = :eventType', { eventType: filter.eventType });
    return paginate(
      query,
      args,
      [
        { expression: 'm.created_at', direction: 'DESC', value: (row) => row.createdAt },
        { expression: 'm.id', direction: 'DESC', value: (row) => row.id },
      ],
      this.config.maxPageSize,
    );
  }

  /** The attempts of each message, oldest first, at most `limit` each: one query for a page of messages. */
  async attemptsOf(messageIds: readonly string[], limit: number): Promise<WebhookAttempt[][]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT a.*, row_number() OVER (PARTITION BY a.message_id ORDER BY a.id) AS n
           FROM webhook_attempt a WHERE a.message_id = ANY($1)) ranked
        WHERE n <= $2 ORDER BY message_id, id`,
      [messageIds, limit],
    );
    const byMessage = new Map<string, WebhookAttempt[]>();
    for (const row of rows) {
      const attempt = Object.assign(new WebhookAttempt(), {
        id: String(row.id),
        messageId: row.message_id as string,
        at: row.at as Date,
        httpStatus: row.http_status as number | null,
        durationMs: row.duration_ms as number,
        error: row.error as string | null,
        responseHeaders: row.response_headers as Record<string, string> | null,
        responseBody: row.response_body as string | null,
      });
      byMessage.set(attempt.messageId, [...(byMessage.get(attempt.messageId) ?? []), attempt]);
    }
    return messageIds.map((id) => byMessage.get(id) ?? []);
  }

  /**
   * Each webhook's recent delivery counts and last attempt, for a whole page of webhooks in one query: the newest
   * messages of the window are read through the (webhook, created) index, never the whole log.
   */
  async recentDeliveries(webhookIds: readonly string[]): Promise<WebhookDeliveryStats[]> {
    const rows: { id: string; succeeded: number; failed: number; pending: number; last_delivery_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT p.id, recent.succeeded, recent.failed, recent.pending,
                greatest(recent.last_attempt_at, latest.last_attempt_at) AS last_delivery_at
           FROM unnest($1::uuid[]) AS p(id)
           CROSS JOIN LATERAL (
             SELECT count(*) FILTER (WHERE m.status = 'SUCCEEDED')::int AS succeeded,
                    count(*) FILTER (WHERE m.status = 'FAILED')::int AS failed,
                    count(*) FILTER (WHERE m.status = 'PENDING')::int AS pending,
                    max(m.last_attempt_at) AS last_attempt_at
               FROM (SELECT status, last_attempt_at FROM webhook_message
                      WHERE webhook_id = p.id AND created_at >= now() - $2 * interval '1 hour'
                      ORDER BY created_at DESC LIMIT $3) m) recent
           LEFT JOIN LATERAL (
             SELECT last_attempt_at FROM webhook_message
              WHERE webhook_id = p.id AND last_attempt_at IS NOT NULL
              ORDER BY created_at DESC LIMIT 1) latest ON true`,
        [webhookIds, RECENT_DELIVERY_HOURS, RECENT_DELIVERY_MESSAGES],
      );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return webhookIds.map((id) => {
      const row = byId.get(id);
      return Object.assign(new WebhookDeliveryStats(), {
        succeeded: row?.succeeded ?? 0,
        failed: row?.failed ?? 0,
        pending: row?.pending ?? 0,
        lastDeliveryAt: row?.last_delivery_at ?? null,
      });
    });
  }

  /** The message and its webhook, when the caller administers that webhook. */
  private async requireMessage(manager: EntityManager, principal: Principal, id: string): Promise<WebhookMessage> {
    const message = isId(id)
      ? await manager.getRepository(WebhookMessage).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    const webhook = message && (await manager.getRepository(Webhook).findOneBy({ id: message.webhookId }));
    if (!message || !this.visible(principal, webhook)) throw notFound('Webhook message', id);
    return message;
  }

  /** Sends one message again now, under the same webhook-id, with a fresh round of the retry schedule. */
  async redeliver(access: Access, input: RedeliverWebhookMessageInput): Promise<WebhookMessage> {
    const principal = access.require(Role.ADMIN);
    return this.dataSource.transaction(async (manager) => {
      const message = await this.requireMessage(manager, principal, input.messageId);
      await this.requeue(manager, [message.id]);
      await this.audit.record(manager, access, {
        action: 'webhook.redeliver',
        subjectType: 'WebhookMessage',
        subjectId: message.id,
        after: { webhookId: message.webhookId, eventType: message.eventType },
      });
      return manager.getRepository(WebhookMessage).findOneByOrFail({ id: message.id });
    });
  }

  /** Queues every message of the webhook made in [since, until) again. */
  async replay(access: Access, input: ReplayWebhookInput) {
    const principal = access.require(Role.ADMIN);
    const until = input.until ?? new Date();
    if (!(input.since < until)) throw badInput('since must be before until');
    return this.dataSource.transaction(async (manager) => {
      const webhook = await this.require(manager, principal, input.webhookId);
      const rows: { id: string }[] = await manager.query(
        `SELECT id FROM webhook_message WHERE webhook_id = $1 AND created_at >= $2 AND created_at < $3
          ORDER BY created_at, id LIMIT $4 FOR UPDATE`,
        [webhook.id, input.since, until, MAX_REPLAY + 1],
      );
      if (rows.length > MAX_REPLAY) {
        throw badInput(`More than ${MAX_REPLAY} messages fall in this range; replay a shorter one`);
      }
      await this.requeue(
        manager,
        rows.map((row) => row.id),
      );
      await this.audit.record(manager, access, {
        action: 'webhook.replay',
        subjectType: 'Webhook',
        subjectId: webhook.id,
        tenantId: webhook.tenantIds?.length === 1 ? webhook.tenantIds[0] : null,
        after: { since: input.since.toISOString(), until: until.toISOString(), queued: rows.length },
      });
      return { webhook, queued: rows.length };
    });
  }

  private async requeue(manager: EntityManager, messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await manager.query(
      `UPDATE webhook_message SET status = $2, attempts_in_round = 0, next_attempt_at = now() WHERE id = ANY($1)`,
      [messageIds, WebhookMessageStatus.PENDING],
    );
    await this.jobs.sendMany(
      manager,
      QUEUES.webhookMessage,
      messageIds.map((messageId) => ({ messageId })),
    );
  }

  /** Sends a webhook.test message now, to this webhook only (even a disabled one, to check it before re-enabling). */
  async test(access: Access, input: WebhookIdInput): Promise<WebhookMessage> {
    const principal = access.require(Role.ADMIN);
    return this.dataSource.transaction(async (manager) => {
      const webhook = await this.require(manager, principal, input.webhookId);
      const repository = manager.getRepository(WebhookMessage);
      const message = await repository.save(
        repository.create({
          webhookId: webhook.id,
          eventSequence: null,
          eventType: WebhookEventType.WEBHOOK_TEST,
          payload: testPayload(webhook, new Date()) as unknown as Record<string, unknown>,
        }),
      );
      await this.jobs.send(manager, QUEUES.webhookMessage, { messageId: message.id });
      await this.audit.record(manager, access, {
        action: 'webhook.test',
        subjectType: 'Webhook',
        subjectId: webhook.id,
        tenantId: webhook.tenantIds?.length === 1 ? webhook.tenantIds[0] : null,
        after: { messageId: message.id },
      });
      return repository.findOneByOrFail({ id: message.id });
    });
  }

  /** The slugs of the webhook's tenants (empty: every tenant). */
  async tenantSlugs(webhook: Webhook, load: (id: string) => Promise<Tenant | null>): Promise<string[]> {
    if (webhook.tenantIds === null) return [];
    const tenants = await Promise.all(webhook.tenantIds.map(load));
    return tenants.filter((tenant): tenant is Tenant => tenant !== null).map((tenant) => tenant.slug);
  }
}
