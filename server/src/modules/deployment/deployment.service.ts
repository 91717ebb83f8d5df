import { inject, injectable } from 'tsyringe';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { badInput, conflict, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import { MAX_LIST_ITEMS, paginate, type Page, type PageArgs } from '../../common/pagination';
import { Role } from '../../common/roles';
import type { Config } from '../../config';
import { deploymentLogEvent, deploymentVerifiedEvent } from '../../engine/engine-events';
import { RolloutEngine } from '../../engine/rollout-engine';
import type { UnitOfWork } from '../../engine/unit-of-work';
import { CONFIG } from '../../tokens';
import { Artifact } from '../application/artifact.entity';
import { Installation } from '../tenant/installation.entity';
import { DeploymentLogLine } from './deployment-log.entity';
import { Deployment, DeploymentStatus } from './deployment.entity';
import type { DeploymentFilter, ReportDeploymentInput, RecordVerificationInput } from './deployment.inputs';
import { RunningArtifact } from './running-artifact.entity';
import { Verification } from './verification.entity';

const MAX_LOG_LINES_PER_CALL = 1000;
const MAX_LOG_LINE_LENGTH = 10_000;
/** What one deployment's log may hold in all; appends beyond it are refused whole (CONFLICT), nothing is cut. */
export const MAX_LOG_LINES_PER_DEPLOYMENT = 10_000;
export const MAX_LOG_BYTES_PER_DEPLOYMENT = 1024 * 1024;
const MAX_STATS_DAYS = 366;

@injectable()
export class DeploymentService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    private readonly engine: RolloutEngine,
    private readonly audit: AuditService,
  ) {}

  async find(access: Access, id: string): Promise<Deployment | null> {
    access.require(Role.VIEWER);
    const deployment = isId(id) ? await this.dataSource.getRepository(Deployment).findOneBy({ id }) : null;
    return deployment && access.canSeeTenant(deployment.tenantId) ? deployment : null;
  }

  /** A deployment the caller may see, locked, with its rollout target locked first; NOT_FOUND as for one that does not exist. */
  private async lockVisible(uow: UnitOfWork, access: Access, id: string): Promise<Deployment> {
    const found = isId(id) ? await uow.manager.getRepository(Deployment).findOneBy({ id }) : null;
    if (!found || !access.canSeeTenant(found.tenantId)) throw notFound('Deployment', id);
    if (found.targetId) await this.engine.lockTarget(uow, found.targetId);
    return uow.manager.getRepository(Deployment).findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * A driver's progress report. Repeating a report changes nothing; a move the lifecycle does not allow (e.g.
   * SUCCEEDED → IN_PROGRESS) is a CONFLICT.
   */
  async report(access: Access, input: ReportDeploymentInput): Promise<Deployment> {
    access.require(Role.OPERATOR);
    return this.engine.run(async (uow) => {
      const deployment = await this.lockVisible(uow, access, input.deploymentId);
      await this.engine.report(uow, deployment, input);
      return deployment;
    });
  }

  async appendLog(access: Access, deploymentId: string, lines: string[]): Promise<Deployment> {
    access.require(Role.OPERATOR);
    if (lines.length > MAX_LOG_LINES_PER_CALL) throw badInput(`Send at most ${MAX_LOG_LINES_PER_CALL} lines at a time`);
    return this.engine.run(async (uow) => {
      const deployment = isId(deploymentId) ? await uow.manager.getRepository(Deployment).findOneBy({ id: deploymentId }) : null;
      if (!deployment || !access.canSeeTenant(deployment.tenantId)) throw notFound('Deployment', deploymentId);
      if (lines.length === 0) return deployment;
      const stored = lines.map((line) => line.slice(0, MAX_LOG_LINE_LENGTH));
      await this.requireLogRoom(uow.manager, deploymentId, stored);
      await uow.manager.getRepository(DeploymentLogLine).insert(stored.map((line) => ({ deploymentId, line })));
      uow.emit(deploymentLogEvent(deployment, lines));
      return deployment;
    });
  }

  /**
   * Refuses lines that would take the deployment's log past its size. Appends to one log run one after another
   * (a transaction-scoped advisory lock, apart from the engine's row locks), so two cannot both fit the last room.
   */
  private async requireLogRoom(manager: EntityManager, deploymentId: string, lines: string[]): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('deployment-log:' || $1, 0))`, [deploymentId]);
    const [used]: { lines: string; bytes: string }[] = await manager.query(
      `SELECT count(*) AS lines, coalesce(sum(octet_length(line)), 0) AS bytes FROM deployment_log_line WHERE deployment_id = $1`,
      [deploymentId],
    );
    const lineCount = Number(used.lines) + lines.length;
    const byteCount = Number(used.bytes) + lines.reduce((sum, line) => sum + Buffer.byteLength(line, 'utf8'), 0);
    if (lineCount > MAX_LOG_LINES_PER_DEPLOYMENT || byteCount > MAX_LOG_BYTES_PER_DEPLOYMENT) {
      throw conflict(
        `The log of deployment ${deploymentId} is full: it holds ${used.lines} lines (${used.bytes} bytes) of at most ` +
          `${MAX_LOG_LINES_PER_DEPLOYMENT} lines and ${MAX_LOG_BYTES_PER_DEPLOYMENT} bytes; nothing of these lines was stored`,
        {
          reason: 'LOG_FULL',
          storedLines: Number(used.lines),
          storedBytes: Number(used.bytes),
          maxLines: MAX_LOG_LINES_PER_DEPLOYMENT,
          maxBytes: MAX_LOG_BYTES_PER_DEPLOYMENT,
        },
      );
    }
  }

  /** The deployment's log a page at a time, in the order the lines arrived. */
  logLines(deployment: Deployment, args: PageArgs) {
    const query = this.dataSource
      .getRepository(DeploymentLogLine)
      .createQueryBuilder('l')
      .where('l.deployment_id = :deploymentId', { deploymentId: deployment.id });
    return paginate(query, args, [{ expression: 'l.id', direction: 'ASC', value: (l) => l.id }], MAX_LIST_ITEMS);
  }

  async recordVerification(access: Access, input: RecordVerificationInput): Promise<Verification> {
    access.require(Role.OPERATOR);
    return this.engine.run(async (uow) => {
      const { manager } = uow;
      const deployment = isId(input.deploymentId)
        ? await manager.getRepository(Deployment).findOneBy({ id: input.deploymentId })
        : null;
      if (!deployment || !access.canSeeTenant(deployment.tenantId)) throw notFound('Deployment', input.deploymentId);
      if (deployment.status !== DeploymentStatus.SUCCEEDED) {
        throw conflict(`Deployment ${deployment.id} is ${deployment.status}; only a SUCCEEDED deployment can be verified`);
      }
      const verifications = manager.getRepository(Verification);
      // The same check reported twice (same source, status and URL) is recorded once.
      const same = await verifications.findOneBy({
        deploymentId: deployment.id,
        source: input.source,
        status: input.status,
        url: input.url ?? IsNull(),
      });
      if (same) return same;
      const verification = await verifications.save(
        verifications.create({
          deploymentId: deployment.id,
          status: input.status,
          source: input.source,
          url: input.url ?? null,
          recordedBy: access.actor,
        }),
      );
      await this.audit.record(manager, access, {
        action: 'deployment.verify',
        subjectType: 'Deployment',
        subjectId: deployment.id,
        tenantId: deployment.tenantId,
        after: { status: verification.status, source: verification.source, url: verification.url },
      });
      uow.emit(deploymentVerifiedEvent(deployment, verification.status, verification.source));
      return verification;
    });
  }

  /**
   * Redeploys, for each application, the artifact that ran successfully on the installation before the current
   * one, as recorded ROLLBACK deployments through the installation's driver.
   */
  async rollbackInstallation(
    access: Access,
    installationId: string,
    applicationSlugs: string[] | null | undefined,
    reason: string,
  ) {
    access.require(Role.RELEASE_MANAGER);
    return this.engine.run(async (uow) => {
      const installation = isId(installationId)
        ? await uow.manager.getRepository(Installation).findOneBy({ id: installationId })
        : null;
      if (!installation || !access.canSeeTenant(installation.tenantId)) throw notFound('Installation', installationId);
      await uow.manager.query('SELECT id FROM installation WHERE id = $1 FOR UPDATE', [installation.id]);
      const saved = await this.engine.rollBackInstallation(uow, installation, applicationSlugs, reason, access.actor);
      await this.audit.record(uow.manager, access, {
        action: 'installation.rollback',
        subjectType: 'Installation',
        subjectId: installation.id,
        tenantId: installation.tenantId,
        reason,
        after: { deployments: saved.map((d) => ({ id: d.id, applicationId: d.applicationId, artifactId: d.artifactId })) },
      });
      return saved;
    });
  }

  /** The ledger, newest first. */
  list(access: Access, args: PageArgs, filter: DeploymentFilter | null | undefined) {
    const scope = access.tenantScope();
    const query = this.dataSource.getRepository(Deployment).createQueryBuilder('d');
    if (scope !== null) query.andWhere('d.tenant_id = ANY(:scope)', { scope });
    if (filter?.applicationSlug) {
      // People type what the pages show: the slug, or the name in any case.
      query.andWhere(
        'd.application_id IN (SELECT id FROM application WHERE slug = :applicationSlug OR lower(name) = lower(:applicationSlug))',
        { applicationSlug: filter.applicationSlug.trim() },
      );
    }
    if (filter?.version) {
      query.andWhere('d.artifact_id IN (SELECT id FROM artifact WHERE version = :version)', { version: filter.version });
    }
    if (filter?.tenantSlug)
      query.andWhere('d.tenant_id = (SELECT id FROM tenant WHERE slug = :tenantSlug)', { tenantSlug: filter.tenantSlug });
    if (filter?.installationId)
      query.andWhere('d.installation_id = :installationId', {
        installationId: isId(filter.installationId) ? filter.installationId : null,
      });
    if (filter?.rolloutId)
      query.andWhere('d.rollout_id = :rolloutId', { rolloutId: isId(filter.rolloutId) ? filter.rolloutId : null });
    if (filter?.releaseId)
      query.andWhere('d.rollout_id IN (SELECT r.id FROM rollout r WHERE r.release_id = :releaseId)', {
        releaseId: isId(filter.releaseId) ? filter.releaseId : null,
      });
    if (filter?.tier)
      query.andWhere(
        `d.installation_id IN (SELECT i.id FROM installation i JOIN environment_tier et ON et.id = i.tier_id WHERE et.name = :tier)`,
        { tier: filter.tier },
      );
    const statuses = [...(filter?.statuses ?? []), ...(filter?.status ? [filter.status] : [])];
    if (statuses.length) query.andWhere('d.status = ANY(:statuses)', { statuses });
    if (filter?.since) query.andWhere('d.queued_at >= :since', { since: filter.since });
    if (filter?.until) query.andWhere('d.queued_at < :until', { until: filter.until });
    return paginate(
      query,
      args,
      [
        { expression: 'd.queued_at', direction: 'DESC', value: (d) => d.queuedAt.toISOString() },
        { expression: 'd.id', direction: 'DESC', value: (d) => d.id },
      ],
      this.config.maxPageSize,
    );
  }

  /**
   * Finished deployments per UTC day over the last `days` days (today included), in one grouped query; a day
   * without deployments is there with zeros. A tenant-scoped caller counts only its tenants' deployments.
   */
  async dailyStats(access: Access, days: number): Promise<{ day: string; succeeded: number; failed: number }[]> {
    const scope = access.tenantScope();
    if (!Number.isInteger(days) || days < 1 || days > MAX_STATS_DAYS) {
      throw badInput(`days must be a whole number from 1 to ${MAX_STATS_DAYS}`);
    }
    const rows: { day: string; succeeded: string; failed: string }[] = await this.dataSource.query(
      `WITH days AS (
         SELECT generate_series(today - ($1::int - 1), today, interval '1 day')::date AS day
           FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS today) AS t
       ), counts AS (
         SELECT (finished_at AT TIME ZONE 'UTC')::date AS day,
                count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
                count(*) FILTER (WHERE status = 'FAILED') AS failed
           FROM deployment
          WHERE status IN ('SUCCEEDED', 'FAILED')
            AND finished_at >= ((now() AT TIME ZONE 'UTC')::date - ($1::int - 1)) AT TIME ZONE 'UTC'
            AND ($2::uuid[] IS NULL OR tenant_id = ANY($2::uuid[]))
          GROUP BY 1
       )
       SELECT to_char(days.day, 'YYYY-MM-DD') AS day, coalesce(counts.succeeded, 0) AS succeeded,
              coalesce(counts.failed, 0) AS failed
         FROM days LEFT JOIN counts ON counts.day = days.day
        ORDER BY days.day`,
      [days, scope],
    );
    return rows.map((row) => ({ day: row.day, succeeded: Number(row.succeeded), failed: Number(row.failed) }));
  }

  /** The successful deployments of an artifact, in time order, in the tenants the caller may see, a page at a time. */
  journey(access: Access, artifactId: string, args: PageArgs, maxPageSize = this.config.maxPageSize) {
    const scope = access.tenantScope();
    const query = this.dataSource
      .getRepository(Deployment)
      .createQueryBuilder('d')
      .where('d.artifact_id = :artifactId AND d.status = :status', { artifactId, status: DeploymentStatus.SUCCEEDED });
    if (scope !== null) query.andWhere('d.tenant_id = ANY(:scope)', { scope });
    return paginate(
      query,
      args,
      [
        { expression: 'd.finished_at', direction: 'ASC', value: (d) => d.finishedAt!.toISOString() },
        { expression: 'd.id', direction: 'ASC', value: (d) => d.id },
      ],
      maxPageSize,
    );
  }

  /** Installations running this artifact now, by tenant and installation slug, a page at a time. */
  async whereIs(
    access: Access,
    applicationSlug: string,
    version: string,
    args: PageArgs,
    maxPageSize = this.config.maxPageSize,
  ): Promise<Page<Installation>> {
    const scope = access.tenantScope();
    const artifact = await this.dataSource
      .getRepository(Artifact)
      .createQueryBuilder('r')
      .innerJoin('r.application', 'a')
      .where('a.slug = :applicationSlug AND r.version = :version', { applicationSlug, version })
      .getOne();
    const query = this.dataSource
      .getRepository(Installation)
      .createQueryBuilder('i')
      .innerJoin(RunningArtifact, 'ra', 'ra.installation_id = i.id')
      .innerJoinAndSelect('i.tenant', 't')
      .where('ra.artifact_id = :artifactId', { artifactId: artifact?.id ?? null });
    if (scope !== null) query.andWhere('i.tenant_id = ANY(:scope)', { scope });
    return paginate(
      query,
      args,
      [
        { expression: 't.slug', direction: 'ASC', value: (i) => i.tenant!.slug },
        { expression: 'i.slug', direction: 'ASC', value: (i) => i.slug },
      ],
      maxPageSize,
    );
  }
}
