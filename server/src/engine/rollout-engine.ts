import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { In, type EntityManager } from 'typeorm';
import { selectEntities, toEntities } from '../db/raw-rows';
import { EventService, type EventInput } from '../events/event.service';
import { conflict, notFound } from '../common/errors';
import { isId } from '../common/ids';
import {
  Deployment,
  DeploymentKind,
  DeploymentStatus,
  FINISHED_DEPLOYMENT_STATUSES,
} from '../modules/deployment/deployment.entity';
import { RunningArtifact } from '../modules/deployment/running-artifact.entity';
import { ReleaseComponent } from '../modules/release/release-component.entity';
import { RolloutTarget, TargetStatus } from '../modules/rollout/rollout-target.entity';
import { FailurePolicy, Rollout, RolloutStatus, TERMINAL_ROLLOUT_STATUSES } from '../modules/rollout/rollout.entity';
import { JOB_QUEUE } from '../tokens';
import { JobQueue, QUEUES } from './job-queue';

export interface DeploymentOutcome {
  status: DeploymentStatus.SUCCEEDED | DeploymentStatus.FAILED | DeploymentStatus.CANCELLED;
  message?: string | null;
  externalUrl?: string | null;
}

/** Events gathered during a transaction (keyed by its manager), appended as its last step by `flush`. */
const pending = new WeakMap<EntityManager, EventInput[]>();

export interface InstantDriver {
  /** Targets whose stages may be finished in this transaction. */
  targetIds: Set<string>;
  /** The outcome of each deployment on the installation, when its driver finishes at once; null otherwise. */
  outcomeFor(manager: EntityManager, installationId: string): Promise<((d: Deployment) => DeploymentOutcome) | null>;
}

/** Instant drivers registered for a transaction by the dispatcher. */
const instantDrivers = new WeakMap<EntityManager, InstantDriver>();
/** Per transaction: the rollouts whose row lock it holds. */
const lockedRollouts = new WeakMap<EntityManager, Set<string>>();
/**
 * Per transaction: the rollouts whose lock finishing a target took (not a command's), to advance again when
 * another of their targets finishes in the same transaction, and those an advance job was queued for.
 */
const advancedHere = new WeakMap<EntityManager, Map<string, Rollout>>();
const advanceQueued = new WeakMap<EntityManager, Set<string>>();
/** Per transaction: what runs on each installation it touched (application id → artifact id), kept current. */
const runningCache = new WeakMap<EntityManager, Map<string, Map<string, string>>>();
/** Per transaction: the deployments of a target's current stage created in it, so settling need not read them again. */
const stageCache = new WeakMap<EntityManager, Map<string, { stage: number; deployments: Deployment[] }>>();
/**
 * Release components by rollout. A rollout's release stays LOCKED while the rollout is under way (unlocking it
 * then puts it ON_HOLD, where components cannot change either), so one read serves the rollout's whole life.
 */
const componentCache = new Map<string, readonly ReleaseComponent[]>();
/** Rollouts whose components are kept; past this the oldest are read again when needed. */
const MAX_CACHED_ROLLOUTS = 100;

/*
 * The engine's hot statements, in SQL of their own: one statement for a whole set of rows, with no entity
 * mapping or query building, which cost more CPU than the database work itself.
 */

/** Writes the outcome (status, message, times) of deployments that exist already. */
async function writeOutcomes(manager: EntityManager, deployments: Deployment[]): Promise<void> {
  if (deployments.length === 0) return;
  await manager.query(
    `UPDATE deployment d SET status = u.status, message = u.message, external_url = u.external_url,
            started_at = u.started_at, finished_at = u.finished_at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
            AS u(id, status, message, external_url, started_at, finished_at)
      WHERE d.id = u.id`,
    [
      deployments.map((d) => d.id),
      deployments.map((d) => d.status),
      deployments.map((d) => d.message),
      deployments.map((d) => d.externalUrl),
      deployments.map((d) => d.startedAt),
      deployments.map((d) => d.finishedAt),
    ],
  );
}

/** Inserts deployments as they are, ids included. */
async function insertAsTheyAre(manager: EntityManager, deployments: Deployment[]): Promise<void> {
  if (deployments.length === 0) return;
  await manager.query(
    `INSERT INTO deployment (id, installation_id, tenant_id, application_id, artifact_id, rollout_id, target_id, stage,
                             kind, status, reason, triggered_by, message, external_url, queued_at, started_at, finished_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::int[],
                          $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                          $15::timestamptz[], $16::timestamptz[], $17::timestamptz[])`,
    [
      deployments.map((d) => d.id),
      deployments.map((d) => d.installationId),
      deployments.map((d) => d.tenantId),
      deployments.map((d) => d.applicationId),
      deployments.map((d) => d.artifactId),
      deployments.map((d) => d.rolloutId),
      deployments.map((d) => d.targetId),
      deployments.map((d) => d.stage),
      deployments.map((d) => d.kind),
      deployments.map((d) => d.status),
      deployments.map((d) => d.reason),
      deployments.map((d) => d.triggeredBy),
      deployments.map((d) => d.message),
      deployments.map((d) => d.externalUrl),
      deployments.map((d) => d.queuedAt),
      deployments.map((d) => d.startedAt),
      deployments.map((d) => d.finishedAt),
    ],
  );
}

