import { inject, injectable } from 'tsyringe';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { badInput, conflict, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import { MAX_LIST_ITEMS, paginate, type Page, type PageArgs } from '../../common/pagination';
import { Role } from '../../common/roles';
import type { Config } from '../../config';
import { JobQueue, QUEUES } from '../../engine/job-queue';
import { canMove, RolloutEngine } from '../../engine/rollout-engine';
import { CONFIG, JOB_QUEUE } from '../../tokens';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { Installation } from '../tenant/installation.entity';
import { DeploymentLogLine } from './deployment-log.entity';
import { Deployment, DeploymentKind, DeploymentStatus } from './deployment.entity';
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
    @inject(JOB_QUEUE) private readonly jobs: JobQueue,
    private readonly engine: RolloutEngine,
    private readonly audit: AuditService,
  ) {}

  async find(access: Access, id: string): Promise<Deployment | null> {
    access.require(Role.VIEWER);
    const deployment = isId(id) ? await this.dataSource.getRepository(Deployment).findOneBy({ id }) : null;
    return deployment && access.canSeeTenant(deployment.tenantId) ? deployment : null;
  }

  /** A deployment the caller may see, locked, with its rollout target locked first; NOT_FOUND as for one that does not exist. */
  private async lockVisible(manager: EntityManager, access: Access, id: string): Promise<Deployment> {
    const found = isId(id) ? await manager.getRepository(Deployment).findOneBy({ id }) : null;
    if (!found || !access.canSeeTenant(found.tenantId)) throw notFound('Deployment', id);
    if (found.targetId) await this.engine.lockTarget(manager, found.targetId);
    return manager.getRepository(Deployment).findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * A driver's progress report. Repeating a report changes nothing; a move the lifecycle does not allow (e.g.
   * SUCCEEDED → IN_PROGRESS) is a CONFLICT.
   */
  async report(access: Access, input: ReportDeploymentInput): Promise<Deployment> {
    access.require(Role.OPERATOR);
    const result = await this.dataSource.transaction(async (manager) => {
      const deployment = await this.lockVisible(manager, access, input.deploymentId);
      if (deployment.status === input.status) return deployment;
      if (!canMove(deployment.status, input.status)) {
        throw conflict(`Deployment ${deployment.id} is ${deployment.status}; it cannot become ${input.status}`, {
          currentStatus: deployment.status,
        });
      }
      if (input.status === DeploymentStatus.IN_PROGRESS) {
        deployment.status = DeploymentStatus.IN_PROGRESS;
        deployment.startedAt ??= new Date();
        deployment.message = input.message ?? deployment.message;
        deployment.externalUrl = input.externalUrl ?? deployment.externalUrl;
        await manager.getRepository(Deployment).save(deployment);
        this.engine.emit(manager, this.engine.deploymentEvent(deployment));
      } else {
        await this.engine.finishDeployments(manager, [deployment], () => ({
          status: input.status as DeploymentStatus.SUCCEEDED | DeploymentStatus.FAILED | DeploymentStatus.CANCELLED,
          message: input.message,
          externalUrl: input.externalUrl,
        }));
      }
      if (input.message)
        await manager.getRepository(DeploymentLogLine).insert({ deploymentId: deployment.id, line: input.message });
      await this.engine.flush(manager);
      return deployment;
    });
    this.engine.wake();
    return result;
  }

  async appendLog(access: Access, deploymentId: string, lines: string[]): Promise<Deployment> {
    access.require(Role.OPERATOR);
    if (lines.length > MAX_LOG_LINES_PER_CALL) throw badInput(`Send at most ${MAX_LOG_LINES_PER_CALL} lines at a time`);
    return this.dataSource.transaction(async (manager) => {
      const deployment = isId(deploymentId) ? await manager.getRepository(Deployment).findOneBy({ id: deploymentId }) : null;
      if (!deployment || !access.canSeeTenant(deployment.tenantId)) throw notFound('Deployment', deploymentId);
      if (lines.length === 0) return deployment;
      const stored = lines.map((line) => line.slice(0, MAX_LOG_LINE_LENGTH));
      await this.requireLogRoom(manager, deploymentId, stored);
      await manager.getRepository(DeploymentLogLine).insert(stored.map((line) => ({ deploymentId, line })));
      this.engine.emit(manager, {
        type: 'deployment.log',
        tenantId: deployment.tenantId,
        rolloutId: deployment.rolloutId,
        targetId: deployment.targetId,
        deploymentId,
        data: { lines },
      });
      await this.engine.flush(manager);
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
    return this.dataSource.transaction(async (manager) => {
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
      this.engine.emit(manager, {
        type: 'deployment.verified',
        tenantId: deployment.tenantId,
        rolloutId: deployment.rolloutId,
        targetId: deployment.targetId,
        deploymentId: deployment.id,
        data: { status: verification.status, source: verification.source },
      });
      await this.engine.flush(manager);
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
    const result = await this.dataSource.transaction(async (manager) => {
      const installation = isId(installationId)
        ? await manager.getRepository(Installation).findOneBy({ id: installationId })
        : null;
      if (!installation || !access.canSeeTenant(installation.tenantId)) throw notFound('Installation', installationId);
      await manager.query('SELECT id FROM installation WHERE id = $1 FOR UPDATE', [installation.id]);
      const running = await manager.getRepository(RunningArtifact).findBy({ installationId: installation.id });
      const applications = await manager.getRepository(Application).findBy({ id: In(running.map((r) => r.applicationId)) });
      const slugOf = new Map(applications.map((a) => [a.id, a.slug]));
      const wanted = applicationSlugs?.length ? new Set(applicationSlugs) : null;
      if (wanted) {
        const unknown = [...wanted].filter((slug) => !applications.some((a) => a.slug === slug));
        if (unknown.length > 0) throw notFound('Running application', unknown.join("', '"));
      }
      const chosen = running.filter((row) => !wanted || wanted.has(slugOf.get(row.applicationId)!));
      const rows: Partial<Deployment>[] = [];
      for (const row of chosen) {
        const previous: { artifact_id: string }[] = await manager.query(
          `SELECT artifact_id FROM deployment
            WHERE installation_id = $1 AND application_id = $2 AND status = 'SUCCEEDED' AND artifact_id <> $3
            ORDER BY finished_at DESC LIMIT 1`,
          [installation.id, row.applicationId, row.artifactId],
        );
        if (previous.length === 0) {
          if (wanted)
            throw conflict(`${slugOf.get(row.applicationId)} has no earlier good artifact on this installation to return to`);
          continue;
        }
        rows.push({
          installationId: installation.id,
          tenantId: installation.tenantId,
          applicationId: row.applicationId,
          artifactId: previous[0].artifact_id,
          kind: DeploymentKind.ROLLBACK,
          status: DeploymentStatus.QUEUED,
          reason,
          triggeredBy: access.actor,
          queuedAt: new Date(),
        });
      }
      if (rows.length === 0) throw conflict('Nothing on this installation has an earlier good artifact to return to');
      const saved = await manager
        .getRepository(Deployment)
        .save(rows.map((row) => manager.getRepository(Deployment).create(row)));
      await this.jobs.send(manager, QUEUES.dispatch, { deploymentIds: saved.map((d) => d.id) });
      await this.audit.record(manager, access, {
        action: 'installation.rollback',
        subjectType: 'Installation',
        subjectId: installation.id,
        tenantId: installation.tenantId,
        reason,
        after: { deployments: saved.map((d) => ({ id: d.id, applicationId: d.applicationId, artifactId: d.artifactId })) },
      });
      this.engine.emit(manager, ...saved.map((d) => this.engine.deploymentEvent(d)));
      await this.engine.flush(manager);
      return saved;
    });
    this.engine.wake();
    return result;
  }

  /** The ledger, newest first. */
  list(access: Access, args: PageArgs, filter: DeploymentFilter | null | undefined) {
    const scope = access.tenantScope();
    const query = this.dataSource.getRepository(Deployment).createQueryBuilder('d');
    if (scope !== null) query.andWhere('d.tenant_id = ANY(:scope)', { scope });
    if (filter?.applicationSlug) {
      query.andWhere('d.application_id = (SELECT id FROM application WHERE slug = :applicationSlug)', {
        applicationSlug: filter.applicationSlug,
      });
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
