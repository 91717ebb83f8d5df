import { inject, injectable } from 'tsyringe';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { badInput, forbidden, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import { decodeCursor, encodeCursor, pageInfoOf, pageSize, type PageArgs } from '../../common/pagination';
import { Role, roleIncludes } from '../../common/roles';
import type { Config } from '../../config';
import { CONFIG } from '../../tokens';
import { AttentionAcknowledgement } from './attention-acknowledgement.entity';
import { AttentionItem, AttentionKind } from './attention.types';

const FAILED_TARGET_STATUSES = ['FAILED', 'ROLLED_BACK'];

interface ItemRow {
  key: string;
  kind: AttentionKind;
  installation_id: string | null;
  rollout_id: string | null;
  tenant_id: string | null;
  count: number;
  rollout_count: number | null;
  last_at: Date;
  last_at_text: string;
  latest_deployment_id: string | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  whole_rollout_in_scope: boolean | null;
  total: string;
  acknowledged_total: string;
}

/**
 * "Needs attention", grouped: the failures of one installation (over any number of rollouts) are one item, and a
 * paused or failed rollout is one item however many of its installations failed. An acknowledgement takes an item
 * off the list for everyone until it occurs again (a failure later than the acknowledgement).
 */
@injectable()
export class AttentionService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    private readonly audit: AuditService,
  ) {}

  async list(access: Access, since: Date, includeAcknowledged: boolean, args: PageArgs) {
    const scope = access.tenantScope();
    const first = pageSize(args.first, this.config.maxPageSize);
    const [afterAt, afterKey] = args.after ? (decodeCursor(args.after, 2) as [string, string]) : [null, null];
    const rows: ItemRow[] = await this.dataSource.query(
      `WITH items AS (
         SELECT 'installation:' || d.installation_id AS key, 'INSTALLATION' AS kind, d.installation_id, NULL::uuid AS rollout_id,
                d.tenant_id, count(*)::int AS count, count(DISTINCT d.rollout_id)::int AS rollout_count,
                max(d.finished_at) AS last_at,
                (array_agg(d.id ORDER BY d.finished_at DESC, d.id DESC))[1] AS latest_deployment_id,
                NULL::boolean AS whole_rollout_in_scope
           FROM deployment d
          WHERE d.status = 'FAILED' AND d.finished_at >= $1 AND ($2::uuid[] IS NULL OR d.tenant_id = ANY($2))
          GROUP BY d.installation_id, d.tenant_id
         UNION ALL
         SELECT 'rollout:' || r.id, 'ROLLOUT', NULL, r.id, NULL,
                count(t.id) FILTER (WHERE t.status = ANY($3) AND ($2::uuid[] IS NULL OR t.tenant_id = ANY($2)))::int,
                NULL,
                greatest(max(t.finished_at) FILTER (WHERE t.status = ANY($3)), r.finished_at, r.acknowledged_at, r.started_at, r.created_at),
                NULL,
                bool_and($2::uuid[] IS NULL OR t.tenant_id = ANY($2))
           FROM rollout r LEFT JOIN rollout_target t ON t.rollout_id = r.id
          WHERE r.status = 'PAUSED' OR (r.status = 'FAILED' AND r.finished_at >= $1)
          GROUP BY r.id
         HAVING $2::uuid[] IS NULL OR bool_or(t.tenant_id = ANY($2))
       ), marked AS (
         SELECT i.*, i.last_at::text AS last_at_text,
                CASE WHEN a.acknowledged_at >= i.last_at THEN a.acknowledged_by END AS acknowledged_by,
                CASE WHEN a.acknowledged_at >= i.last_at THEN a.acknowledged_at END AS acknowledged_at
           FROM items i
           LEFT JOIN LATERAL (
             SELECT acknowledged_by, acknowledged_at FROM attention_acknowledgement
              WHERE item_key = i.key ORDER BY acknowledged_at DESC LIMIT 1) a ON true
       ), shown AS (
         SELECT * FROM marked WHERE $4 OR acknowledged_at IS NULL
       )
       SELECT s.*, (SELECT count(*) FROM shown) AS total,
              (SELECT count(*) FROM marked WHERE acknowledged_at IS NOT NULL) AS acknowledged_total
         FROM shown s
        WHERE $5::timestamptz IS NULL OR (s.last_at, s.key) < ($5::timestamptz, $6::text)
        ORDER BY s.last_at DESC, s.key DESC
        LIMIT $7`,
      [since, scope, FAILED_TARGET_STATUSES, includeAcknowledged, afterAt, afterKey, first + 1],
    );
    const canAct = access.principal !== null && roleIncludes(access.principal.role, Role.OPERATOR);
    const page = rows.slice(0, first);
    const edges = page.map((row) => ({
      cursor: encodeCursor([row.last_at_text, row.key]),
      node: Object.assign(new AttentionItem(), {
        key: row.key,
        kind: row.kind,
        installationId: row.installation_id,
        rolloutId: row.rollout_id,
        count: row.count,
        rolloutCount: row.rollout_count,
        lastOccurredAt: row.last_at,
        latestDeploymentId: row.latest_deployment_id,
        acknowledgedBy: row.acknowledged_by,
        acknowledgedAt: row.acknowledged_at,
        // A rollout's item is everyone's: a caller limited to some tenants acknowledges it only when it reaches no other.
        canAcknowledge:
          canAct &&
          row.acknowledged_at === null &&
          (row.kind === AttentionKind.INSTALLATION || row.whole_rollout_in_scope === true),
      }),
    }));
    const total = Number(rows[0]?.total ?? 0);
    const acknowledgedTotal = Number(rows[0]?.acknowledged_total ?? 0);
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: pageInfoOf(edges, rows.length > first, args.after),
      totalCount: () => Promise.resolve(total),
      acknowledgedCount: rows.length > 0 || includeAcknowledged ? acknowledgedTotal : await this.acknowledgedCount(access, since),
    };
  }

  /** When the page is empty the count rode on no row: read it from the first item of all, acknowledged ones included. */
  private async acknowledgedCount(access: Access, since: Date): Promise<number> {
    return (await this.list(access, since, true, { first: 1 })).acknowledgedCount;
  }

  /** Takes an item off "Needs attention" for everyone, until it occurs again. OPERATOR or above. */
  async acknowledge(access: Access, key: string): Promise<AttentionAcknowledgement> {
    access.require(Role.OPERATOR);
    const [kind, id] = key.split(':', 2);
    if (!id || !isId(id) || (kind !== 'installation' && kind !== 'rollout'))
      throw badInput(`'${key}' is not an attention item: expected installation:<id> or rollout:<id>`);
    return this.dataSource.transaction(async (manager) => {
      let tenantId: string | null = null;
      if (kind === 'installation') {
        const [installation]: { tenant_id: string }[] = await manager.query('SELECT tenant_id FROM installation WHERE id = $1', [
          id,
        ]);
        if (!installation || !access.canSeeTenant(installation.tenant_id)) throw notFound('Attention item', key);
        tenantId = installation.tenant_id;
      } else {
        const scope = access.tenantScope();
        const [rollout]: { inside: string; outside: string }[] = await manager.query(
          `SELECT count(*) FILTER (WHERE $2::uuid[] IS NULL OR tenant_id = ANY($2)) AS inside,
                  count(*) FILTER (WHERE $2::uuid[] IS NOT NULL AND NOT tenant_id = ANY($2)) AS outside
             FROM rollout_target WHERE rollout_id = $1`,
          [id, scope],
        );
        const [exists]: unknown[] = await manager.query('SELECT 1 FROM rollout WHERE id = $1', [id]);
        if (!exists || (scope !== null && Number(rollout.inside) === 0)) throw notFound('Attention item', key);
        if (Number(rollout.outside) > 0) throw forbidden('This rollout reaches tenants you cannot act for');
      }
      const saved = await manager
        .getRepository(AttentionAcknowledgement)
        .save(
          manager
            .getRepository(AttentionAcknowledgement)
            .create({ itemKey: `${kind}:${id}`, tenantId, acknowledgedBy: access.actor }),
        );
      await this.audit.record(manager, access, {
        action: 'attention.acknowledge',
        subjectType: kind === 'installation' ? 'Installation' : 'Rollout',
        subjectId: id,
        tenantId,
        after: { item: saved.itemKey, acknowledgedAt: saved.acknowledgedAt.toISOString() },
      });
      return saved;
    });
  }
}