/**
 * An instant driver's run in one statement: the outcomes of `finished` (which exist), `created` as they are
 * (ids included), and the succeeded ones of both as what runs where. (The foreign keys of running_artifact are
 * checked at the end of the statement, when the deployments it names exist.)
 */
async function recordInstantRun(manager: EntityManager, finished: Deployment[], created: Deployment[], since: Date) {
  const succeeded = [...finished, ...created].filter((d) => d.status === DeploymentStatus.SUCCEEDED);
  await manager.query(
    `WITH finished AS (
       UPDATE deployment d SET status = u.status, message = u.message, external_url = u.external_url,
              started_at = u.started_at, finished_at = u.finished_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
              AS u(id, status, message, external_url, started_at, finished_at)
        WHERE d.id = u.id
     ), created AS (
       INSERT INTO deployment (id, installation_id, tenant_id, application_id, artifact_id, rollout_id, target_id,
                               stage, kind, status, reason, triggered_by, message, external_url, queued_at,
                               started_at, finished_at)
       SELECT * FROM unnest($7::uuid[], $8::uuid[], $9::uuid[], $10::uuid[], $11::uuid[], $12::uuid[], $13::uuid[],
                            $14::int[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[],
                            $21::timestamptz[], $22::timestamptz[], $23::timestamptz[])
     )
     INSERT INTO running_artifact (installation_id, application_id, artifact_id, deployment_id, since)
     SELECT *, $28::timestamptz FROM unnest($24::uuid[], $25::uuid[], $26::uuid[], $27::uuid[])
     ON CONFLICT (installation_id, application_id)
     DO UPDATE SET artifact_id = excluded.artifact_id, deployment_id = excluded.deployment_id, since = excluded.since`,
    [
      finished.map((d) => d.id),
      finished.map((d) => d.status),
      finished.map((d) => d.message),
      finished.map((d) => d.externalUrl),
      finished.map((d) => d.startedAt),
      finished.map((d) => d.finishedAt),
      created.map((d) => d.id),
      created.map((d) => d.installationId),
      created.map((d) => d.tenantId),
      created.map((d) => d.applicationId),
      created.map((d) => d.artifactId),
      created.map((d) => d.rolloutId),
      created.map((d) => d.targetId),
      created.map((d) => d.stage),
      created.map((d) => d.kind),
      created.map((d) => d.status),
      created.map((d) => d.reason),
      created.map((d) => d.triggeredBy),
      created.map((d) => d.message),
      created.map((d) => d.externalUrl),
      created.map((d) => d.queuedAt),
      created.map((d) => d.startedAt),
      created.map((d) => d.finishedAt),
      succeeded.map((d) => d.installationId),
      succeeded.map((d) => d.applicationId),
      succeeded.map((d) => d.artifactId),
      succeeded.map((d) => d.id),
      since,
    ],
  );
}

/** Records succeeded deployments as what runs on their installations ("what runs where"). */
async function recordRunning(manager: EntityManager, succeeded: Deployment[], since: Date): Promise<void> {
  if (succeeded.length === 0) return;
  await manager.query(
    `INSERT INTO running_artifact (installation_id, application_id, artifact_id, deployment_id, since)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[])
     ON CONFLICT (installation_id, application_id)
     DO UPDATE SET artifact_id = excluded.artifact_id, deployment_id = excluded.deployment_id, since = excluded.since`,
    [
      succeeded.map((d) => d.installationId),
      succeeded.map((d) => d.applicationId),
      succeeded.map((d) => d.artifactId),
      succeeded.map((d) => d.id),
      succeeded.map(() => since),
    ],
  );
}

/**
 * A rollout's lock. NO KEY UPDATE, not UPDATE: every deployment inserted for the rollout holds a KEY SHARE lock
 * on its row until commit (the foreign key), which FOR UPDATE conflicts with, so a busy rollout's lock would
 * nearly never be free to take without waiting. Rollout ids never change, so the weaker lock excludes all
 * that needs excluding: other holders of this lock and updates of the row.
 */
const ROLLOUT_LOCK = 'SELECT * FROM rollout WHERE id = $1 FOR NO KEY UPDATE';

/** Allowed report transitions; reporting the current status again changes nothing. */
const NEXT: Record<DeploymentStatus, DeploymentStatus[]> = {
  QUEUED: [DeploymentStatus.IN_PROGRESS, DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED, DeploymentStatus.CANCELLED],
  IN_PROGRESS: [DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED, DeploymentStatus.CANCELLED],
  SUCCEEDED: [],
  FAILED: [],
  SKIPPED: [],
  CANCELLED: [],
};

export function canMove(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return NEXT[from].includes(to);
}

/**
 * The rollout state machine; every method runs inside the caller's transaction, so each transition is one
 * transaction. Locks, always taken in this order: the rollout row (commands and `advance`, which start targets
 * and end waves and rollouts), then target rows, then deployment rows. The work of one installation —
 * finishing deployments and moving through its stages — holds only its target's lock, so installations progress
 * in parallel on any replica; when one finishes it queues an `advance` of its rollout.
 */
