import type { EntityManager } from 'typeorm';
import { eventDataForScope } from '../../auth/visibility';
import { EventRecord } from '../../events/event.entity';
import { EventType } from '../../events/event-type';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { Deployment } from '../deployment/deployment.entity';
import { ReleaseTrack } from '../release/release-track.entity';
import { Release } from '../release/release.entity';
import { RolloutTarget } from '../rollout/rollout-target.entity';
import { Rollout } from '../rollout/rollout.entity';
import { Installation } from '../tenant/installation.entity';
import { Tenant } from '../tenant/tenant.entity';
import { WebhookEventType } from './webhook-event-type';
import type { Webhook } from './webhook.entity';

/** What every message carries, per the Standard Webhooks specification. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Reads what a payload names (slugs, versions) and makes dashboard links under `baseUrl`. */
class PayloadParts {
  constructor(
    private readonly manager: EntityManager,
    private readonly baseUrl: string,
  ) {}

  link(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  async release(id: string) {
    const release = await this.manager.getRepository(Release).findOneBy({ id });
    if (!release) return null;
    const track = await this.manager.getRepository(ReleaseTrack).findOneBy({ id: release.trackId });
    return {
      id: release.id,
      version: release.version,
      status: release.status,
      track: track ? { id: track.id, slug: track.slug } : null,
      url: this.link(`/releases/${release.id}`),
    };
  }

  async rollout(id: string) {
    const rollout = await this.manager.getRepository(Rollout).findOneBy({ id });
    if (!rollout) return { rollout: null, release: null };
    return {
      rollout: {
        id: rollout.id,
        status: rollout.status,
        currentWave: rollout.currentWave,
        waves: rollout.waveCount,
        url: this.link(`/rollouts/${rollout.id}`),
      },
      release: await this.release(rollout.releaseId),
    };
  }

  async installation(id: string) {
    const installation = await this.manager.getRepository(Installation).findOneBy({ id });
    if (!installation) return { tenant: null, installation: null };
    const tenant = await this.manager.getRepository(Tenant).findOneBy({ id: installation.tenantId });
    return {
      tenant: tenant ? { id: tenant.id, slug: tenant.slug, url: this.link(`/tenants/${tenant.slug}`) } : null,
      installation: { id: installation.id, slug: installation.slug, name: installation.name },
    };
  }

  async artifact(id: string) {
    const artifact = await this.manager.getRepository(Artifact).findOneBy({ id });
    if (!artifact) return { application: null, artifact: null };
    const application = await this.manager.getRepository(Application).findOneBy({ id: artifact.applicationId });
    return {
      application: application ? { id: application.id, slug: application.slug } : null,
      artifact: {
        id: artifact.id,
        version: artifact.version,
        imageRef: artifact.imageRef,
        digest: artifact.digest,
        commitSha: artifact.commitSha,
        buildUrl: artifact.buildUrl,
        url: application ? this.link(`/artifacts/${application.slug}/${encodeURIComponent(artifact.version)}`) : null,
      },
    };
  }
}

/**
 * What a message reporting `event` carries, read once for all its endpoints: ids, slugs, versions and dashboard
 * links, never a secret; the reason is added per endpoint by `eventPayload`.
 */
export async function payloadData(
  manager: EntityManager,
  baseUrl: string,
  type: WebhookEventType,
  event: EventRecord,
): Promise<Record<string, unknown>> {
  const parts = new PayloadParts(manager, baseUrl);
  const details = event.data;
  switch (type) {
    case WebhookEventType.RELEASE_LOCKED:
    case WebhookEventType.RELEASE_UNLOCKED:
    case WebhookEventType.RELEASE_RESCINDED:
      return { release: await parts.release(String(details.releaseId)) };
    case WebhookEventType.ARTIFACT_REGISTERED:
      return parts.artifact(String(details.artifactId));
    case WebhookEventType.WEBHOOK_DISABLED:
      return { webhook: details.webhook ?? null };
    default:
      return rolloutParts(manager, parts, event, details);
  }
}

/**
 * The message that reports `event` to `webhook`, from its `payloadData`. A webhook limited to some tenants reads a
 * whole rollout's event as such a subscriber would: without the reason, which may speak of tenants it does not see
 * (auth/visibility.ts).
 */
export function eventPayload(
  type: WebhookEventType,
  event: EventRecord,
  data: Record<string, unknown>,
  webhook: Pick<Webhook, 'tenantIds'>,
): WebhookPayload {
  const reason = (event.data as { reason?: unknown }).reason;
  const showReason = reason !== undefined && 'reason' in eventDataForScope(webhook.tenantIds, event);
  return {
    type,
    timestamp: event.at.toISOString(),
    data: showReason ? { ...data, reason } : data,
  };
}

/** Rollout, target and deployment events: the rollout and release, and the installation and deployment concerned. */
async function rolloutParts(
  manager: EntityManager,
  parts: PayloadParts,
  event: EventRecord,
  details: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = event.rolloutId ? await parts.rollout(event.rolloutId) : { rollout: null, release: null };
  if (event.type === EventType.ROLLOUT_WAVE_COMPLETED) data.wave = details.wave;
  if (event.targetId) {
    const target = await manager.getRepository(RolloutTarget).findOneBy({ id: event.targetId });
    if (target) {
      Object.assign(data, await parts.installation(target.installationId));
      data.target = { id: target.id, status: target.status, wave: target.wave, currentStage: target.currentStage };
    }
  }
  if (event.deploymentId) {
    const deployment = await manager.getRepository(Deployment).findOneBy({ id: event.deploymentId });
    if (deployment) {
      if (!data.installation) Object.assign(data, await parts.installation(deployment.installationId));
      Object.assign(data, await parts.artifact(deployment.artifactId));
      data.deployment = {
        id: deployment.id,
        status: deployment.status,
        kind: deployment.kind,
        stage: deployment.stage,
        attempt: deployment.attempt,
        url: deployment.rolloutId
          ? parts.link(`/rollouts/${deployment.rolloutId}`)
          : ((data.tenant as { url?: string } | null)?.url ?? parts.link('/deployments')),
      };
    }
    if (event.type === EventType.DEPLOYMENT_VERIFIED) data.verification = { status: details.status, source: details.source };
  }
  return data;
}

/** The message a person triggers with testWebhook. */
export function testPayload(webhook: Pick<Webhook, 'id' | 'description'>, at: Date): WebhookPayload {
  return {
    type: WebhookEventType.WEBHOOK_TEST,
    timestamp: at.toISOString(),
    data: { webhook: { id: webhook.id, description: webhook.description }, message: 'A test message from Shiplog' },
  };
}

function slug(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const { slug, version } = value as { slug?: unknown; version?: unknown };
  return typeof slug === 'string' ? slug : typeof version === 'string' ? version : null;
}

/** A readable line for a Slack-compatible incoming webhook, with a link to the dashboard where there is one. */
export function slackText(payload: WebhookPayload): string {
  const data = payload.data as Record<string, Record<string, unknown> | null | undefined>;
  const release = data.release;
  const releaseName = release ? `${slug(release.track) ?? 'release'} ${String(release.version)}` : null;
  const where = [slug(data.tenant), slug(data.installation)].filter((part) => part !== null).join('/');
  const subject = [
    slug(data.application) && data.artifact ? `${slug(data.application)} ${String(data.artifact.version)}` : null,
    releaseName && !data.application ? releaseName : null,
    where ? `on ${where}` : null,
  ]
    .filter((part) => part !== null)
    .join(' ');
  const link = [data.deployment?.url, data.rollout?.url, release?.url, data.artifact?.url].find(
    (url): url is string => typeof url === 'string',
  );
  const reason = typeof payload.data.reason === 'string' ? `: ${payload.data.reason}` : '';
  const text = `Shiplog: ${payload.type}${subject ? ` — ${subject}` : ''}${reason}`;
  return link ? `${text} <${link}|Open in Shiplog>` : text;
}
