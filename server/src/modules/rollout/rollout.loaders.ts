import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { rollbackOptions, type RollbackOptions } from '../../engine/rollback-options';
import { DeploymentLogLine } from '../deployment/deployment-log.entity';
import { Deployment } from '../deployment/deployment.entity';
import { RunningArtifact } from '../deployment/running-artifact.entity';
import { Verification } from '../deployment/verification.entity';
import { RolloutTarget, TargetStatus } from './rollout-target.entity';
import { Rollout } from './rollout.entity';

export interface TargetCounts {
  total: number;
  byStatus: Partial<Record<TargetStatus, number>>;
}

function groupBy<T>(rows: T[], key: (row: T) => string, ids: readonly string[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return ids.map((id) => groups.get(id) ?? []);
}

/** One loader per limit: a request that asks for the first 10 and the first 100 items batches each separately. */
function perLimit<V>(create: (limit: number) => DataLoader<string, V>): (limit: number) => DataLoader<string, V> {
  const loaders = new Map<number, DataLoader<string, V>>();
  return (limit) => {
    let loader = loaders.get(limit);
    if (!loader) {
      loader = create(limit);
      loaders.set(limit, loader);
    }
    return loader;
  };
}

/**
 * The ids of the first `limit` rows of `table` for each parent id, in `order`: one query for the whole batch,
 * reading each parent's rows through its index.
 */
function firstRowsOfEach(table: string, parentColumn: string, order: string) {
  return `SELECT x.id FROM unnest(:parentIds::uuid[]) AS p(id)
    CROSS JOIN LATERAL (SELECT id FROM ${table} WHERE ${parentColumn} = p.id ORDER BY ${order} LIMIT :limit) x`;
}

/**
 * Batching loaders for rollouts and the ledger; part of every request's loaders (graphql/loaders.ts). `scope` gives
 * the caller's tenants (null for all); counts never include targets the caller cannot see.
 */
export function ledgerLoaders(dataSource: DataSource, scope: () => readonly string[] | null) {
  return {
    rollout: new DataLoader<string, Rollout | null>(async (ids) => {
      const rows = await dataSource.getRepository(Rollout).findBy({ id: In([...ids]) });
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }),
    target: new DataLoader<string, RolloutTarget | null>(async (ids) => {
      const rows = await dataSource.getRepository(RolloutTarget).findBy({ id: In([...ids]) });
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }),
    deployment: new DataLoader<string, Deployment | null>(async (ids) => {
      const rows = await dataSource.getRepository(Deployment).findBy({ id: In([...ids]) });
      return ids.map((id) => rows.find((row) => row.id === id) ?? null);
    }),
    deploymentsByTarget: perLimit(
      (limit) =>
        new DataLoader<string, Deployment[]>(async (ids) => {
          const rows = await dataSource
            .getRepository(Deployment)
            .createQueryBuilder('d')
            .where(`d.id IN (${firstRowsOfEach('deployment', 'target_id', 'queued_at, stage, id')})`, {
              parentIds: [...ids],
              limit,
            })
            .orderBy('d.queued_at')
            .addOrderBy('d.stage')
            .addOrderBy('d.id')
            .getMany();
          return groupBy(rows, (row) => row.targetId!, ids);
        }),
    ),
    targetCounts: new DataLoader<string, TargetCounts>(async (ids) => {
      const rows: { rollout_id: string; status: TargetStatus; count: string }[] = await dataSource.query(
        `SELECT rollout_id, status, count(*) AS count FROM rollout_target
          WHERE rollout_id = ANY($1) AND ($2::uuid[] IS NULL OR tenant_id = ANY($2))
          GROUP BY rollout_id, status`,
        [[...ids], scope()],
      );
      return ids.map((id) => {
        const byStatus: Partial<Record<TargetStatus, number>> = {};
        let total = 0;
        for (const row of rows.filter((r) => r.rollout_id === id)) {
          byStatus[row.status] = Number(row.count);
          total += Number(row.count);
        }
        return { total, byStatus };
      });
    }),
    /** Whether a rollout has targets in tenants the caller cannot see. */
    reachesOtherTenants: new DataLoader<string, boolean>(async (ids) => {
      const tenants = scope();
      if (tenants === null) return ids.map(() => false);
      const rows: { rollout_id: string }[] = await dataSource.query(
        'SELECT DISTINCT rollout_id FROM rollout_target WHERE rollout_id = ANY($1) AND NOT tenant_id = ANY($2)',
        [[...ids], tenants],
      );
      const outside = new Set(rows.map((row) => row.rollout_id));
      return ids.map((id) => outside.has(id));
    }),
    verifications: perLimit(
      (limit) =>
        new DataLoader<string, Verification[]>(async (ids) => {
          const rows = await dataSource
            .getRepository(Verification)
            .createQueryBuilder('v')
            .where(`v.id IN (${firstRowsOfEach('verification', 'deployment_id', 'at, id')})`, { parentIds: [...ids], limit })
            .orderBy('v.at')
            .addOrderBy('v.id')
            .getMany();
          return groupBy(rows, (row) => row.deploymentId, ids);
        }),
    ),
    logLines: perLimit(
      (limit) =>
        new DataLoader<string, DeploymentLogLine[]>(async (ids) => {
          const rows = await dataSource
            .getRepository(DeploymentLogLine)
            .createQueryBuilder('l')
            .where(`l.id IN (${firstRowsOfEach('deployment_log_line', 'deployment_id', 'id')})`, {
              parentIds: [...ids],
              limit,
            })
            .orderBy('l.id')
            .getMany();
          return groupBy(rows, (row) => row.deploymentId, ids);
        }),
    ),
    running: new DataLoader<string, RunningArtifact[]>(async (ids) => {
      const rows = await dataSource.getRepository(RunningArtifact).findBy({ installationId: In([...ids]) });
      return groupBy(rows, (row) => row.installationId, ids);
    }),
    /**
     * Per installation, what rollBackInstallation would do now: for each running application the artifact that ran
     * there successfully before the current one (as the engine picks it), and the applications being deployed.
     */
    rollback: new DataLoader<string, RollbackOptions>((ids) => rollbackOptions(dataSource.manager, ids)),
  };
}

export type LedgerLoaders = ReturnType<typeof ledgerLoaders>;
