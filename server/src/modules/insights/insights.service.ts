import { inject, injectable } from 'tsyringe';
import { DataSource } from 'typeorm';
import type { Access } from '../../auth/access';

/** The periods insights are computed over, in days, ending now. */
export enum InsightsPeriod {
  LAST_7_DAYS = 'LAST_7_DAYS',
  LAST_30_DAYS = 'LAST_30_DAYS',
  LAST_90_DAYS = 'LAST_90_DAYS',
}

export const PERIOD_DAYS: Record<InsightsPeriod, number> = {
  [InsightsPeriod.LAST_7_DAYS]: 7,
  [InsightsPeriod.LAST_30_DAYS]: 30,
  [InsightsPeriod.LAST_90_DAYS]: 90,
};

export interface SuccessRateRow {
  id: string;
  succeeded: number;
  failed: number;
  successRate: number;
}

export interface ArrivalRow {
  releaseId: string;
  tierId: string;
  installationsReached: number;
  medianSeconds: number;
  maxSeconds: number;
}

/** What one SQL aggregate returns: counts come back from PostgreSQL as text. */
interface RateSqlRow {
  id: string;
  succeeded: string;
  failed: string;
}

/**
 * Success rates and lock-to-arrival times over a period, each one SQL aggregate, counted only within the tenants the
 * caller may see. A caller limited to some tenants sees releases only once they left DRAFT, as the release queries do.
 */
@injectable()
export class InsightsService {
  constructor(@inject(DataSource) private readonly dataSource: DataSource) {}

  /** The start of a period ending at `now`. */
  since(period: InsightsPeriod, now: Date): Date {
    return new Date(now.getTime() - PERIOD_DAYS[period] * 24 * 60 * 60 * 1000);
  }

  /** Finished ROLLOUT deployments (every attempt) per tenant, lowest success rate first. */
  async tenantRates(access: Access, since: Date, first: number): Promise<SuccessRateRow[]> {
    return this.rates(access, since, first, 'tenant_id', 'tenant');
  }

  /** Finished ROLLOUT deployments (every attempt) per application, lowest success rate first. */
  async applicationRates(access: Access, since: Date, first: number): Promise<SuccessRateRow[]> {
    return this.rates(access, since, first, 'application_id', 'application');
  }

  private async rates(
    access: Access,
    since: Date,
    first: number,
    column: 'tenant_id' | 'application_id',
    table: 'tenant' | 'application',
  ): Promise<SuccessRateRow[]> {
    const scope = access.tenantScope();
    // `column` and `table` are one of two fixed pairs above, never caller input.
    const rows: RateSqlRow[] = await this.dataSource.query(
      `WITH counts AS (
         SELECT d.${column} AS id,
                count(*) FILTER (WHERE d.status = 'SUCCEEDED') AS succeeded,
                count(*) FILTER (WHERE d.status = 'FAILED') AS failed
           FROM deployment d
          WHERE d.kind = 'ROLLOUT' AND d.status IN ('SUCCEEDED', 'FAILED') AND d.finished_at >= $1
            AND ($2::uuid[] IS NULL OR d.tenant_id = ANY($2::uuid[]))
          GROUP BY d.${column}
       )
       SELECT c.id, c.succeeded, c.failed
         FROM counts c JOIN ${table} n ON n.id = c.id
        ORDER BY c.succeeded::float8 / (c.succeeded + c.failed), c.failed DESC, n.name, c.id
        LIMIT $3`,
      [since, scope, first],
    );
    return rows.map((row) => {
      const succeeded = Number(row.succeeded);
      const failed = Number(row.failed);
      return { id: row.id, succeeded, failed, successRate: succeeded / (succeeded + failed) };
    });
  }

  /**
   * Per release and tier: how long after the release was first locked its installations of that tier had it. An
   * installation has it when a rollout target of the release there SUCCEEDED; it arrived when the last of that
   * target's SUCCEEDED deployments finished, and the first such arrival within the period counts. The tier is the
   * installation's tier. Newest locked releases first, then by tier rank.
   */
  async arrivals(access: Access, since: Date, first: number): Promise<ArrivalRow[]> {
    const scope = access.tenantScope();
    const rows: {
      release_id: string;
      tier_id: string;
      installations: string;
      median_seconds: number;
      max_seconds: number;
    }[] = await this.dataSource.query(
      `WITH reached AS (
         SELECT ro.release_id, rt.installation_id, max(d.finished_at) AS arrived_at
           FROM rollout_target rt
           JOIN rollout ro ON ro.id = rt.rollout_id
           JOIN deployment d ON d.target_id = rt.id AND d.kind = 'ROLLOUT' AND d.status = 'SUCCEEDED'
          WHERE rt.status = 'SUCCEEDED' AND d.finished_at >= $1
            AND ($2::uuid[] IS NULL OR rt.tenant_id = ANY($2::uuid[]))
          GROUP BY rt.id, ro.release_id, rt.installation_id
       ), first_arrival AS (
         SELECT release_id, installation_id, min(arrived_at) AS arrived_at FROM reached GROUP BY release_id, installation_id
       )
       SELECT f.release_id, i.tier_id, count(*) AS installations,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.arrived_at - r.first_locked_at))::float8
                AS median_seconds,
              max(extract(epoch FROM f.arrived_at - r.first_locked_at))::float8 AS max_seconds
         FROM first_arrival f
         JOIN release r ON r.id = f.release_id
         JOIN installation i ON i.id = f.installation_id
         JOIN environment_tier et ON et.id = i.tier_id
        WHERE r.first_locked_at IS NOT NULL AND ($2::uuid[] IS NULL OR r.status <> 'DRAFT')
        GROUP BY f.release_id, i.tier_id, r.first_locked_at, et.rank
        ORDER BY r.first_locked_at DESC, f.release_id, et.rank
        LIMIT $3`,
      [since, scope, first],
    );
    return rows.map((row) => ({
      releaseId: row.release_id,
      tierId: row.tier_id,
      installationsReached: Number(row.installations),
      medianSeconds: Number(row.median_seconds),
      maxSeconds: Number(row.max_seconds),
    }));
  }
}
