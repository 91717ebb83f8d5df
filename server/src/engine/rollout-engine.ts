/**
 * The rollout engine: the state machine of rollouts, their targets (one per installation) and deployments.
 *
 * Invariants — each one held by the code named beside it and checked by the generated scenarios of
 * test/engine/engine.model.int.test.ts after every step:
 *
 * 1. One deployment row per (target, component) for its first attempt: a target's stage is created once, when the
 *    target reaches it (`startStageFrom`, called only for a RUNNING target whose previous stage succeeded). A retry
 *    or a rollback adds rows only for what it redoes, each following (`previousDeploymentId`) the row it retries
 *    or undoes (`newDeployment`). The database holds this too (unique indexes `deployment_first_attempt`,
 *    `deployment_retries`).
 * 2. A deployment is handed to its driver once per attempt: the dispatcher hands over only rows still QUEUED and
 *    never dispatched, and marks them dispatched in the same transaction. A WEBHOOK request carries the
 *    deployment's id as its delivery id, the same on every network retry of that attempt.
 * 3. No rollout stays RUNNING with nothing in flight. Every transaction that can let a rollout move on (a target
 *    finished, a command ran) asks for it (`UnitOfWork.requestAdvance`); before commit `run` moves each such
 *    rollout on under its lock, or queues an advance job when another transaction holds the lock. So a RUNNING
 *    rollout always has a deployment with its driver, a target awaiting approval, or an advance job queued.
 * 4. Every terminal deployment, target and rollout has its finish time, and nothing else has one. Events are
 *    appended as the last statement of the transaction that made the change (`run`), under a lock that makes
 *    their order the commit order; a transaction that rolls back appends nothing.
 *
 * Locks, always in this order: the rollout row (commands and `advance`), then target rows (in id order when
 * several), then deployment rows. The work of one installation holds only its target's lock, so installations
 * progress in parallel on any replica; a transaction holding target locks takes a rollout lock only if it is free
 * (SKIP LOCKED), never waiting for it.
 */
import { inject, injectable } from 'tsyringe';
import { DataSource, In } from 'typeorm';
import { selectEntities, toEntities } from '../db/raw-rows';
import { EventService, EventType } from '../events/event.service';
import { conflict, notFound } from '../common/errors';
import { isId } from '../common/ids';
import { Application } from '../modules/application/application.entity';
import { DeploymentLogLine } from '../modules/deployment/deployment-log.entity';
import { Deployment, DeploymentKind, DeploymentStatus } from '../modules/deployment/deployment.entity';
import { ReleaseComponent } from '../modules/release/release-component.entity';
import { RolloutTarget, TargetStatus } from '../modules/rollout/rollout-target.entity';
import { FailurePolicy, PauseCause, Rollout, RolloutStatus, TERMINAL_ROLLOUT_STATUSES } from '../modules/rollout/rollout.entity';
import type { Installation } from '../modules/tenant/installation.entity';
import { JOB_QUEUE } from '../tokens';
import {
  afterWave,
  errorBudgetExceeded,
  freeSlots,
  onTargetFailure,
  pausesOnFailure,
  planStage,
  stagesFrom,
  targetEndWithoutStages,
} from './decisions';
import { applyOutcome, canMove, isFailure, isFinished, type DeploymentOutcome } from './deployment-lifecycle';
import { insertDeployments, newDeployment, recordInstantRun, recordRunning, writeDeploymentStates } from './deployment-writes';
import { deploymentEvent, rolloutEvent, rolloutStartedEvent, rolloutStatusEvent, targetEvent } from './engine-events';
import { JobQueue, QUEUES } from './job-queue';
import { rollbackOptions } from './rollback-options';
import { UnitOfWork, type OutcomeOf, type Running } from './unit-of-work';

export { canMove } from './deployment-lifecycle';
export type { DeploymentOutcome } from './deployment-lifecycle';

/**
 * Release components by rollout. A rollout's release stays LOCKED while the rollout is under way (unlocking it
 * then puts it ON_HOLD, where components cannot change either), so one read serves the rollout's whole life.
 */
const componentCache = new Map<string, readonly ReleaseComponent[]>();
/** Rollouts whose components are kept; past this the oldest are read again when needed. */
const MAX_CACHED_ROLLOUTS = 100;

/**
 * A rollout's lock. NO KEY UPDATE, not UPDATE: every deployment inserted for the rollout holds a KEY SHARE lock
 * on its row until commit (the foreign key), which FOR UPDATE conflicts with, so a busy rollout's lock would
 * nearly never be free to take without waiting. Rollout ids never change, so the weaker lock excludes all
 * that needs excluding: other holders of this lock and updates of the row.
 */
const ROLLOUT_LOCK = 'SELECT * FROM rollout WHERE id = $1 FOR NO KEY UPDATE';

const OPEN_TARGET_STATUSES = [TargetStatus.PENDING, TargetStatus.AWAITING_APPROVAL, TargetStatus.RUNNING];

/** A new rollout as the planner chose it. */
export interface RolloutSpec {
  releaseId: string;
  failurePolicy: FailurePolicy;
  maxParallel: number;
  errorBudgetPercent: number | null;
  promoteAfterSeconds: number | null;
  waveCount: number;
  reason: string;
  createdBy: string;
  targets: { installationId: string; tenantId: string; wave: number }[];
}

/** A deployment's report from its driver or a person. */
export interface DeploymentReport {
  status: DeploymentStatus;
  message?: string | null;
  externalUrl?: string | null;
}