@injectable()
export class RolloutEngine {
  constructor(
    private readonly events: EventService,
    @inject(JOB_QUEUE) private readonly jobs: JobQueue,
  ) {}

  /** Lets `driver` finish the stages of its targets inside this transaction instead of through a job each. */
  withInstantDriver(manager: EntityManager, driver: InstantDriver): void {
    instantDrivers.set(manager, driver);
  }

  emit(manager: EntityManager, ...events: EventInput[]): void {
    const list = pending.get(manager) ?? [];
    list.push(...events);
    pending.set(manager, list);
  }

  /** Appends the gathered events; call as the last step of the transaction. */
  async flush(manager: EntityManager): Promise<void> {
    const list = pending.get(manager) ?? [];
    pending.delete(manager);
    await this.events.append(manager, list);
  }

  /** Wakes local workers after a commit that queued work. */
  wake(): void {
    this.jobs.wake();
  }

  /** A target's row lock: the work of one installation holds this, not the rollout's. */
  async lockTarget(manager: EntityManager, id: string): Promise<RolloutTarget | null> {
    const [target] = await selectEntities(manager, RolloutTarget, 'SELECT * FROM rollout_target WHERE id = $1 FOR UPDATE', [id]);
    return target ?? null;
  }

  async lockRollout(manager: EntityManager, id: string): Promise<Rollout> {
    const [rollout] = isId(id) ? await selectEntities(manager, Rollout, ROLLOUT_LOCK, [id]) : [];
    if (!rollout) throw notFound('Rollout', id);
    this.markLocked(manager, rollout.id);
    return rollout;
  }

  private markLocked(manager: EntityManager, rolloutId: string): void {
    let locked = lockedRollouts.get(manager);
    if (!locked) lockedRollouts.set(manager, (locked = new Set()));
    locked.add(rolloutId);
  }

  /** What runs on the installation now, read once per transaction and kept current as deployments succeed. */
  private async runningOn(manager: EntityManager, installationId: string): Promise<Map<string, string>> {
    let byInstallation = runningCache.get(manager);
    if (!byInstallation) runningCache.set(manager, (byInstallation = new Map<string, Map<string, string>>()));
    let running = byInstallation.get(installationId);
    if (!running) {
      const rows: { application_id: string; artifact_id: string }[] = await manager.query(
        'SELECT application_id, artifact_id FROM running_artifact WHERE installation_id = $1',
        [installationId],
      );
      running = new Map(rows.map((row) => [row.application_id, row.artifact_id]));
      byInstallation.set(installationId, running);
    }
    return running;
  }

  /** The rollout's release components, by stage; read once per rollout (see componentCache). */
  async components(manager: EntityManager, rollout: Rollout): Promise<readonly ReleaseComponent[]> {
    let components = componentCache.get(rollout.id);
    if (!components) {
      components = await manager
        .getRepository(ReleaseComponent)
        .find({ where: { releaseId: rollout.releaseId }, order: { stage: 'ASC' } });
      if (componentCache.size >= MAX_CACHED_ROLLOUTS) componentCache.delete(componentCache.keys().next().value!);
      componentCache.set(rollout.id, components);
    }
    return components;
  }

  private rolloutEvent(rollout: Rollout, type: EventInput['type'], data: Record<string, unknown> = {}): EventInput {
    return { type, rolloutId: rollout.id, data: { status: rollout.status, currentWave: rollout.currentWave, ...data } };
  }

  private targetEvent(target: RolloutTarget): EventInput {
    return {
      type: 'target.updated',
      tenantId: target.tenantId,
      rolloutId: target.rolloutId,
      targetId: target.id,
      data: { status: target.status, currentStage: target.currentStage, wave: target.wave },
    };
  }

  deploymentEvent(deployment: Deployment): EventInput {
    return {
      type: 'deployment.updated',
      tenantId: deployment.tenantId,
      rolloutId: deployment.rolloutId,
      targetId: deployment.targetId,
      deploymentId: deployment.id,
      data: { status: deployment.status, stage: deployment.stage, kind: deployment.kind },
    };
  }

  async setRolloutStatus(
    manager: EntityManager,
    rollout: Rollout,
    status: RolloutStatus,
    reason: string | null = null,
  ): Promise<void> {
    rollout.status = status;
    rollout.statusReason = reason;
    if (TERMINAL_ROLLOUT_STATUSES.includes(status)) rollout.finishedAt = new Date();
    await manager.getRepository(Rollout).save(rollout);
    const type = {
      PENDING: 'rollout.created',
      RUNNING: 'rollout.resumed',
      WAITING_FOR_PROMOTION: 'rollout.waiting_for_promotion',
      PAUSED: 'rollout.paused',
      SUCCEEDED: 'rollout.succeeded',
      FAILED: 'rollout.failed',
      ABORTED: 'rollout.aborted',
    } as const;
    this.emit(manager, this.rolloutEvent(rollout, type[status], reason ? { reason } : {}));
  }

