import type { EntityManager } from 'typeorm';
import { eventDataForScope } from '../../auth/visibility';
import { EventRecord } from '../../events/event.entity';
import { EventType } from '../../events/event-type';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { ReleaseTrack } from '../release/release-track.entity';
import { Release } from '../release/release.entity';
import { WebhookEventType } from './webhook-event-type';
import type { Webhook } from './webhook.entity';

/** What every message carries, per the Standard Webhooks specification. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

type ReleaseRow = Pick<Release, 'id' | 'version' | 'status'>;
type ArtifactRow = Pick<Artifact, 'id' | 'version' | 'imageRef' | 'digest' | 'commitSha' | 'buildUrl'>;
type Named = { id: string; slug: string };

/** What a payload says of the records it names (ids, slugs, versions), with dashboard links under `baseUrl`. */
class PayloadParts {
  constructor(
    private readonly manager: EntityManager,
    private readonly baseUrl: string,
  ) {}

  link(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  releasePart(release: ReleaseRow, track: Named | null) {
    return {
      id: release.id,
      version: release.version,
      status: release.status,
      track: track ? { id: track.id, slug: track.slug } : null,
      url: this.link(`/releases/${release.id}`),
    };
  }

  installationPart(tenant: Named | null, installation: Named & { name: string }) {
    return {
      tenant: tenant ? { id: tenant.id, slug: tenant.slug, url: this.link(`/tenants/${tenant.slug}`) } : null,
      installation: { id: installation.id, slug: installation.slug, name: installation.name },
    };
  }

  artifactPart(application: Named | null, artifact: ArtifactRow) {
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

  async release(id: string) {
    const release = await this.manager.getRepository(Release).findOneBy({ id });
    if (!release) return null;
    return this.releasePart(release, await this.manager.getRepository(ReleaseTrack).findOneBy({ id: release.trackId }));
  }

  async artifact(id: string) {
    const artifact = await this.manager.getRepository(Artifact).findOneBy({ id });
    if (!artifact) return { application: null, artifact: null };
    return this.artifactPart(await this.manager.getRepository(Application).findOneBy({ id: artifact.applicationId }), artifact);
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

/** Everything a rollout, target or deployment event's payload names, in one read (columns null where absent). */
const ROLLOUT_PARTS = `
  SELECT r.id AS rollout_id, r.status AS rollout_status, r.current_wave, r.wave_count,
         rel.id AS release_id, rel.version AS release_version, rel.status AS release_status,
         tr.id AS track_id, tr.slug AS track_slug,
         t.id AS target_id, t.status AS target_status, t.wave AS target_wave, t.current_stage AS target_stage,
         i.id AS installation_id, i.slug AS installation_slug, i.name AS installation_name,
         tn.id AS tenant_id, tn.slug AS tenant_slug,
         d.id AS deployment_id, d.status AS deployment_status, d.kind AS deployment_kind, d.stage AS deployment_stage,
         d.attempt AS deployment_attempt, d.rollout_id AS deployment_rollout_id,
         a.id AS artifact_id, a.version AS artifact_version, a.image_ref, a.digest, a.commit_sha, a.build_url,
         app.id AS application_id, app.slug AS application_slug
    FROM (SELECT CAST($1 AS uuid) AS rollout_id, CAST($2 AS uuid) AS target_id, CAST($3 AS uuid) AS deployment_id) e
    LEFT JOIN rollout r ON r.id = e.rollout_id
    LEFT JOIN release rel ON rel.id = r.release_id
    LEFT JOIN release_track tr ON tr.id = rel.track_id
    LEFT JOIN rollout_target t ON t.id = e.target_id
    LEFT JOIN deployment d ON d.id = e.deployment_id
    LEFT JOIN installation i ON i.id = coalesce(t.installation_id, d.installation_id)
    LEFT JOIN tenant tn ON tn.id = i.tenant_id
    LEFT JOIN artifact a ON a.id = d.artifact_id
    LEFT JOIN application app ON app.id = a.application_id`;

interface RolloutPartsRow {
  rollout_id: string | null;
  rollout_status: string;
  current_wave: number;
  wave_count: number;
  release_id: string | null;
  release_version: string;
  release_status: Release['status'];
  track_id: string | null;
  track_slug: string;
  target_id: string | null;
  target_status: string;
  target_wave: number;
  target_stage: number;
  installation_id: string | null;
  installation_slug: string;
  installation_name: string;
  tenant_id: string | null;
  tenant_slug: string;
  deployment_id: string | null;
  deployment_status: string;
  deployment_kind: string;
  deployment_stage: number;
  deployment_attempt: number;
  deployment_rollout_id: string | null;
  artifact_id: string | null;
  artifact_version: string;
  image_ref: string;
  digest: string | null;
  commit_sha: string | null;
  build_url: string | null;
  application_id: string | null;
  application_slug: string;
}

/** Rollout, target and deployment events: the rollout and release, and the installation and deployment concerned. */
async function rolloutParts(
  manager: EntityManager,
  parts: PayloadParts,
  event: EventRecord,
  details: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const [row]: RolloutPartsRow[] = await manager.query(ROLLOUT_PARTS, [event.rolloutId, event.targetId, event.deploymentId]);
  const data: Record<string, unknown> = { rollout: null, release: null };
  if (row.rollout_id) {
    data.rollout = {
      id: row.rollout_id,
      status: row.rollout_status,
      currentWave: row.current_wave,
      waves: row.wave_count,
      url: parts.link(`/rollouts/${row.rollout_id}`),
    };
    data.release = row.release_id
      ? parts.releasePart(
          { id: row.release_id, version: row.release_version, status: row.release_status },
          row.track_id ? { id: row.track_id, slug: row.track_slug } : null,
        )
      : null;
  }
  if (event.type === EventType.ROLLOUT_WAVE_COMPLETED) data.wave = details.wave;
  const installation = () =>
    row.installation_id
      ? parts.installationPart(row.tenant_id ? { id: row.tenant_id, slug: row.tenant_slug } : null, {
          id: row.installation_id,
          slug: row.installation_slug,
          name: row.installation_name,
        })
      : { tenant: null, installation: null };
  if (row.target_id) {
    Object.assign(data, installation());
    data.target = { id: row.target_id, status: row.target_status, wave: row.target_wave, currentStage: row.target_stage };
  }
  if (event.deploymentId) {
    if (row.deployment_id) {
      if (!data.installation) Object.assign(data, installation());
      Object.assign(
        data,
        row.artifact_id
          ? parts.artifactPart(row.application_id ? { id: row.application_id, slug: row.application_slug } : null, {
              id: row.artifact_id,
              version: row.artifact_version,
              imageRef: row.image_ref,
              digest: row.digest,
              commitSha: row.commit_sha,
              buildUrl: row.build_url,
            })
          : { application: null, artifact: null },
      );
      data.deployment = {
        id: row.deployment_id,
        status: row.deployment_status,
        kind: row.deployment_kind,
        stage: row.deployment_stage,
        attempt: row.deployment_attempt,
        url: row.deployment_rollout_id
          ? parts.link(`/rollouts/${row.deployment_rollout_id}`)
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
