import type { AuditAction } from '@shiplog/shared';
import { inject, injectable } from 'tsyringe';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { rolloutVisibleSql } from '../../auth/visibility';
import { conflict, forbidden, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import { MAX_LIST_ITEMS, paginate, type PageArgs } from '../../common/pagination';
import { Role } from '../../common/roles';
import type { Config } from '../../config';
import { RolloutEngine } from '../../engine/rollout-engine';
import type { UnitOfWork } from '../../engine/unit-of-work';
import { CONFIG } from '../../tokens';
import { Release } from '../release/release.entity';
import type { Installation } from '../tenant/installation.entity';
import { RolloutTarget, TargetStatus } from './rollout-target.entity';
import { FailurePolicy, Rollout, RolloutStatus } from './rollout.entity';
import type { TargetOnNewerRelease } from './rollout.plan';
import type {
  AbortRolloutInput,
  ExcludeRolloutTargetInput,
  PauseRolloutInput,
  RejectRolloutTargetInput,
  RolloutFilter,
  RolloutPlanInput,
  RolloutTargetFilter,
  StartRolloutInput,
} from './rollout.inputs';
import { RolloutPlanner } from './rollout.planner';

const DEFAULT_MAX_PARALLEL = 5;

@injectable()
export class RolloutService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    private readonly planner: RolloutPlanner,
    private readonly engine: RolloutEngine,
    private readonly audit: AuditService,
  ) {}

  async preview(access: Access, input: RolloutPlanInput) {
    access.require(Role.RELEASE_MANAGER);
    return this.planner.plan(this.dataSource.manager, access, input);
  }

  async start(access: Access, input: StartRolloutInput): Promise<Rollout> {
    const principal = access.require(Role.RELEASE_MANAGER);
    return this.engine.run(async (uow) => {
      const { manager } = uow;
      // Holding the release row keeps it LOCKED (no unlock or rescind) until the rollout exists.
      if (isId(input.releaseId)) {
        await manager.getRepository(Release).findOne({ where: { id: input.releaseId }, lock: { mode: 'pessimistic_write' } });
      }
      const plan = await this.planner.plan(manager, access, input);
      if (plan.blockers.length > 0) {
        throw conflict(`The rollout cannot start: ${plan.blockers.join('; ')}`, { blockers: plan.blockers });
      }
      await this.holdTargetInstallations(
        manager,
        plan.targets.map((target) => target.installation.id),
      );
      const rollout = await this.engine.startRollout(uow, {
        releaseId: plan.release.id,
        failurePolicy: input.failurePolicy ?? FailurePolicy.PAUSE,
        maxParallel: input.maxParallel ?? DEFAULT_MAX_PARALLEL,
        errorBudgetPercent: input.errorBudgetPercent ?? null,
        promoteAfterSeconds: input.promoteAfterSeconds ?? null,
        waveCount: plan.waveCount,
        reason: input.reason,
        createdBy: principal.kind === 'SYSTEM' ? 'system' : access.actor,
        targets: plan.targets.map((target) => ({
          installationId: target.installation.id,
          tenantId: target.installation.tenantId,
          wave: target.wave,
        })),
      });
      await this.audit.record(manager, access, {
        action: 'rollout.start',
        subjectType: 'Rollout',
        subjectId: rollout.id,
        reason: input.reason,
        after: {
          releaseId: plan.release.id,
          version: plan.release.version,
          targets: plan.targets.length,
          waves: plan.waveCount,
          maxParallel: rollout.maxParallel,
          failurePolicy: rollout.failurePolicy,
          errorBudgetPercent: rollout.errorBudgetPercent,
        },
      });
      return rollout;
    });
  }

  /** Runs a command on a rollout the caller may act on, in one unit of work holding its lock. */
  private command(
    access: Access,
    rolloutId: string,
    action: AuditAction,
    reason: string | null,
    work: (uow: UnitOfWork, rollout: Rollout) => Promise<void>,
  ): Promise<Rollout> {
    access.require(Role.RELEASE_MANAGER);
    return this.engine.run(async (uow) => {
      const rollout = await this.engine.lockRollout(uow, rolloutId);
      await this.requireWholeRollout(uow.manager, access, rollout);
      const before = { status: rollout.status, currentWave: rollout.currentWave };
      await work(uow, rollout);
      await this.audit.record(uow.manager, access, {
        action,
        subjectType: 'Rollout',
        subjectId: rollout.id,
        reason,
        before,
        after: { status: rollout.status, currentWave: rollout.currentWave },
      });
      return rollout;
    });
  }

  /** Whole-rollout commands need every target in the caller's tenants; a rollout it cannot see at all is NOT_FOUND. */
  /**
   * Holds the chosen installations (FOR SHARE) until the rollout exists, so that archiving them, which locks them
   * FOR UPDATE, either waits and then sees the new targets, or commits first and is seen here. The check is a
   * second statement so that it reads what committed while this one waited.
   */
  private async holdTargetInstallations(manager: EntityManager, installationIds: string[]): Promise<void> {
    if (installationIds.length === 0) return;
    await manager.query('SELECT id FROM installation WHERE id = ANY($1) ORDER BY id FOR SHARE', [installationIds]);
    const archived: { name: string }[] = await manager.query(
      `SELECT t.slug || '/' || i.slug AS name
         FROM installation i JOIN tenant t ON t.id = i.tenant_id
        WHERE i.id = ANY($1) AND (i.archived_at IS NOT NULL OR t.archived_at IS NOT NULL)
        ORDER BY name LIMIT 20`,
      [installationIds],
    );
    if (archived.length > 0) {
      const blockers = archived.map((row) => `Installation ${row.name} was archived`);
      throw conflict(`The rollout cannot start: ${blockers.join('; ')}`, { blockers });
    }
  }

  private async requireWholeRollout(manager: EntityManager, access: Access, rollout: Rollout): Promise<void> {
    const scope = access.tenantScope();
    if (scope === null) return;
    const [row]: { inside: string; outside: string }[] = await manager.query(
      `SELECT count(*) FILTER (WHERE tenant_id = ANY($2)) AS inside, count(*) FILTER (WHERE NOT tenant_id = ANY($2)) AS outside
         FROM rollout_target WHERE rollout_id = $1`,
      [rollout.id, scope],
    );
    if (Number(row.inside) === 0) throw notFound('Rollout', rollout.id);
    if (Number(row.outside) > 0) throw forbidden('This rollout reaches tenants you cannot act for');
  }

  pause(access: Access, input: PauseRolloutInput) {
    return this.command(access, input.rolloutId, 'rollout.pause', input.reason ?? null, (uow, rollout) =>
      this.engine.pause(uow, rollout, input.reason ?? 'Paused by a person'),
    );
  }

  resume(access: Access, rolloutId: string, skipTargetIds: string[]) {
    const left = skipTargetIds.length;
    const note = left === 0 ? null : `Left out ${left} target${left === 1 ? '' : 's'} yet to start`;
    return this.command(access, rolloutId, 'rollout.resume', note, async (uow, rollout) => {
      if (skipTargetIds.length > 0) {
        if (rollout.status !== RolloutStatus.PAUSED)
          throw conflict(`The rollout is ${rollout.status}; only a PAUSED rollout can be resumed`);
        await this.engine.skipTargets(uow, rollout, skipTargetIds, 'Left out when the rollout was resumed');
      }
      await this.engine.resume(uow, rollout);
    });
  }

  /** See RolloutResolver.pendingTargetsOnNewerRelease. */
  async pendingTargetsOnNewerRelease(access: Access, rollout: Rollout, first: number): Promise<TargetOnNewerRelease[]> {
    const scope = access.tenantScope();
    const rows: { target_id: string; release_id: string }[] = await this.dataSource.query(
      `SELECT target_id, release_id FROM (
         SELECT DISTINCT ON (t.id) t.id AS target_id, newer.id AS release_id, t.wave, t.position
           FROM rollout r
           JOIN release own ON own.id = r.release_id
           JOIN rollout_target t ON t.rollout_id = r.id
           JOIN release_component rc ON rc.release_id = own.id
           JOIN running_artifact ra
             ON ra.installation_id = t.installation_id AND ra.application_id = rc.application_id AND ra.artifact_id <> rc.artifact_id
           JOIN release_component nrc ON nrc.application_id = ra.application_id AND nrc.artifact_id = ra.artifact_id
           JOIN release newer ON newer.id = nrc.release_id AND newer.track_id = own.track_id AND newer.sort_key > own.sort_key
          WHERE r.id = $1 AND t.status IN ('PENDING', 'AWAITING_APPROVAL') AND newer.status <> 'DRAFT'
            AND ($2::uuid[] IS NULL OR t.tenant_id = ANY($2))
          ORDER BY t.id, newer.sort_key DESC) found
        ORDER BY wave, position, target_id
        LIMIT $3`,
      [rollout.id, scope, first],
    );
    if (rows.length === 0) return [];
    const [targets, releases] = await Promise.all([
      this.dataSource.getRepository(RolloutTarget).findBy({ id: In(rows.map((row) => row.target_id)) }),
      this.dataSource.getRepository(Release).findBy({ id: In(rows.map((row) => row.release_id)) }),
    ]);
    return rows.map((row) => ({
      target: targets.find((t) => t.id === row.target_id)!,
      newerRelease: releases.find((r) => r.id === row.release_id)!,
    }));
  }

  abort(access: Access, input: AbortRolloutInput) {
    return this.command(access, input.rolloutId, 'rollout.abort', input.reason, (uow, rollout) =>
      this.engine.abort(uow, rollout, input.reason),
    );
  }

  promote(access: Access, rolloutId: string) {
    return this.command(access, rolloutId, 'rollout.promote', null, (uow, rollout) => this.engine.promote(uow, rollout));
  }

  /** Runs a command on one target, which must be in the caller's tenants; another tenant's target is NOT_FOUND. */
  private async targetCommand(
    access: Access,
    targetId: string,
    action: AuditAction,
    reason: string | null,
    work: (uow: UnitOfWork, rollout: Rollout, target: RolloutTarget) => Promise<void>,
  ): Promise<RolloutTarget> {
    access.require(Role.RELEASE_MANAGER);
    const target = await this.engine.run(async (uow) => {
      const found = isId(targetId) ? await uow.manager.getRepository(RolloutTarget).findOneBy({ id: targetId }) : null;
      if (!found || !access.canSeeTenant(found.tenantId)) throw notFound('Rollout target', targetId);
      const rollout = await this.engine.lockRollout(uow, found.rolloutId);
      const locked = (await this.engine.lockTarget(uow, targetId))!;
      const before = { status: locked.status };
      await work(uow, rollout, locked);
      await this.audit.record(uow.manager, access, {
        action,
        subjectType: 'RolloutTarget',
        subjectId: locked.id,
        tenantId: locked.tenantId,
        reason,
        before,
        after: { status: locked.status, rolloutId: rollout.id, rolloutStatus: rollout.status },
      });
      return locked;
    });
    // The rollout moved on before commit (an approved installation may have started): read what it is now.
    return this.dataSource.getRepository(RolloutTarget).findOneByOrFail({ id: target.id });
  }

  approve(access: Access, targetId: string) {
    return this.targetCommand(access, targetId, 'rollout.target.approve', null, (uow, rollout, target) =>
      this.engine.approve(uow, rollout, target, access.actor),
    );
  }

  reject(access: Access, input: RejectRolloutTargetInput) {
    return this.targetCommand(access, input.targetId, 'rollout.target.reject', input.reason, (uow, rollout, target) =>
      this.engine.reject(uow, rollout, target, input.reason),
    );
  }

  /** Leaves one installation of a paused rollout out (a failed one, or one yet to start), through the engine's skip path. */
  exclude(access: Access, input: ExcludeRolloutTargetInput) {
    return this.targetCommand(access, input.targetId, 'rollout.target.exclude', input.reason, async (uow, rollout, target) => {
      if (rollout.status !== RolloutStatus.PAUSED)
        throw conflict(`The rollout is ${rollout.status}; pause it before leaving an installation out`);
      await this.engine.skipTargets(uow, rollout, [target.id], `Excluded by ${access.actor}: ${input.reason}`, {
        as: TargetStatus.EXCLUDED,
      });
      Object.assign(target, await uow.manager.getRepository(RolloutTarget).findOneByOrFail({ id: target.id }));
    });
  }

  retry(access: Access, targetId: string, resume: boolean) {
    return this.targetCommand(access, targetId, 'rollout.target.retry', null, (uow, rollout, target) =>
      this.engine.retry(uow, rollout, target, { resume }),
    );
  }

  /** A rollout is visible to a tenant-scoped caller when it reaches one of its tenants. */
  async find(access: Access, id: string): Promise<Rollout | null> {
    const scope = access.tenantScope();
    if (!isId(id)) return null;
    const rollout = await this.dataSource.getRepository(Rollout).findOneBy({ id });
    if (!rollout || scope === null) return rollout;
    const [{ visible }]: { visible: boolean }[] = await this.dataSource.query(
      `SELECT ${rolloutVisibleSql('$1::uuid', '$2::uuid[]')} AS visible`,
      [id, scope],
    );
    return visible ? rollout : null;
  }

  list(access: Access, args: PageArgs, filter: RolloutFilter | null | undefined) {
    const scope = access.tenantScope();
    const query = this.dataSource.getRepository(Rollout).createQueryBuilder('r');
    if (scope !== null) {
      query.andWhere(rolloutVisibleSql('r.id', ':scope'), { scope });
    }
    if (filter?.statuses?.length) query.andWhere('r.status = ANY(:statuses)', { statuses: filter.statuses });
    if (filter?.releaseId)
      query.andWhere('r.release_id = :releaseId', { releaseId: isId(filter.releaseId) ? filter.releaseId : null });
    return paginate(
      query,
      args,
      [
        { expression: 'r.created_at', direction: 'DESC', value: (r) => r.createdAt.toISOString() },
        { expression: 'r.id', direction: 'DESC', value: (r) => r.id },
      ],
      this.config.maxPageSize,
    );
  }

  /** The rollout's targets the caller may see, in wave order. */
  targets(access: Access, rollout: Rollout, filter: RolloutTargetFilter | null | undefined, args: PageArgs) {
    const scope = access.tenantScope();
    const query = this.dataSource
      .getRepository(RolloutTarget)
      .createQueryBuilder('t')
      .where('t.rollout_id = :id', { id: rollout.id });
    if (scope !== null) query.andWhere('t.tenant_id = ANY(:scope)', { scope });
    if (filter?.statuses?.length) query.andWhere('t.status = ANY(:statuses)', { statuses: filter.statuses });
    if (filter?.wave) query.andWhere('t.wave = :wave', { wave: filter.wave });
    return paginate(
      query,
      args,
      [
        { expression: 't.wave', direction: 'ASC', value: (t) => t.wave },
        { expression: 't.position', direction: 'ASC', value: (t) => t.position },
        { expression: 't.id', direction: 'ASC', value: (t) => t.id },
      ],
      MAX_LIST_ITEMS,
    );
  }

  /**
   * The rollouts that touched an installation, as its targets, newest rollout first. Another tenant's installation
   * has none, exactly as one that does not exist.
   */
  installationTargets(access: Access, installation: Installation, args: PageArgs) {
    const scope = access.tenantScope();
    const query = this.dataSource
      .getRepository(RolloutTarget)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.rollout', 'r')
      .where('t.installation_id = :installationId', { installationId: installation.id });
    if (scope !== null) query.andWhere('t.tenant_id = ANY(:scope)', { scope });
    return paginate(
      query,
      args,
      [
        { expression: 'r.created_at', direction: 'DESC', value: (t) => t.rollout!.createdAt.toISOString() },
        { expression: 't.id', direction: 'DESC', value: (t) => t.id },
      ],
      this.config.maxPageSize,
    );
  }
}
