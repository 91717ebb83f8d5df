import { inject, injectable } from 'tsyringe';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { conflict, forbidden, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import { MAX_LIST_ITEMS, paginate, type PageArgs } from '../../common/pagination';
import { Role } from '../../common/roles';
import type { Config } from '../../config';
import { RolloutEngine } from '../../engine/rollout-engine';
import { CONFIG } from '../../tokens';
import { Release } from '../release/release.entity';
import { RolloutTarget, TargetStatus } from './rollout-target.entity';
import { FailurePolicy, Rollout, RolloutStatus, TERMINAL_ROLLOUT_STATUSES } from './rollout.entity';
import type {
  AbortRolloutInput,
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
    const rollout = await this.dataSource.transaction(async (manager) => {
      // Holding the release row keeps it LOCKED (no unlock or rescind) until the rollout exists.
      if (isId(input.releaseId)) {
        await manager.getRepository(Release).findOne({ where: { id: input.releaseId }, lock: { mode: 'pessimistic_write' } });
      }
      const plan = await this.planner.plan(manager, access, input);
      if (plan.blockers.length > 0) {
        throw conflict(`The rollout cannot start: ${plan.blockers.join('; ')}`, { blockers: plan.blockers });
      }
      const created = await manager.getRepository(Rollout).save(
        manager.getRepository(Rollout).create({
          releaseId: plan.release.id,
          status: RolloutStatus.RUNNING,
          failurePolicy: input.failurePolicy ?? FailurePolicy.PAUSE,
          maxParallel: input.maxParallel ?? DEFAULT_MAX_PARALLEL,
          errorBudgetPercent: input.errorBudgetPercent ?? null,
          promoteAfterSeconds: input.promoteAfterSeconds ?? null,
          currentWave: 1,
          waveCount: plan.waveCount,
          reason: input.reason,
          createdBy: principal.kind === 'SYSTEM' ? 'system' : access.actor,
          startedAt: new Date(),
        }),
      );
      const rows = plan.targets.map((target, position) => ({
        rolloutId: created.id,
        installationId: target.installation.id,
        tenantId: target.installation.tenantId,
        wave: target.wave,
        position,
        status: TargetStatus.PENDING,
      }));
      for (let i = 0; i < rows.length; i += 1000) await manager.getRepository(RolloutTarget).insert(rows.slice(i, i + 1000));
      await this.audit.record(manager, access, {
        action: 'rollout.start',
        subjectType: 'Rollout',
        subjectId: created.id,
        reason: input.reason,
        after: {
          releaseId: plan.release.id,
          version: plan.release.version,
          targets: rows.length,
          waves: plan.waveCount,
          maxParallel: created.maxParallel,
          failurePolicy: created.failurePolicy,
          errorBudgetPercent: created.errorBudgetPercent,
        },
      });
      this.engine.emit(manager, {
        type: 'rollout.started',
        rolloutId: created.id,
        data: { status: created.status, targets: rows.length, waves: plan.waveCount },
      });
      await this.engine.advance(manager, created);
      await this.engine.flush(manager);
      return created;
    });
    this.engine.wake();
    return rollout;
  }

  /** Runs a command on a rollout the caller may act on, in one transaction holding its lock. */
  private async command<T>(
    access: Access,
    rolloutId: string,
    action: string,
    reason: string | null,
    work: (manager: EntityManager, rollout: Rollout) => Promise<T>,
  ): Promise<T> {
    access.require(Role.RELEASE_MANAGER);
    const result = await this.dataSource.transaction(async (manager) => {
      const rollout = await this.engine.lockRollout(manager, rolloutId);
      await this.requireWholeRollout(manager, access, rollout);
      const before = { status: rollout.status, currentWave: rollout.currentWave };
      const value = await work(manager, rollout);
      await this.audit.record(manager, access, {
        action,
        subjectType: 'Rollout',
        subjectId: rollout.id,
        reason,
        before,
        after: { status: rollout.status, currentWave: rollout.currentWave },
      });
      await this.engine.flush(manager);
      return value;
    });
    this.engine.wake();
    return result;
  }

  /** Whole-rollout commands need every target in the caller's tenants; a rollout it cannot see at all is NOT_FOUND. */
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
    return this.command(access, input.rolloutId, 'rollout.pause', input.reason ?? null, async (manager, rollout) => {
      if (rollout.status !== RolloutStatus.RUNNING && rollout.status !== RolloutStatus.WAITING_FOR_PROMOTION) {
        throw conflict(`The rollout is ${rollout.status}; only a RUNNING or WAITING_FOR_PROMOTION rollout can be paused`);
      }
      await this.engine.setRolloutStatus(manager, rollout, RolloutStatus.PAUSED, input.reason ?? 'Paused by a person');
      return rollout;
    });
  }

  resume(access: Access, rolloutId: string) {
    return this.command(access, rolloutId, 'rollout.resume', null, async (manager, rollout) => {
      if (rollout.status !== RolloutStatus.PAUSED)
        throw conflict(`The rollout is ${rollout.status}; only a PAUSED rollout can be resumed`);
      this.engine.acknowledgeFailures(rollout);
      await this.engine.setRolloutStatus(manager, rollout, RolloutStatus.RUNNING);
      await this.engine.advance(manager, rollout);
      return rollout;
    });
  }

  abort(access: Access, input: AbortRolloutInput) {
    return this.command(access, input.rolloutId, 'rollout.abort', input.reason, async (manager, rollout) => {
      if (TERMINAL_ROLLOUT_STATUSES.includes(rollout.status)) throw conflict(`The rollout is already ${rollout.status}`);
      await this.engine.stopRollout(manager, rollout, RolloutStatus.ABORTED, input.reason);
      return rollout;
    });
  }

  promote(access: Access, rolloutId: string) {
    return this.command(access, rolloutId, 'rollout.promote', null, async (manager, rollout) => {
      await this.engine.promote(manager, rollout);
      return rollout;
    });
  }

  /** Runs a command on one target, which must be in the caller's tenants; another tenant's target is NOT_FOUND. */
  private async targetCommand(
    access: Access,
    targetId: string,
    action: string,
    reason: string | null,
    work: (manager: EntityManager, rollout: Rollout, target: RolloutTarget) => Promise<void>,
  ): Promise<RolloutTarget> {
    access.require(Role.RELEASE_MANAGER);
    const target = await this.dataSource.transaction(async (manager) => {
      const found = isId(targetId) ? await manager.getRepository(RolloutTarget).findOneBy({ id: targetId }) : null;
      if (!found || !access.canSeeTenant(found.tenantId)) throw notFound('Rollout target', targetId);
      const rollout = await this.engine.lockRollout(manager, found.rolloutId);
      const locked = await manager
        .getRepository(RolloutTarget)
        .findOneOrFail({ where: { id: targetId }, lock: { mode: 'pessimistic_write' } });
      const before = { status: locked.status };
      await work(manager, rollout, locked);
      await this.audit.record(manager, access, {
        action,
        subjectType: 'RolloutTarget',
        subjectId: locked.id,
        tenantId: locked.tenantId,
        reason,
        before,
        after: { status: locked.status, rolloutId: rollout.id, rolloutStatus: rollout.status },
      });
      await this.engine.flush(manager);
      return locked;
    });
    this.engine.wake();
    return target;
  }

  approve(access: Access, targetId: string) {
    return this.targetCommand(access, targetId, 'rollout.target.approve', null, async (manager, rollout, target) => {
      if (target.status !== TargetStatus.AWAITING_APPROVAL)
        throw conflict(`The installation is ${target.status}, not AWAITING_APPROVAL`);
      target.status = TargetStatus.PENDING;
      target.approvedBy = access.actor;
      target.position = -1;
      await this.engine.saveTarget(manager, target);
      await this.engine.advance(manager, rollout);
      await manager
        .getRepository(RolloutTarget)
        .findOneByOrFail({ id: target.id })
        .then((fresh) => Object.assign(target, fresh));
    });
  }

  reject(access: Access, input: RejectRolloutTargetInput) {
    return this.targetCommand(access, input.targetId, 'rollout.target.reject', input.reason, async (manager, rollout, target) => {
      if (target.status !== TargetStatus.AWAITING_APPROVAL)
        throw conflict(`The installation is ${target.status}, not AWAITING_APPROVAL`);
      target.status = TargetStatus.REJECTED;
      target.statusReason = input.reason;
      target.finishedAt = new Date();
      await this.engine.saveTarget(manager, target);
      await this.engine.advance(manager, rollout);
    });
  }

  retry(access: Access, targetId: string) {
    return this.targetCommand(access, targetId, 'rollout.target.retry', null, async (manager, rollout, target) => {
      await this.engine.retryTarget(manager, rollout, target);
      await manager
        .getRepository(RolloutTarget)
        .findOneByOrFail({ id: target.id })
        .then((fresh) => Object.assign(target, fresh));
    });
  }

  /** A rollout is visible to a tenant-scoped caller when it reaches one of its tenants. */
  async find(access: Access, id: string): Promise<Rollout | null> {
    const scope = access.tenantScope();
    if (!isId(id)) return null;
    const rollout = await this.dataSource.getRepository(Rollout).findOneBy({ id });
    if (!rollout || scope === null) return rollout;
    const visible = await this.dataSource
      .getRepository(RolloutTarget)
      .createQueryBuilder('t')
      .where('t.rollout_id = :id AND t.tenant_id = ANY(:scope)', { id, scope })
      .getExists();
    return visible ? rollout : null;
  }

  list(access: Access, args: PageArgs, filter: RolloutFilter | null | undefined) {
    const scope = access.tenantScope();
    const query = this.dataSource.getRepository(Rollout).createQueryBuilder('r');
    if (scope !== null) {
      query.andWhere('EXISTS (SELECT 1 FROM rollout_target t WHERE t.rollout_id = r.id AND t.tenant_id = ANY(:scope))', {
        scope,
      });
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
}