  /** Writes a target's state and announces it. */
  async saveTarget(manager: EntityManager, target: RolloutTarget): Promise<void> {
    await manager.query(
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
    this.emit(manager, this.targetEvent(target));
  }

  private async finishTarget(manager: EntityManager, target: RolloutTarget, status: TargetStatus, reason: string | null = null) {
    target.status = status;
    target.statusReason = reason;
    target.rollingBack = false;
    target.finishedAt = new Date();
    await this.saveTarget(manager, target);
    // A transaction that finishes several targets (a batch of dispatch jobs) and took the rollout's lock for
    // an earlier one advances again; an advance job queued for an earlier one runs after this commit too.
    const advanced = advancedHere.get(manager)?.get(target.rolloutId);
    if (advanced) return this.advance(manager, advanced);
    if (advanceQueued.get(manager)?.has(target.rolloutId)) return;
    // Under the rollout's lock the caller moves the rollout on itself.
    if (lockedRollouts.get(manager)?.has(target.rolloutId)) return;
    // Otherwise advance here if the rollout's lock is free right now (never waiting for it while holding a
    // target's lock), or leave it to a job. One job per transaction that finished targets: dropping
    // "duplicates" across transactions could lose the one that sees this commit.
    const [rollout] = await selectEntities(manager, Rollout, `${ROLLOUT_LOCK} SKIP LOCKED`, [target.rolloutId]);
    if (rollout) {
      this.markLocked(manager, rollout.id);
      let mine = advancedHere.get(manager);
      if (!mine) advancedHere.set(manager, (mine = new Map<string, Rollout>()));
      mine.set(rollout.id, rollout);
      await this.advance(manager, rollout);
    } else {
      let queued = advanceQueued.get(manager);
      if (!queued) advanceQueued.set(manager, (queued = new Set<string>()));
      queued.add(target.rolloutId);
      await this.jobs.send(manager, QUEUES.advance, { rolloutId: target.rolloutId });
    }
  }

  /**
   * Moves the rollout forward as far as it can go now: starts targets of the current wave up to maxParallel,
   * and ends the wave (waiting for promotion) or the rollout when every target of it has finished.
   */
  async advance(manager: EntityManager, rollout: Rollout): Promise<void> {
    if (rollout.status !== RolloutStatus.RUNNING) return;
    if (await this.stopForFailures(manager, rollout)) return;
    let components: readonly ReleaseComponent[] | undefined;
    const [{ count }]: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM rollout_target WHERE rollout_id = $1 AND status = 'RUNNING' AND wave = $2`,
      [rollout.id, rollout.currentWave],
    );
    let running = Number(count);
    for (;;) {
      const slots = rollout.maxParallel - running;
      if (slots <= 0) break;
      // The next pending targets, and whether their installations require approval.
      const rows: (Record<string, unknown> & { requires_approval: boolean })[] = await manager.query(
        `SELECT t.*, i.requires_approval
           FROM rollout_target t JOIN installation i ON i.id = t.installation_id
          WHERE t.rollout_id = $1 AND t.status = 'PENDING' AND t.wave = $2
          ORDER BY t.position LIMIT $3`,
        [rollout.id, rollout.currentWave, slots],
      );
      if (rows.length === 0) break;
      const next = toEntities(manager, RolloutTarget, rows);
      const needsApproval = new Set(next.filter((_, index) => rows[index].requires_approval).map((t) => t.installationId));
      components ??= await this.components(manager, rollout);
      for (const target of next) {
        if (needsApproval.has(target.installationId) && !target.approvedBy) {
          target.status = TargetStatus.AWAITING_APPROVAL;
          await this.saveTarget(manager, target);
        } else {
          await this.startTarget(manager, rollout, target, components);
        }
      }
      // Targets that wait for approval, or had nothing to deploy and finished at once, leave their slot free.
      running += next.filter((t) => t.status === TargetStatus.RUNNING).length;
      if (next.length < slots) break;
    }
    // A wave with a target running has not ended.
    if (running === 0) await this.endWaveIfDone(manager, rollout);
  }

  private async endWaveIfDone(manager: EntityManager, rollout: Rollout): Promise<void> {
    const open: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM rollout_target WHERE rollout_id = $1 AND wave = $2 AND status = ANY($3)`,
      [rollout.id, rollout.currentWave, [TargetStatus.PENDING, TargetStatus.RUNNING, TargetStatus.AWAITING_APPROVAL]],
    );
    if (Number(open[0].count) > 0) return;
    if (rollout.currentWave < rollout.waveCount) {
      await this.setRolloutStatus(manager, rollout, RolloutStatus.WAITING_FOR_PROMOTION);
      if (rollout.promoteAfterSeconds !== null) {
        await this.jobs.send(
          manager,
          QUEUES.promote,
          { rolloutId: rollout.id, wave: rollout.currentWave },
          { startAfter: new Date(Date.now() + rollout.promoteAfterSeconds * 1000) },
        );
      }
      return;
    }
    const unsuccessful: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM rollout_target WHERE rollout_id = $1 AND status <> ALL($2)`,
      [rollout.id, [TargetStatus.SUCCEEDED, TargetStatus.SKIPPED]],
    );
    const failed = Number(unsuccessful[0].count);
    if (failed === 0) await this.setRolloutStatus(manager, rollout, RolloutStatus.SUCCEEDED);
    else await this.setRolloutStatus(manager, rollout, RolloutStatus.FAILED, `${failed} installation(s) did not get the release`);
  }

  /** Moves to the next wave (a person's promotion or the timer). */
  async promote(manager: EntityManager, rollout: Rollout): Promise<void> {
    if (rollout.status !== RolloutStatus.WAITING_FOR_PROMOTION) {
      throw conflict(`The rollout is ${rollout.status}; only one WAITING_FOR_PROMOTION can be promoted`);
    }
    rollout.currentWave += 1;
    await this.setRolloutStatus(manager, rollout, RolloutStatus.RUNNING);
    this.emit(manager, this.rolloutEvent(rollout, 'rollout.promoted'));
    await this.advance(manager, rollout);
  }

  private async startTarget(
    manager: EntityManager,
    rollout: Rollout,
    target: RolloutTarget,
    components: readonly ReleaseComponent[],
  ) {
    target.baseline = Object.fromEntries(await this.runningOn(manager, target.installationId));
    target.status = TargetStatus.RUNNING;
    target.startedAt = new Date();
    target.finishedAt = null;
    await this.startStageFrom(manager, rollout, target, components, 1);
  }

  /**
   * Creates the deployments of the first stage at or after `stage` that has anything to deploy; components
   * already running the same artifact are recorded as SKIPPED. Finishes the target when no stage is left.
   */
  private async startStageFrom(
    manager: EntityManager,
    rollout: Rollout,
    target: RolloutTarget,
    components: readonly ReleaseComponent[],
    stage: number,
  ): Promise<void> {
    const current = await this.runningOn(manager, target.installationId);
    const stages = [...new Set(components.map((component) => component.stage))].filter((s) => s >= stage).sort((a, b) => a - b);
    for (const next of stages) {
      target.currentStage = next;
      const now = new Date();
      const rows = components
        .filter((component) => component.stage === next)
        .map((component) => {
          const skip = current.get(component.applicationId) === component.artifactId;
          return manager.getRepository(Deployment).create({
            installationId: target.installationId,
            tenantId: target.tenantId,
            applicationId: component.applicationId,
            artifactId: component.artifactId!,
            rolloutId: rollout.id,
            targetId: target.id,
            stage: next,
            kind: DeploymentKind.ROLLOUT,
            status: skip ? DeploymentStatus.SKIPPED : DeploymentStatus.QUEUED,
            reason: rollout.reason,
            triggeredBy: rollout.createdBy,
            message: skip ? 'Already running this artifact' : null,
            queuedAt: now,
            finishedAt: skip ? now : null,
          });
        });
      const saved = await this.insertDeployments(manager, rows);
      this.emit(manager, ...saved.map((deployment) => this.deploymentEvent(deployment)));
      const queued = saved.filter((deployment) => deployment.status === DeploymentStatus.QUEUED);
      if (queued.length > 0) {
        await this.saveTarget(manager, target);
        const instant = instantDrivers.get(manager);
        const outcome = instant?.targetIds.has(target.id) ? await instant.outcomeFor(manager, target.installationId) : null;
        if (outcome) {
          // An instant driver (SIMULATED without delay) finishes the stage here, in this transaction.
          let stages = stageCache.get(manager);
          if (!stages) stageCache.set(manager, (stages = new Map<string, { stage: number; deployments: Deployment[] }>()));
          stages.set(target.id, { stage: next, deployments: saved });
          await this.finishDeployments(manager, queued, outcome, rollout, target);
        } else {
          await this.jobs.send(manager, QUEUES.dispatch, {
            deploymentIds: queued.map((deployment) => deployment.id),
            targetId: target.id,
            wholeStage: true,
          });
        }
        return;
      }
    }
    const deployed: { count: string }[] = await manager.query(
      `SELECT count(*) AS count FROM deployment WHERE target_id = $1 AND status <> $2`,
      [target.id, DeploymentStatus.SKIPPED],
    );
    await this.finishTarget(
      manager,
      target,
      Number(deployed[0].count) === 0 ? TargetStatus.SKIPPED : TargetStatus.SUCCEEDED,
      Number(deployed[0].count) === 0 ? 'Every component already ran this release' : null,
    );
  }

  /**
   * An instant driver's whole run of a target (SIMULATED without delay), in the caller's transaction: finishes
   * `queued` (every deployment of the target's current stage left to deploy), records each later stage already
   * finished, and finishes the target. The same rows and events as going stage by stage through
   * `finishDeployments`, written with one statement per kind of row instead of a round of statements per stage
   * and state change; the target's row is written once, at the end. The caller holds the target's lock.
   */
  async runInstantly(
    manager: EntityManager,
    rollout: Rollout,
    target: RolloutTarget,
    queued: Deployment[],
    outcome: (d: Deployment) => DeploymentOutcome,
  ): Promise<void> {
    const now = new Date();
    const running = await this.runningOn(manager, target.installationId);
    const finish = (deployments: Deployment[]): Deployment[] => {
      for (const deployment of deployments) {
        const result = outcome(deployment);
        deployment.status = result.status;
        deployment.message = result.message ?? deployment.message;
        deployment.externalUrl = result.externalUrl ?? deployment.externalUrl;
        deployment.startedAt ??= now;
        deployment.finishedAt = now;
        if (deployment.status === DeploymentStatus.SUCCEEDED) running.set(deployment.applicationId, deployment.artifactId);
      }
      this.emit(manager, ...deployments.map((deployment) => this.deploymentEvent(deployment)));
      return deployments.filter((d) => d.status === DeploymentStatus.FAILED || d.status === DeploymentStatus.CANCELLED);
    };

    let failed = finish(queued);
    const created: Deployment[] = [];
    if (failed.length === 0) {
      const components = await this.components(manager, rollout);
      const stages = [...new Set(components.map((c) => c.stage))].filter((s) => s > (target.currentStage ?? 0));
      for (const stage of stages.sort((a, b) => a - b)) {
        const rows = components
          .filter((component) => component.stage === stage)
          .map((component) => {
            const skip = running.get(component.applicationId) === component.artifactId;
            return Object.assign(new Deployment(), {
              id: randomUUID(),
              installationId: target.installationId,
              tenantId: target.tenantId,
              applicationId: component.applicationId,
              artifactId: component.artifactId!,
              rolloutId: rollout.id,
              targetId: target.id,
              stage,
              kind: DeploymentKind.ROLLOUT,
              status: skip ? DeploymentStatus.SKIPPED : DeploymentStatus.QUEUED,
              reason: rollout.reason,
              triggeredBy: rollout.createdBy,
              message: skip ? 'Already running this artifact' : null,
              externalUrl: null,
              queuedAt: now,
              startedAt: null,
              finishedAt: skip ? now : null,
            });
          });
        created.push(...rows);
        this.emit(manager, ...rows.map((deployment) => this.deploymentEvent(deployment)));
        const stageQueued = rows.filter((d) => d.status === DeploymentStatus.QUEUED);
        if (stageQueued.length === 0) continue;
        target.currentStage = stage;
        this.emit(manager, this.targetEvent(target));
        failed = finish(stageQueued);
        if (failed.length > 0) break;
      }
    }
    await recordInstantRun(manager, queued, created, now);
    // `queued` was deployed, so the target did deploy something: it SUCCEEDED unless a stage failed.
    if (failed.length > 0) await this.targetFailed(manager, rollout, target, failed);
    else await this.finishTarget(manager, target, TargetStatus.SUCCEEDED);
  }

  /**
   * Records the outcome of deployments (reported, simulated or cancelled), keeps "what runs where" current and
   * moves each affected target on. The caller holds the lock of each affected target.
   */
  async finishDeployments(
    manager: EntityManager,
    deployments: Deployment[],
    outcome: (d: Deployment) => DeploymentOutcome,
    lockedRollout?: Rollout,
    knownTarget?: RolloutTarget,
  ) {
    const now = new Date();
    for (const deployment of deployments) {
      const result = outcome(deployment);
      deployment.status = result.status;
      deployment.message = result.message ?? deployment.message;
      deployment.externalUrl = result.externalUrl ?? deployment.externalUrl;
      deployment.startedAt ??= now;
      deployment.finishedAt = now;
    }
    await writeOutcomes(manager, deployments);
    const succeeded = deployments.filter((d) => d.status === DeploymentStatus.SUCCEEDED);
    for (const d of succeeded) runningCache.get(manager)?.get(d.installationId)?.set(d.applicationId, d.artifactId);
    await recordRunning(manager, succeeded, now);
    this.emit(manager, ...deployments.map((deployment) => this.deploymentEvent(deployment)));

    const targetIds = [...new Set(deployments.map((d) => d.targetId).filter((id): id is string => id !== null))];
    if (targetIds.length === 0) return;
    const targets =
      knownTarget && targetIds.length === 1 && targetIds[0] === knownTarget.id
        ? [knownTarget]
        : await manager.getRepository(RolloutTarget).findBy({ id: In(targetIds) });
    const rollouts = new Map<string, Rollout>(lockedRollout ? [[lockedRollout.id, lockedRollout]] : []);
    for (const target of targets) {
      let rollout = rollouts.get(target.rolloutId);
      if (!rollout) {
        rollout = await manager.getRepository(Rollout).findOneByOrFail({ id: target.rolloutId });
        rollouts.set(rollout.id, rollout);
      }
      await this.settleTarget(manager, rollout, target);
    }
  }

  /** Inserts QUEUED deployments of one installation, announces them and hands them to its driver. */
  private async queueDeployments(manager: EntityManager, rows: Deployment[]): Promise<void> {
    const saved = await this.insertDeployments(manager, rows);
    this.emit(manager, ...saved.map((deployment) => this.deploymentEvent(deployment)));
    await this.jobs.send(manager, QUEUES.dispatch, { deploymentIds: saved.map((d) => d.id) });
  }

  /** Inserts new deployments in one statement and returns them as entities. */
  private async insertDeployments(manager: EntityManager, rows: Deployment[]): Promise<Deployment[]> {
    for (const row of rows) {
      row.id = randomUUID();
      row.message ??= null;
      row.externalUrl ??= null;
      row.startedAt ??= null;
      row.finishedAt ??= null;
    }
    await insertAsTheyAre(manager, rows);
    return rows;
  }

  /** The latest deployment of each application of a target's stage (a retry supersedes a failure). */
  private async latestOfStage(manager: EntityManager, target: RolloutTarget, kind: DeploymentKind, stage: number | null) {
    const query = manager
      .getRepository(Deployment)
      .createQueryBuilder('d')
      .distinctOn(['d.application_id'])
      .where('d.target_id = :targetId AND d.kind = :kind', { targetId: target.id, kind })
      .orderBy('d.application_id')
      .addOrderBy('d.queued_at', 'DESC')
      .addOrderBy('d.id', 'DESC');
    if (stage !== null) query.andWhere('d.stage = :stage', { stage });
    return query.getMany();
  }

  /** Decides what a target does next once deployments of its current stage have finished. */
  private async settleTarget(manager: EntityManager, rollout: Rollout, target: RolloutTarget): Promise<void> {
    if (target.status !== TargetStatus.RUNNING) return;
    if (target.rollingBack) {
      const rollbacks = await this.latestOfStage(manager, target, DeploymentKind.ROLLBACK, null);
      if (rollbacks.some((d) => !FINISHED_DEPLOYMENT_STATUSES.includes(d.status))) return;
      const failed = rollbacks.filter((d) => d.status !== DeploymentStatus.SUCCEEDED);
      if (failed.length === 0) await this.finishTarget(manager, target, TargetStatus.ROLLED_BACK, target.statusReason);
      else await this.finishTarget(manager, target, TargetStatus.FAILED, `Rollback failed: ${target.statusReason ?? ''}`.trim());
      return;
    }
    const known = stageCache.get(manager)?.get(target.id);
    stageCache.get(manager)?.delete(target.id);
    const stage =
      known && known.stage === target.currentStage
        ? known.deployments
        : await this.latestOfStage(manager, target, DeploymentKind.ROLLOUT, target.currentStage);
    if (stage.some((d) => !FINISHED_DEPLOYMENT_STATUSES.includes(d.status))) return;
    const failed = stage.filter((d) => d.status === DeploymentStatus.FAILED || d.status === DeploymentStatus.CANCELLED);
    if (failed.length > 0) {
      await this.targetFailed(manager, rollout, target, failed);
      return;
    }
    await this.startStageFrom(manager, rollout, target, await this.components(manager, rollout), (target.currentStage ?? 0) + 1);
  }

  private async targetFailed(manager: EntityManager, rollout: Rollout, target: RolloutTarget, failed: Deployment[]) {
    const reason = `Stage ${target.currentStage} failed: ${failed.map((d) => d.message ?? d.status).join('; ')}`;
    if (rollout.failurePolicy === FailurePolicy.ROLLBACK) await this.rollBackTarget(manager, rollout, target, reason);
    else await this.finishTarget(manager, target, TargetStatus.FAILED, reason);
  }

  /** Redeploys what ran on the installation before this rollout touched it, as recorded deployments. */
  private async rollBackTarget(manager: EntityManager, rollout: Rollout, target: RolloutTarget, reason: string) {
    const running = await manager.getRepository(RunningArtifact).findBy({ installationId: target.installationId });
    const changed = running.filter(
      (row) => target.baseline[row.applicationId] && target.baseline[row.applicationId] !== row.artifactId,
    );
    if (changed.length === 0) {
      await this.finishTarget(manager, target, TargetStatus.ROLLED_BACK, `${reason}; nothing had changed`);
      return;
    }
    target.rollingBack = true;
    target.statusReason = reason;
    await this.saveTarget(manager, target);
    const now = new Date();
    await this.queueDeployments(
      manager,
      changed.map((row) =>
        manager.getRepository(Deployment).create({
          installationId: target.installationId,
          tenantId: target.tenantId,
          applicationId: row.applicationId,
          artifactId: target.baseline[row.applicationId],
          rolloutId: rollout.id,
          targetId: target.id,
          stage: null,
          kind: DeploymentKind.ROLLBACK,
          status: DeploymentStatus.QUEUED,
          reason: `Rollback: ${reason}`,
          triggeredBy: 'system',
          queuedAt: now,
        }),
      ),
    );
  }

  /**
   * Applies the failure policy's effect on the whole rollout (under its lock): the error budget fails it, and
   * with PAUSE a failure since it was last resumed pauses it. True when it stopped or paused.
   */
  private async stopForFailures(manager: EntityManager, rollout: Rollout): Promise<boolean> {
    if (rollout.failurePolicy !== FailurePolicy.PAUSE && rollout.errorBudgetPercent === null) return false;
    if (rollout.errorBudgetPercent === null) return this.pauseForFreshFailure(manager, rollout);
    const [row]: { total: string; failed: string; fresh: string; reason: string | null }[] = await manager.query(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE status = ANY($2) OR rolling_back) AS failed,
              count(*) FILTER (WHERE status = 'FAILED' AND finished_at > $3) AS fresh,
              (array_agg(status_reason ORDER BY finished_at DESC) FILTER (WHERE status = 'FAILED' AND finished_at > $3))[1] AS reason
         FROM rollout_target WHERE rollout_id = $1`,
      [
        rollout.id,
        [TargetStatus.FAILED, TargetStatus.ROLLED_BACK],
        rollout.acknowledgedAt ?? rollout.startedAt ?? rollout.createdAt,
      ],
    );
    if (rollout.errorBudgetPercent !== null) {
      const failedPercent = (Number(row.failed) * 100) / Number(row.total);
      if (failedPercent > rollout.errorBudgetPercent) {
        await this.stopRollout(
          manager,
          rollout,
          RolloutStatus.FAILED,
          `Error budget exceeded: ${row.failed} of ${row.total} installations failed (${failedPercent.toFixed(1)}% > ${rollout.errorBudgetPercent}%)`,
        );
        return true;
      }
    }
    if (rollout.failurePolicy === FailurePolicy.PAUSE && Number(row.fresh) > 0) {
      await this.setRolloutStatus(
        manager,
        rollout,
        RolloutStatus.PAUSED,
        `An installation failed; ${row.reason ?? 'see its deployments'}`,
      );
      return true;
    }
    return false;
  }

  /**
   * PAUSE without an error budget needs only the latest failure since the last acknowledgement: an index
   * lookup of the rollout's FAILED targets instead of counting every target, on every advance.
   */
  private async pauseForFreshFailure(manager: EntityManager, rollout: Rollout): Promise<boolean> {
    const [fresh]: { reason: string | null }[] = await manager.query(
      `SELECT status_reason AS reason FROM rollout_target
        WHERE rollout_id = $1 AND status = 'FAILED' AND finished_at > $2
        ORDER BY finished_at DESC LIMIT 1`,
      [rollout.id, rollout.acknowledgedAt ?? rollout.startedAt ?? rollout.createdAt],
    );
    if (!fresh) return false;
    await this.setRolloutStatus(
      manager,
      rollout,
      RolloutStatus.PAUSED,
      `An installation failed; ${fresh.reason ?? 'see its deployments'}`,
    );
    return true;
  }

  /** Failures so far have been seen: only later ones pause the rollout again. */
  acknowledgeFailures(rollout: Rollout): void {
    rollout.acknowledgedAt = new Date();
  }

  /** Aborts or fails a rollout: nothing new starts, queued work is cancelled, running deliveries finish on record. */
  async stopRollout(
    manager: EntityManager,
    rollout: Rollout,
    status: RolloutStatus.ABORTED | RolloutStatus.FAILED,
    reason: string,
  ) {
    // Lock the open targets first: an installation's work in flight finishes before this reads its deployments.
    // In id order, as every transaction that locks several targets takes them (Dispatcher.dispatchMany).
    const open = await manager.getRepository(RolloutTarget).find({
      where: { rolloutId: rollout.id, status: In([TargetStatus.PENDING, TargetStatus.AWAITING_APPROVAL, TargetStatus.RUNNING]) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    const queued = await manager.getRepository(Deployment).findBy({ rolloutId: rollout.id, status: DeploymentStatus.QUEUED });
    const now = new Date();
    for (const deployment of queued) {
      deployment.status = DeploymentStatus.CANCELLED;
      deployment.message = reason;
      deployment.finishedAt = now;
    }
    if (queued.length > 0) {
      await manager
        .getRepository(Deployment)
        .update({ id: In(queued.map((d) => d.id)) }, { status: DeploymentStatus.CANCELLED, message: reason, finishedAt: now });
    }
    this.emit(manager, ...queued.map((deployment) => this.deploymentEvent(deployment)));
    for (const target of open) await this.finishTarget(manager, target, TargetStatus.CANCELLED, reason);
    await this.setRolloutStatus(manager, rollout, status, reason);
  }

  /** Starts a failed target again from its current stage, redeploying what failed there. */
  async retryTarget(manager: EntityManager, rollout: Rollout, target: RolloutTarget): Promise<void> {
    if (TERMINAL_ROLLOUT_STATUSES.includes(rollout.status))
      throw conflict(`The rollout is ${rollout.status}; it cannot be retried`);
    if (target.status !== TargetStatus.FAILED)
      throw conflict(`The installation is ${target.status}; only a FAILED one can be retried`);
    const latest = await this.latestOfStage(manager, target, DeploymentKind.ROLLOUT, target.currentStage);
    const again = latest.filter((d) => d.status === DeploymentStatus.FAILED || d.status === DeploymentStatus.CANCELLED);
    target.status = TargetStatus.RUNNING;
    target.statusReason = null;
    target.finishedAt = null;
    await this.saveTarget(manager, target);
    if (again.length > 0) {
      const now = new Date();
      await this.queueDeployments(
        manager,
        again.map((failed) =>
          manager.getRepository(Deployment).create({
            installationId: failed.installationId,
            tenantId: failed.tenantId,
            applicationId: failed.applicationId,
            artifactId: failed.artifactId,
            rolloutId: rollout.id,
            targetId: target.id,
            stage: failed.stage,
            kind: DeploymentKind.ROLLOUT,
            status: DeploymentStatus.QUEUED,
            reason: `Retry: ${rollout.reason}`,
            triggeredBy: rollout.createdBy,
            queuedAt: now,
          }),
        ),
      );
    } else {
      await this.settleTarget(manager, rollout, target);
    }
    if (rollout.status === RolloutStatus.PAUSED) {
      this.acknowledgeFailures(rollout);
      await this.setRolloutStatus(manager, rollout, RolloutStatus.RUNNING);
    }
    await this.advance(manager, rollout);
  }
}
