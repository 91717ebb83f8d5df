import type { AuditAction } from '@shiplog/shared';
import { inject, injectable } from 'tsyringe';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import type { Access } from '../auth/access';
import { paginate, type PageArgs } from '../common/pagination';
import { Role } from '../common/roles';
import { AuditEvent } from './audit-event.entity';
import type { AuditEventFilter } from './audit.inputs';
import { CONFIG } from '../tokens';
import type { Config } from '../config';

export interface AuditEntry {
  action: AuditAction;
  subjectType: string;
  subjectId: string;
  tenantId?: string | null;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
  /** The change set (one configuration apply) the change belongs to. */
  changeSetId?: string | null;
}

/** Audit rows written by one INSERT: few enough parameters for PostgreSQL's limit of 65,535. */
const AUDIT_INSERT_BATCH = 1000;

/** JSON-safe copy of an entity for the before/after of an audit event. */
export function snapshot(entity: object | null | undefined): unknown {
  return entity ? (JSON.parse(JSON.stringify(entity)) as unknown) : null;
}

@injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
  ) {}

  /** Appends to the audit log inside the caller's transaction, so the record and the change commit together. */
  async record(manager: EntityManager, access: Access, entry: AuditEntry): Promise<void> {
    await manager.getRepository(AuditEvent).insert({
      actor: access.actor,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      tenantId: entry.tenantId ?? null,
      reason: entry.reason ?? null,
      before: (entry.before ?? null) as object,
      after: (entry.after ?? null) as object,
      changeSetId: entry.changeSetId ?? null,
    });
  }

  /** As `record`, for many changes at once (a configuration apply): one INSERT per thousand. */
  async recordMany(manager: EntityManager, access: Access, entries: AuditEntry[]): Promise<void> {
    for (let start = 0; start < entries.length; start += AUDIT_INSERT_BATCH) {
      await manager.getRepository(AuditEvent).insert(
        entries.slice(start, start + AUDIT_INSERT_BATCH).map((entry) => ({
          actor: access.actor,
          action: entry.action,
          subjectType: entry.subjectType,
          subjectId: entry.subjectId,
          tenantId: entry.tenantId ?? null,
          reason: entry.reason ?? null,
          before: (entry.before ?? null) as object,
          after: (entry.after ?? null) as object,
          changeSetId: entry.changeSetId ?? null,
        })),
      );
    }
  }

  /** Newest first. A tenant-scoped caller sees only the events of its tenants. */
  async list(access: Access, args: PageArgs, filter: AuditEventFilter | null | undefined) {
    const { tenantIds } = access.require(Role.VIEWER);
    const query = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e');
    if (tenantIds !== null) query.andWhere('e.tenant_id = ANY(:scope)', { scope: tenantIds });
    if (filter?.action) query.andWhere('e.action = :action', { action: filter.action });
    if (filter?.actor) query.andWhere('e.actor = :actor', { actor: filter.actor });
    if (filter?.subjectType) query.andWhere('e.subject_type = :subjectType', { subjectType: filter.subjectType });
    if (filter?.subjectId) query.andWhere('e.subject_id = :subjectId', { subjectId: filter.subjectId });
    if (filter?.changeSetId) query.andWhere('e.change_set_id::text = :changeSetId', { changeSetId: filter.changeSetId });
    if (filter?.since) query.andWhere('e.at >= :since', { since: filter.since });
    if (filter?.until) query.andWhere('e.at < :until', { until: filter.until });
    if (filter?.search) {
      const term = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere(
        new Brackets((q) =>
          q
            .where('e.action ILIKE :term', { term })
            .orWhere('e.actor ILIKE :term')
            .orWhere('e.subject_id ILIKE :term')
            // A tenant by its slug or name: the events about it and about its installations.
            .orWhere('e.tenant_id IN (SELECT t.id FROM tenant t WHERE t.slug ILIKE :term OR t.name ILIKE :term)'),
        ),
      );
    }
    return paginate(query, args, [{ expression: 'e.id', direction: 'DESC', value: (row) => row.id }], this.config.maxPageSize);
  }
}
