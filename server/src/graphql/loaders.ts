import DataLoader from 'dataloader';
import type { Access } from '../auth/access';
import { ledgerLoaders } from '../modules/rollout/rollout.loaders';
import type { WebhookAttempt } from '../modules/webhook/webhook-message.entity';
import { recentWebhookDeliveries, webhookAttemptsOf } from '../modules/webhook/webhook.loaders';
import type { WebhookDeliveryStats } from '../modules/webhook/webhook.inputs';
import { In, type DataSource, type ObjectLiteral, type EntityTarget } from 'typeorm';
import { Application } from '../modules/application/application.entity';
import { Artifact } from '../modules/application/artifact.entity';
import { Deployment } from '../modules/deployment/deployment.entity';
import { ReleaseComponent } from '../modules/release/release-component.entity';
import { ReleaseTrack } from '../modules/release/release-track.entity';
import { Release } from '../modules/release/release.entity';
import { RolloutTarget } from '../modules/rollout/rollout-target.entity';
import { Rollout } from '../modules/rollout/rollout.entity';
import { Installation } from '../modules/tenant/installation.entity';
import { Tenant } from '../modules/tenant/tenant.entity';
import { EnvironmentTier } from '../modules/tier/environment-tier.entity';

/**
 * The one registry of per-request batching: every lookup made while resolving one response becomes one query per
 * kind. Made for each request (and each event a subscription delivers), with the caller's access.
 */
export function createLoaders(dataSource: DataSource, access: Access) {
  const installationPages = new Map<number, DataLoader<string, Installation[]>>();
  const matchingReleases = new Map<string, DataLoader<string, Release | null>>();
  const attemptPages = new Map<number, DataLoader<string, WebhookAttempt[]>>();
  function byId<T extends ObjectLiteral & { id: string }>(target: EntityTarget<T>) {
    return new DataLoader<string, T | null>(async (ids) => {
      const rows = await dataSource.getRepository(target).findBy({ id: In([...ids]) } as never);
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  return {
    tenant: byId(Tenant),
    tier: byId(EnvironmentTier),
    application: byId(Application),
    artifact: byId(Artifact),
    track: byId(ReleaseTrack),
    release: byId(Release),
    installation: byId(Installation),
    rollout: byId(Rollout),
    rolloutTarget: byId(RolloutTarget),
    deployment: byId(Deployment),
    componentsByRelease: new DataLoader<string, ReleaseComponent[]>(async (releaseIds) => {
      const rows = await dataSource.getRepository(ReleaseComponent).find({
        where: { releaseId: In([...releaseIds]) },
        order: { stage: 'ASC', id: 'ASC' },
      });
      return releaseIds.map((id) => rows.filter((row) => row.releaseId === id));
    }),
    /**
     * The first `limit + 1` installations (by slug) of each tenant, in one query for all tenants of a page:
     * the extra row tells whether there is a next page.
     */
    firstInstallationsByTenant(limit: number): DataLoader<string, Installation[]> {
      let loader = installationPages.get(limit);
      if (!loader) {
        loader = new DataLoader<string, Installation[]>(async (tenantIds) => {
          const rows = await dataSource
            .getRepository(Installation)
            .createQueryBuilder('i')
            .where(
              `i.id IN (SELECT ranked.id FROM (SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY slug, id) AS position
                 FROM installation WHERE tenant_id = ANY(:tenantIds) AND archived_at IS NULL) ranked WHERE ranked.position <= :limit)`,
              { tenantIds: [...tenantIds], limit: limit + 1 },
            )
            .orderBy('i.slug')
            .addOrderBy('i.id')
            .getMany();
          return tenantIds.map((id) => rows.filter((row) => row.tenantId === id));
        });
        installationPages.set(limit, loader);
      }
      return loader;
    },
    /**
     * Per installation, the newest LOCKED release of the track whose every component's artifact runs there now,
     * for all installations of a response in one query.
     */
    matchingRelease(trackSlug: string): DataLoader<string, Release | null> {
      let loader = matchingReleases.get(trackSlug);
      if (!loader) {
        loader = new DataLoader<string, Release | null>(async (installationIds) => {
          const rows: { installation_id: string; release_id: string }[] = await dataSource.query(
            `SELECT i.id AS installation_id, m.id AS release_id
               FROM unnest($1::uuid[]) AS i(id)
               CROSS JOIN LATERAL (
                 SELECT r.id FROM release r JOIN release_track track ON track.id = r.track_id
                  WHERE track.slug = $2 AND r.status = 'LOCKED'
                    AND NOT EXISTS (
                      SELECT 1 FROM release_component rc
                       WHERE rc.release_id = r.id
                         AND NOT EXISTS (
                           SELECT 1 FROM running_artifact ra
                            WHERE ra.installation_id = i.id AND ra.application_id = rc.application_id
                              AND ra.artifact_id = rc.artifact_id))
                  ORDER BY r.sort_key DESC, r.id DESC
                  LIMIT 1) m`,
            [[...installationIds], trackSlug],
          );
          const releases = await dataSource.getRepository(Release).findBy({ id: In(rows.map((row) => row.release_id)) });
          const byId = new Map(releases.map((release) => [release.id, release]));
          const byInstallation = new Map(rows.map((row) => [row.installation_id, byId.get(row.release_id) ?? null]));
          return installationIds.map((id) => byInstallation.get(id) ?? null);
        });
        matchingReleases.set(trackSlug, loader);
      }
      return loader;
    },
    installationCountByTenant: new DataLoader<string, number>(async (tenantIds) => {
      const rows: { tenant_id: string; count: string }[] = await dataSource.query(
        'SELECT tenant_id, count(*) AS count FROM installation WHERE tenant_id = ANY($1) AND archived_at IS NULL GROUP BY tenant_id',
        [[...tenantIds]],
      );
      const counts = new Map(rows.map((row) => [row.tenant_id, Number(row.count)]));
      return tenantIds.map((id) => counts.get(id) ?? 0);
    }),
    /** The first `limit` delivery attempts of each webhook message (the caller's access was checked on the webhook). */
    webhookAttempts(limit: number): DataLoader<string, WebhookAttempt[]> {
      let loader = attemptPages.get(limit);
      if (!loader) attemptPages.set(limit, (loader = new DataLoader((ids) => webhookAttemptsOf(dataSource, ids, limit))));
      return loader;
    },
    /** Each webhook's recent delivery counts and last attempt (the caller's access was checked on the webhook). */
    webhookDeliveries: new DataLoader<string, WebhookDeliveryStats>((ids) => recentWebhookDeliveries(dataSource, ids)),
    /** Rollouts and the ledger, counted within the caller's tenants. */
    ledger: ledgerLoaders(dataSource, () => access.tenantScope()),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