@injectable()
export class RolloutEngine {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    private readonly events: EventService,
    @inject(JOB_QUEUE) private readonly jobs: JobQueue,
  ) {}

  /**
   * Runs `work` as one transaction: then moves on every rollout it asked for, appends its events as the last
   * statement, commits, and wakes this replica's workers for the jobs it queued.
   */
  async run<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(async (manager) => {
      const uow = new UnitOfWork(manager);
      const value = await work(uow);
      await this.moveRolloutsOn(uow);
      await this.events.append(manager, uow.seal());
      return value;
    });
    this.jobs.wake();
    return result;
  }

  private async moveRolloutsOn(uow: UnitOfWork): Promise<void> {
    for (let id = uow.nextAdvance(); id !== undefined; id = uow.nextAdvance()) {
      const rollout = uow.lockedRollout(id) ?? (await this.tryLockRollout(uow, id));
      if (rollout) {
        await this.advance(uow, rollout);
      } else {
        // Another transaction holds the lock: a job moves the rollout on after this commit, seeing what it did.
        await this.jobs.send(uow.manager, QUEUES.advance, { rolloutId: id });
      }
      uow.advanced(id);
    }
  }

  async lockRollout(uow: UnitOfWork, id: string): Promise<Rollout> {
    const [rollout] = isId(id) ? await selectEntities(uow.manager, Rollout, ROLLOUT_LOCK, [id]) : [];
    if (!rollout) throw notFound('Rollout', id);
    uow.holdLock(rollout);
    return rollout;
  }

  /** The rollout's lock if it is free now; never waits (the caller may hold target locks). */
  private async tryLockRollout(uow: UnitOfWork, id: string): Promise<Rollout | null> {
    const [rollout] = await selectEntities(uow.manager, Rollout, `${ROLLOUT_LOCK} SKIP LOCKED`, [id]);
    if (rollout) uow.holdLock(rollout);
    return rollout ?? null;
  }

  /** A target's row lock: the work of one installation holds this, not the rollout's. */
  async lockTarget(uow: UnitOfWork, id: string): Promise<RolloutTarget | null> {
    const [target] = await selectEntities(uow.manager, RolloutTarget, 'SELECT * FROM rollout_target WHERE id = $1 FOR UPDATE', [
      id,
    ]);
    return target ?? null;
  }

  /** The rollout's release components, by stage; read once per rollout (see componentCache). */
  async components(uow: UnitOfWork, rollout: Rollout): Promise<readonly ReleaseComponent[]> {
    let components = componentCache.get(rollout.id);
    if (!components) {
      components = await uow.manager
        .getRepository(ReleaseComponent)
        .find({ where: { releaseId: rollout.releaseId }, order: { stage: 'ASC' } });
      if (componentCache.size >= MAX_CACHED_ROLLOUTS) componentCache.delete(componentCache.keys().next().value!);
      componentCache.set(rollout.id, components);
    }
    return components;
  }

  /** What runs on the installation now, read once per unit of work and kept current as deployments succeed. */
  private async runningOn(uow: UnitOfWork, installationId: string): Promise<Map<string, Running>> {
    let running = uow.running.get(installationId);
    if (!running) {
      const rows: { application_id: string; artifact_id: string; deployment_id: string }[] = await uow.manager.query(
        'SELECT application_id, artifact_id, deployment_id FROM running_artifact WHERE installation_id = $1',
        [installationId],
      );
      running = new Map(
        rows.map((row) => [row.application_id, { artifactId: row.artifact_id, deploymentId: row.deployment_id }]),
      );
      uow.running.set(installationId, running);
    }
    return running;
  }

  // ---- Commands (the caller checked access and holds the rollout's lock from lockRollout) ----

  /** Creates the rollout and its targets, RUNNING; its first installations start before commit. */
  async startRollout(uow: UnitOfWork, spec: RolloutSpec): Promise<Rollout> {
    const repository = uow.manager.getRepository(Rollout);
    const rollout = await repository.save(
      repository.create({
        releaseId: spec.releaseId,
        status: RolloutStatus.RUNNING,
        failurePolicy: spec.failurePolicy,
        maxParallel: spec.maxParallel,
        errorBudgetPercent: spec.errorBudgetPercent,
        promoteAfterSeconds: spec.promoteAfterSeconds,
        currentWave: 1,
        waveCount: spec.waveCount,
        reason: spec.reason,
        createdBy: spec.createdBy,
        startedAt: new Date(),
      }),
    );
    uow.holdLock(rollout);
    const rows = spec.targets.map((target, position) => ({
      rolloutId: rollout.id,
      installationId: target.installationId,
      tenantId: target.tenantId,
      wave: target.wave,
      position,
      status: TargetStatus.PENDING,
    }));
    for (let i = 0; i < rows.length; i += 1000) await uow.manager.getRepository(RolloutTarget).insert(rows.slice(i, i + 1000));
    uow.emit(rolloutStartedEvent(rollout, rows.length));
    uow.requestAdvance(rollout.id);
    return rollout;
  }

  async pause(uow: UnitOfWork, rollout: Rollout, reason: string): Promise<void> {
    if (rollout.status !== RolloutStatus.RUNNING && rollout.status !== RolloutStatus.WAITING_FOR_PROMOTION) {
      throw conflict(`The rollout is ${rollout.status}; only a RUNNING or WAITING_FOR_PROMOTION rollout can be paused`);
    }
    await this.setRolloutStatus(uow, rollout, RolloutStatus.PAUSED, reason, PauseCause.PERSON);
  }

  /** Pauses a rollout whose next step Shiplog could not take (see JobQueue.workGaveUp); resuming tries again. */
  async pauseStuck(uow: UnitOfWork, rollout: Rollout, reason: string): Promise<void> {
    if (rollout.status !== RolloutStatus.RUNNING && rollout.status !== RolloutStatus.WAITING_FOR_PROMOTION) return;
    await this.setRolloutStatus(uow, rollout, RolloutStatus.PAUSED, reason, PauseCause.ENGINE);
  }

  /** Failures so far have been seen: only later ones pause the rollout again. */
  async resume(uow: UnitOfWork, rollout: Rollout): Promise<void> {
    if (rollout.status !== RolloutStatus.PAUSED)
      throw conflict(`The rollout is ${rollout.status}; only a PAUSED rollout can be resumed`);
    rollout.acknowledgedAt = new Date();
    await this.setRolloutStatus(uow, rollout, RolloutStatus.RUNNING);
    uow.requestAdvance(rollout.id);
  }

  /**
   * Leaves targets out of the rollout with the reason: SKIPPED (yet to start, e.g. on a newer release when the
   * rollout resumes) or EXCLUDED (a person's choice; a FAILED target may be excluded too). Each must be in this
   * rollout and not running; the targets are locked in id order. Nothing is deployed for them afterwards: `advance`
   * starts only PENDING targets and `retry` only FAILED ones.
   */
  async skipTargets(
    uow: UnitOfWork,
    rollout: Rollout,
    targetIds: string[],
    reason: string,
    { as = TargetStatus.SKIPPED }: { as?: TargetStatus.SKIPPED | TargetStatus.EXCLUDED } = {},
  ): Promise<void> {
    const allowed =
      as === TargetStatus.EXCLUDED
        ? [TargetStatus.PENDING, TargetStatus.AWAITING_APPROVAL, TargetStatus.FAILED]
        : [TargetStatus.PENDING, TargetStatus.AWAITING_APPROVAL];
    for (const id of [...new Set(targetIds)].sort()) {
      const target = isId(id) ? await this.lockTarget(uow, id) : null;
      if (!target || target.rolloutId !== rollout.id) throw notFound('Rollout target', id);
      if (!allowed.includes(target.status))
        throw conflict(
          as === TargetStatus.EXCLUDED
            ? `The installation is ${target.status}; only a FAILED one or one that has not started can be excluded`
            : `The installation is ${target.status}; only one that has not started can be left out`,
        );
      await this.finishTarget(uow, target, as, reason);
    }
  }

  async abort(uow: UnitOfWork, rollout: Rollout, reason: string): Promise<void> {
    if (TERMINAL_ROLLOUT_STATUSES.includes(rollout.status)) throw conflict(`The rollout is already ${rollout.status}`);
    await this.stopRollout(uow, rollout, RolloutStatus.ABORTED, reason);
  }

  /** Moves to the next wave (a person's promotion or the timer). */
  async promote(uow: UnitOfWork, rollout: Rollout): Promise<void> {
    if (rollout.status !== RolloutStatus.WAITING_FOR_PROMOTION) {
      throw conflict(`The rollout is ${rollout.status}; only one WAITING_FOR_PROMOTION can be promoted`);
    }
    rollout.currentWave += 1;
    await this.setRolloutStatus(uow, rollout, RolloutStatus.RUNNING);
    uow.emit(rolloutEvent(rollout, EventType.ROLLOUT_PROMOTED));
    uow.requestAdvance(rollout.id);
  }

  /** An installation awaiting approval may start: it goes first when a slot of its wave is free. */
  async approve(uow: UnitOfWork, rollout: Rollout, target: RolloutTarget, actor: string): Promise<void> {
    if (target.status !== TargetStatus.AWAITING_APPROVAL)
      throw conflict(`The installation is ${target.status}, not AWAITING_APPROVAL`);
    target.status = TargetStatus.PENDING;
    target.approvedBy = actor;
    target.position = -1;
    await this.saveTarget(uow, target);
    uow.requestAdvance(rollout.id);
  }

  async reject(uow: UnitOfWork, rollout: Rollout, target: RolloutTarget, reason: string): Promise<void> {
    if (target.status !== TargetStatus.AWAITING_APPROVAL)
      throw conflict(`The installation is ${target.status}, not AWAITING_APPROVAL`);
    await this.finishTarget(uow, target, TargetStatus.REJECTED, reason);
  }

  /**
   * Starts a failed installation again from its current stage: each failed or cancelled deployment there gets its
   * next attempt. A paused rollout resumes unless `resume` is false: then only this installation runs (its
   * deployments go on while the rollout is paused) and nothing else starts.
   */
  async retry(uow: UnitOfWork, rollout: Rollout, target: RolloutTarget, { resume = true } = {}): Promise<void> {
    if (TERMINAL_ROLLOUT_STATUSES.includes(rollout.status))
      throw conflict(`The rollout is ${rollout.status}; it cannot be retried`);
    if (target.status !== TargetStatus.FAILED)
      throw conflict(`The installation is ${target.status}; only a FAILED one can be retried`);
    const latest = await this.latestOfStage(uow, target, DeploymentKind.ROLLOUT, target.currentStage);
    const again = latest.filter((d) => isFailure(d.status));
    target.status = TargetStatus.RUNNING;
    target.statusReason = null;
    target.finishedAt = null;
    await this.saveTarget(uow, target);
    if (again.length > 0) {
      const now = new Date();
      await this.queueDeployments(
        uow,
        again.map((failed) =>
          newDeployment({
            ...failed,
            kind: DeploymentKind.ROLLOUT,
            reason: `Retry: ${rollout.reason}`,
            triggeredBy: rollout.createdBy,
            follows: failed,
            now,
          }),
        ),
      );
    } else {
      await this.settleTarget(uow, rollout, target);
    }
    if (rollout.status === RolloutStatus.PAUSED && resume) {
      rollout.acknowledgedAt = new Date();
      await this.setRolloutStatus(uow, rollout, RolloutStatus.RUNNING);
    } else if (rollout.status === RolloutStatus.WAITING_FOR_PROMOTION && target.wave === rollout.currentWave) {
      // The wave that waited for promotion is open again: the rollout runs until this installation finishes and
      // then waits again. A promotion timer set when the wave first ended still counts from then.
      await this.setRolloutStatus(uow, rollout, RolloutStatus.RUNNING);
    }
    uow.requestAdvance(rollout.id);
  }

  /**
   * Redeploys, for each chosen application (all when `applicationSlugs` is empty), the artifact that ran
   * successfully on the installation before the current one, as ROLLBACK deployments following the ones they undo.
   * The caller holds the installation's row lock.
   */
  async rollBackInstallation(
    uow: UnitOfWork,
    installation: Installation,
    applicationSlugs: string[] | null | undefined,
    reason: string,
    actor: string,
  ): Promise<Deployment[]> {
    const { manager } = uow;
    const running = await this.runningOn(uow, installation.id);
    const applications = await manager.getRepository(Application).findBy({ id: In([...running.keys()]) });
    const slugOf = new Map(applications.map((a) => [a.id, a.slug]));
    const wanted = applicationSlugs?.length ? new Set(applicationSlugs) : null;
    // Refusals name the installation as the dashboard does (tenant / installation): a person may act on several.
    const where = async () => {
      const [tenant]: { slug: string }[] = await manager.query('SELECT slug FROM tenant WHERE id = $1', [installation.tenantId]);
      return `${tenant?.slug ?? ''} / ${installation.slug}`;
    };
    if (wanted) {
      const unknown = [...wanted].filter((slug) => !applications.some((a) => a.slug === slug));
      if (unknown.length > 0) throw notFound('Running application', unknown.join("', '"));
    }
    // What each application would return to; one being deployed there now (by a rollout or an earlier rollback)
    // is left alone.
    const [{ previous, busy }] = await rollbackOptions(manager, [installation.id]);
    // The rollouts that put the current versions there hear of the rollback (their live pages show it).
    const placedBy: { id: string; rollout_id: string | null }[] = await manager.query(
      'SELECT id, rollout_id FROM deployment WHERE id = ANY($1::uuid[])',
      [[...running.values()].map((r) => r.deploymentId)],
    );
    const rolloutOf = new Map(placedBy.map((row) => [row.id, row.rollout_id]));
    const now = new Date();
    const rows: Deployment[] = [];
    for (const [applicationId, current] of running) {
      if (wanted && !wanted.has(slugOf.get(applicationId)!)) continue;
      if (busy.has(applicationId)) {
        if (wanted)
          throw conflict(`${slugOf.get(applicationId)} is being deployed on ${await where()}; wait until it has finished`);
        continue;
      }
      const previousArtifactId = previous.get(applicationId);
      if (!previousArtifactId) {
        if (wanted) throw conflict(`${slugOf.get(applicationId)} has no earlier good artifact on ${await where()} to return to`);
        continue;
      }
      rows.push(
        newDeployment({
          installationId: installation.id,
          tenantId: installation.tenantId,
          applicationId,
          artifactId: previousArtifactId,
          kind: DeploymentKind.ROLLBACK,
          reason,
          triggeredBy: actor,
          follows: { id: current.deploymentId, attempt: 1, rolloutId: rolloutOf.get(current.deploymentId) },
          now,
        }),
      );
    }
    if (rows.length === 0)
      throw conflict(
        `Nothing on ${await where()} can be rolled back now: no earlier good artifact, or a deployment is under way`,
      );
    await this.queueDeployments(uow, rows);
    return rows;
  }

  /**
   * A report from a driver or a person. Repeating the current status changes nothing; a move the lifecycle does
   * not allow (e.g. SUCCEEDED → IN_PROGRESS) is a CONFLICT. The caller holds the deployment's target lock.
   */
  async report(uow: UnitOfWork, deployment: Deployment, report: DeploymentReport): Promise<void> {
    if (deployment.status === report.status) return;
    if (!canMove(deployment.status, report.status)) {
      throw conflict(`Deployment ${deployment.id} is ${deployment.status}; it cannot become ${report.status}`, {
        currentStatus: deployment.status,
      });
    }
    if (report.status === DeploymentStatus.IN_PROGRESS) {
      deployment.status = DeploymentStatus.IN_PROGRESS;
      deployment.startedAt ??= new Date();
      deployment.dispatchedAt ??= deployment.startedAt;
      deployment.message = report.message ?? deployment.message;
      deployment.externalUrl = report.externalUrl ?? deployment.externalUrl;
      await writeDeploymentStates(uow.manager, [deployment]);
      uow.emit(deploymentEvent(deployment));
    } else {
      const outcome = { status: report.status, message: report.message, externalUrl: report.externalUrl } as DeploymentOutcome;
      await this.finishDeployments(uow, [deployment], () => outcome);
    }
    if (report.message) await this.appendLog(uow, [deployment], report.message);
  }

  /** Deployments a driver has started on (they keep going after the transaction). */
  async markInProgress(uow: UnitOfWork, deployments: Deployment[]): Promise<void> {
    const now = new Date();
    for (const deployment of deployments) {
      deployment.status = DeploymentStatus.IN_PROGRESS;
      deployment.startedAt ??= now;
    }
    await writeDeploymentStates(uow.manager, deployments);
    uow.emit(...deployments.map(deploymentEvent));
  }

  async appendLog(uow: UnitOfWork, deployments: Deployment[], line: string): Promise<void> {
    if (deployments.length === 0) return;
    await uow.manager.getRepository(DeploymentLogLine).insert(deployments.map((d) => ({ deploymentId: d.id, line })));
  }

  // ---- Deployments finishing ----

  /**
   * Records the outcome of deployments (reported, simulated, cancelled or undeliverable), keeps "what runs where"
   * current and moves each affected target on. The caller holds the lock of each affected target.
   */
  async finishDeployments(uow: UnitOfWork, deployments: Deployment[], outcome: OutcomeOf, knownTarget?: RolloutTarget) {
    const now = new Date();
    for (const deployment of deployments) applyOutcome(deployment, outcome(deployment), now);
    await writeDeploymentStates(uow.manager, deployments);
    const succeeded = deployments.filter((d) => d.status === DeploymentStatus.SUCCEEDED);
    for (const d of succeeded)
      uow.running.get(d.installationId)?.set(d.applicationId, { artifactId: d.artifactId, deploymentId: d.id });
    await recordRunning(uow.manager, succeeded, now);
    uow.emit(...deployments.map(deploymentEvent));

    const targetIds = [...new Set(deployments.map((d) => d.targetId).filter((id): id is string => id !== null))];
    if (targetIds.length === 0) return;
    const targets =
      knownTarget && targetIds.length === 1 && targetIds[0] === knownTarget.id
        ? [knownTarget]
        : await uow.manager.getRepository(RolloutTarget).findBy({ id: In(targetIds) });
    const rollouts = new Map<string, Rollout>();
    for (const target of targets) {
      let rollout = uow.lockedRollout(target.rolloutId) ?? rollouts.get(target.rolloutId);
      if (!rollout) {
        rollout = await uow.manager.getRepository(Rollout).findOneByOrFail({ id: target.rolloutId });
        rollouts.set(rollout.id, rollout);
      }
      await this.settleTarget(uow, rollout, target);
    }
  }

  /**
   * An instant driver's whole run of a target (SIMULATED without delay), in the caller's transaction: finishes
   * `queued` (every deployment of the target's current stage left to deploy), records each later stage already
   * finished, and finishes the target. The same rows and events as going stage by stage through
   * `finishDeployments`, written with one statement per kind of row instead of a round of statements per stage;
   * the target's row is written once, at the end. The caller holds the target's lock.
   */
  async runInstantly(uow: UnitOfWork, rollout: Rollout, target: RolloutTarget, queued: Deployment[], outcome: OutcomeOf) {
    const now = new Date();
    const running = await this.runningOn(uow, target.installationId);
    const finish = (deployments: Deployment[]): Deployment[] => {
      for (const deployment of deployments) {
        applyOutcome(deployment, outcome(deployment), now);
        if (deployment.status === DeploymentStatus.SUCCEEDED) {
          running.set(deployment.applicationId, { artifactId: deployment.artifactId, deploymentId: deployment.id });
        }
      }
      uow.emit(...deployments.map(deploymentEvent));
      return deployments.filter((d) => isFailure(d.status));
    };

    let failed = finish(queued);
    const created: Deployment[] = [];
    if (failed.length === 0) {
      const components = await this.components(uow, rollout);
      for (const stage of stagesFrom(components, (target.currentStage ?? 0) + 1)) {
        const rows = this.stageRows(rollout, target, components, stage, running, now);
        created.push(...rows);
        uow.emit(...rows.map(deploymentEvent));
        const stageQueued = rows.filter((d) => d.status === DeploymentStatus.QUEUED);
        if (stageQueued.length === 0) continue;
        target.currentStage = stage;
        uow.emit(targetEvent(target));
        failed = finish(stageQueued);
        if (failed.length > 0) break;
      }
    }
    await recordInstantRun(uow.manager, queued, created, now);
    // `queued` was deployed, so the target did deploy something: it SUCCEEDED unless a stage failed.
    if (failed.length > 0) await this.targetFailed(uow, rollout, target, failed);
    else await this.finishTarget(uow, target, TargetStatus.SUCCEEDED);
  }

  // ---- The state machine ----

  /**
   * Moves the rollout forward as far as it can go now: pauses or fails it for failures, starts targets of the
   * current wave up to maxParallel, and ends the wave (waiting for promotion) or the rollout when every target
   * of it has finished. Called only by `run`, under the rollout's lock, never from within itself.
   */
  private async advance(uow: UnitOfWork, rollout: Rollout): Promise<void> {
    if (rollout.status !== RolloutStatus.RUNNING) return;
    if (await this.stopForFailures(uow, rollout)) return;
    const { manager } = uow;
    let components: readonly ReleaseComponent[] | undefined;
    const [{ count }]: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM rollout_target WHERE rollout_id = $1 AND status = 'RUNNING' AND wave = $2`,
      [rollout.id, rollout.currentWave],
    );
    let running = Number(count);
    for (let slots = freeSlots(rollout.maxParallel, running); slots > 0; slots = freeSlots(rollout.maxParallel, running)) {
      // The next pending targets, and whether their installations require approval. Every target this loop
      // starts leaves PENDING before the next read, so none is read (and started) twice.
      const rows: (Record<string, unknown> & { requires_approval: boolean })[] = await manager.query(
        `SELECT t.*, i.requires_approval
           FROM rollout_target t JOIN installation i ON i.id = t.installation_id
          WHERE t.rollout_id = $1 AND t.status = 'PENDING' AND t.wave = $2
          ORDER BY t.position LIMIT $3`,
        [rollout.id, rollout.currentWave, slots],
      );
      if (rows.length === 0) break;
      const next = toEntities(manager, RolloutTarget, rows);
      components ??= await this.components(uow, rollout);
      for (const [index, target] of next.entries()) {
        if (rows[index].requires_approval && !target.approvedBy) {
          target.status = TargetStatus.AWAITING_APPROVAL;
          await this.saveTarget(uow, target);
        } else {
          await this.startTarget(uow, rollout, target, components);
        }
      }
      // Targets that wait for approval, or had nothing to deploy and finished at once, leave their slot free.
      running += next.filter((t) => t.status === TargetStatus.RUNNING).length;
      if (next.length < slots) break;
    }
    // A wave with a target running has not ended.
    if (running === 0) await this.endWaveIfDone(uow, rollout);
  }

  private async endWaveIfDone(uow: UnitOfWork, rollout: Rollout): Promise<void> {
    const [{ open, unsuccessful }]: { open: string; unsuccessful: string }[] = await uow.manager.query(
      `SELECT count(*) FILTER (WHERE wave = $2 AND status = ANY($3)) AS open,
              count(*) FILTER (WHERE status <> ALL($4)) AS unsuccessful
         FROM rollout_target WHERE rollout_id = $1`,
      // An installation a person excluded does not count against the rollout: they chose to go on without it.
      [
        rollout.id,
        rollout.currentWave,
        OPEN_TARGET_STATUSES,
        [TargetStatus.SUCCEEDED, TargetStatus.SKIPPED, TargetStatus.EXCLUDED],
      ],
    );
    if (Number(open) > 0) return;
    uow.emit(rolloutEvent(rollout, EventType.ROLLOUT_WAVE_COMPLETED, { wave: rollout.currentWave, waves: rollout.waveCount }));
    const end = afterWave(rollout.currentWave, rollout.waveCount, Number(unsuccessful));
    switch (end.next) {
      case 'WAIT_FOR_PROMOTION':
        await this.setRolloutStatus(uow, rollout, RolloutStatus.WAITING_FOR_PROMOTION);
        if (rollout.promoteAfterSeconds !== null) {
          await this.jobs.send(
            uow.manager,
            QUEUES.promote,
            { rolloutId: rollout.id, wave: rollout.currentWave },
            { startAfter: new Date(Date.now() + rollout.promoteAfterSeconds * 1000) },
          );
        }
        return;
      case 'SUCCEEDED':
        return this.setRolloutStatus(uow, rollout, RolloutStatus.SUCCEEDED);
      case 'FAILED':
        return this.setRolloutStatus(uow, rollout, RolloutStatus.FAILED, end.reason);
    }
  }

  private async startTarget(uow: UnitOfWork, rollout: Rollout, target: RolloutTarget, components: readonly ReleaseComponent[]) {
    target.baseline = Object.fromEntries(
      [...(await this.runningOn(uow, target.installationId))].map(([applicationId, running]) => [
        applicationId,
        running.artifactId,
      ]),
    );
    target.status = TargetStatus.RUNNING;
    target.startedAt = new Date();
    target.finishedAt = null;
    await this.startStageFrom(uow, rollout, target, components, 1);
  }

  /** The first-attempt rows of a target's stage: deployed, or SKIPPED when the artifact already runs there. */
  private stageRows(
    rollout: Rollout,
    target: RolloutTarget,
    components: readonly ReleaseComponent[],
    stage: number,
    running: ReadonlyMap<string, Running>,
    now: Date,
  ): Deployment[] {
    return planStage(components, stage, (applicationId) => running.get(applicationId)?.artifactId).map(({ component, skip }) =>
      newDeployment({
        installationId: target.installationId,
        tenantId: target.tenantId,
        applicationId: component.applicationId,
        artifactId: component.artifactId!,
        rolloutId: rollout.id,
        targetId: target.id,
        stage,
        kind: DeploymentKind.ROLLOUT,
        reason: rollout.reason,
        triggeredBy: rollout.createdBy,
        skipped: skip,
        now,
      }),
    );
  }

  /**
   * Creates the deployments of the first stage at or after `stage` that has anything to deploy (stages where
   * everything already runs are recorded as SKIPPED on the way) and hands them over. Finishes the target when no
   * stage is left.
   */
  private async startStageFrom(
    uow: UnitOfWork,
    rollout: Rollout,
    target: RolloutTarget,
    components: readonly ReleaseComponent[],
    stage: number,
  ): Promise<void> {
    const running = await this.runningOn(uow, target.installationId);
    for (const next of stagesFrom(components, stage)) {
      target.currentStage = next;
      const rows = this.stageRows(rollout, target, components, next, running, new Date());
      await insertDeployments(uow.manager, rows);
      uow.emit(...rows.map(deploymentEvent));
      const queued = rows.filter((deployment) => deployment.status === DeploymentStatus.QUEUED);
      if (queued.length === 0) continue;
      await this.saveTarget(uow, target);
      const instant = uow.instantDriver?.targetIds.has(target.id)
        ? await uow.instantDriver.outcomeFor(uow, target.installationId)
        : null;
      if (instant) {
        // An instant driver finishes the stage here, in this transaction.
        uow.stages.set(target.id, { stage: next, deployments: rows });
        await this.finishDeployments(uow, queued, instant, target);
      } else {
        await this.jobs.send(uow.manager, QUEUES.dispatch, {
          deploymentIds: queued.map((deployment) => deployment.id),
          targetId: target.id,
          wholeStage: true,
        });
      }
      return;
    }
    const [{ deployed }]: { deployed: boolean }[] = await uow.manager.query(
      `SELECT EXISTS (SELECT 1 FROM deployment WHERE target_id = $1 AND status <> $2) AS deployed`,
      [target.id, DeploymentStatus.SKIPPED],
    );
    const end = targetEndWithoutStages(deployed);
    await this.finishTarget(
      uow,
      target,
      TargetStatus[end],
      end === 'SKIPPED' ? 'Every component already ran this release' : null,
    );
  }

  /** Inserts QUEUED deployments of one installation, announces them and queues their hand-over to its driver. */
  private async queueDeployments(uow: UnitOfWork, rows: Deployment[]): Promise<void> {
    await insertDeployments(uow.manager, rows);
    uow.emit(...rows.map(deploymentEvent));
    await this.jobs.send(uow.manager, QUEUES.dispatch, {
      deploymentIds: rows.map((d) => d.id),
      ...(rows[0].targetId ? { targetId: rows[0].targetId } : {}),
    });
  }

  /** The latest attempt of each application of a target's stage (a retry supersedes a failure). */
  private async latestOfStage(uow: UnitOfWork, target: RolloutTarget, kind: DeploymentKind, stage: number | null) {
    return selectEntities(
      uow.manager,
      Deployment,
      `SELECT DISTINCT ON (application_id) * FROM deployment
        WHERE target_id = $1 AND kind = $2 AND ($3::int IS NULL OR stage = $3)
        ORDER BY application_id, attempt DESC, queued_at DESC, id DESC`,
      [target.id, kind, stage],
    );
  }

  /** Decides what a target does next once deployments of its current stage (or its rollback) have finished. */
  private async settleTarget(uow: UnitOfWork, rollout: Rollout, target: RolloutTarget): Promise<void> {
    if (target.status !== TargetStatus.RUNNING) return;
    if (target.rollingBack) {
      const rollbacks = await this.latestOfStage(uow, target, DeploymentKind.ROLLBACK, null);
      if (rollbacks.some((d) => !isFinished(d.status))) return;
      const failed = rollbacks.filter((d) => d.status !== DeploymentStatus.SUCCEEDED);
      if (failed.length === 0) await this.finishTarget(uow, target, TargetStatus.ROLLED_BACK, target.statusReason);
      else await this.finishTarget(uow, target, TargetStatus.FAILED, `Rollback failed: ${target.statusReason ?? ''}`.trim());
      return;
    }
    const known = uow.stages.get(target.id);
    uow.stages.delete(target.id);
    const stage =
      known && known.stage === target.currentStage
        ? known.deployments
        : await this.latestOfStage(uow, target, DeploymentKind.ROLLOUT, target.currentStage);
    if (stage.some((d) => !isFinished(d.status))) return;
    const failed = stage.filter((d) => isFailure(d.status));
    if (failed.length > 0) return this.targetFailed(uow, rollout, target, failed);
    await this.startStageFrom(uow, rollout, target, await this.components(uow, rollout), (target.currentStage ?? 0) + 1);
  }

  private async targetFailed(uow: UnitOfWork, rollout: Rollout, target: RolloutTarget, failed: Deployment[]) {
    const reason = `Stage ${target.currentStage} failed: ${failed.map((d) => d.message ?? d.status).join('; ')}`;
    if (onTargetFailure(rollout.failurePolicy) === 'ROLL_BACK') await this.rollBackTarget(uow, rollout, target, reason);
    else await this.finishTarget(uow, target, TargetStatus.FAILED, reason);
  }

  /** Redeploys what ran on the installation before this rollout touched it, as ROLLBACK deployments. */
  private async rollBackTarget(uow: UnitOfWork, rollout: Rollout, target: RolloutTarget, reason: string) {
    const running = await this.runningOn(uow, target.installationId);
    const changed = [...running].filter(
      ([applicationId, now]) => target.baseline[applicationId] && target.baseline[applicationId] !== now.artifactId,
    );
    if (changed.length === 0) {
      await this.finishTarget(uow, target, TargetStatus.ROLLED_BACK, `${reason}; nothing had changed`);
      return;
    }
    target.rollingBack = true;
    target.statusReason = reason;
    await this.saveTarget(uow, target);
    const now = new Date();
    await this.queueDeployments(
      uow,
      changed.map(([applicationId, current]) =>
        newDeployment({
          installationId: target.installationId,
          tenantId: target.tenantId,
          applicationId,
          artifactId: target.baseline[applicationId],
          rolloutId: rollout.id,
          targetId: target.id,
          kind: DeploymentKind.ROLLBACK,
          reason: `Rollback: ${reason}`,
          triggeredBy: 'system',
          follows: { id: current.deploymentId, attempt: 1 },
          now,
        }),
      ),
    );
  }

  /**
   * Applies the failures' effect on the whole rollout (under its lock): the error budget fails it, and with PAUSE
   * a failure since it was last resumed pauses it. True when it stopped or paused.
   */
  private async stopForFailures(uow: UnitOfWork, rollout: Rollout): Promise<boolean> {
    const pauses = pausesOnFailure(rollout.failurePolicy);
    if (!pauses && rollout.errorBudgetPercent === null) return false;
    const since = rollout.acknowledgedAt ?? rollout.startedAt ?? rollout.createdAt;
    if (rollout.errorBudgetPercent !== null) {
      const [row]: { total: string; failed: string }[] = await uow.manager.query(
        `SELECT count(*) AS total, count(*) FILTER (WHERE status = ANY($2) OR rolling_back) AS failed
           FROM rollout_target WHERE rollout_id = $1`,
        [rollout.id, [TargetStatus.FAILED, TargetStatus.ROLLED_BACK]],
      );
      const failed = Number(row.failed);
      const total = Number(row.total);
      if (errorBudgetExceeded(rollout.errorBudgetPercent, failed, total)) {
        const percent = ((failed * 100) / total).toFixed(1);
        await this.stopRollout(
          uow,
          rollout,
          RolloutStatus.FAILED,
          `Error budget exceeded: ${failed} of ${total} installation${total === 1 ? '' : 's'} failed (${percent}% > ${rollout.errorBudgetPercent}%)`,
        );
        return true;
      }
    }
    if (!pauses) return false;
    // Only the latest failure since the last acknowledgement: an index lookup of the rollout's FAILED targets.
    const [fresh]: { reason: string | null }[] = await uow.manager.query(
      `SELECT status_reason AS reason FROM rollout_target
        WHERE rollout_id = $1 AND status = 'FAILED' AND finished_at > $2
        ORDER BY finished_at DESC LIMIT 1`,
      [rollout.id, since],
    );
    if (!fresh) return false;
    await this.setRolloutStatus(
      uow,
      rollout,
      RolloutStatus.PAUSED,
      `An installation failed; ${fresh.reason ?? 'see its deployments'}`,
      PauseCause.FAILURE,
    );
    return true;
  }

  /** Aborts or fails a rollout: nothing new starts, queued work is cancelled, running deliveries finish on record. */
  private async stopRollout(
    uow: UnitOfWork,
    rollout: Rollout,
    status: RolloutStatus.ABORTED | RolloutStatus.FAILED,
    reason: string,
  ) {
    const { manager } = uow;
    // Lock the open targets first, in id order as every transaction that locks several targets takes them: an
    // installation's work in flight finishes before this reads its deployments.
    const open = await selectEntities(
      manager,
      RolloutTarget,
      'SELECT * FROM rollout_target WHERE rollout_id = $1 AND status = ANY($2) ORDER BY id FOR UPDATE',
      [rollout.id, OPEN_TARGET_STATUSES],
    );
    const queued = await selectEntities(manager, Deployment, 'SELECT * FROM deployment WHERE rollout_id = $1 AND status = $2', [
      rollout.id,
      DeploymentStatus.QUEUED,
    ]);
    const now = new Date();
    for (const deployment of queued) applyOutcome(deployment, { status: DeploymentStatus.CANCELLED, message: reason }, now);
    await writeDeploymentStates(manager, queued);
    uow.emit(...queued.map(deploymentEvent));
    for (const target of open) await this.finishTarget(uow, target, TargetStatus.CANCELLED, reason);
    await this.setRolloutStatus(uow, rollout, status, reason);
  }

  private async setRolloutStatus(
    uow: UnitOfWork,
    rollout: Rollout,
    status: RolloutStatus,
    reason: string | null = null,
    pausedBy: PauseCause | null = null,
  ) {
    rollout.status = status;
    rollout.statusReason = reason;
    rollout.pausedBy = status === RolloutStatus.PAUSED ? pausedBy : null;
    rollout.finishedAt = TERMINAL_ROLLOUT_STATUSES.includes(status) ? new Date() : null;
    await uow.manager.getRepository(Rollout).save(rollout);
    uow.emit(rolloutStatusEvent(rollout));
  }

  /** Writes a target's state and announces it. */
  private async saveTarget(uow: UnitOfWork, target: RolloutTarget): Promise<void> {
    await uow.manager.query(
      `UPDATE rollout_target SET status = $2, position = $3, current_stage = $4, baseline = $5, rolling_back = $6,
              approved_by = $7, status_reason = $8, started_at = $9, finished_at = $10
        WHERE id = $1`,
      [
        target.id,
        target.status,
        target.position,
        target.currentStage,
        JSON.stringify(target.baseline),
        target.rollingBack,
        target.approvedBy,
        target.statusReason,
        target.startedAt,
        target.finishedAt,
      ],
    );
    uow.emit(targetEvent(target));
  }

  /** Ends a target; its rollout is moved on before commit (see `run`). */
  private async finishTarget(uow: UnitOfWork, target: RolloutTarget, status: TargetStatus, reason: string | null = null) {
    target.status = status;
    target.statusReason = reason;
    target.rollingBack = false;
    target.finishedAt = new Date();
    await this.saveTarget(uow, target);
    uow.requestAdvance(target.rolloutId);
  }
}
