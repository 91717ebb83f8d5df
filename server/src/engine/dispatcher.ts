import { inject, injectable } from 'tsyringe';
import { DataSource, type EntityManager } from 'typeorm';
import { CONFIG, JOB_QUEUE } from '../tokens';
import type { Config } from '../config';
import { log } from '../log';
import { Application } from '../modules/application/application.entity';
import { Artifact } from '../modules/application/artifact.entity';
import { Deployment, DeploymentKind, DeploymentStatus } from '../modules/deployment/deployment.entity';
import { Release } from '../modules/release/release.entity';
import { RolloutTarget, TargetStatus } from '../modules/rollout/rollout-target.entity';
import { Rollout, RolloutStatus } from '../modules/rollout/rollout.entity';
import { DeploymentDriver, Installation } from '../modules/tenant/installation.entity';
import { Tenant } from '../modules/tenant/tenant.entity';
import { selectEntities } from '../db/raw-rows';
import { writeDeploymentStates } from './deployment-writes';
import { driverSettings } from './drivers';
import { simulatedOutcome, slugsOf, type SimulatedConfig } from './drivers/simulated';
import { deliver, deliveryLimits, displayUrl, retryDelayMs, type WebhookConfig } from './drivers/webhook';
import { JobQueue, QUEUES, type JobData } from './job-queue';
import { RolloutEngine } from './rollout-engine';
import type { OutcomeOf, UnitOfWork } from './unit-of-work';

const DISPATCH_WORKERS = 3;
/** Why work whose every try failed was given up (JobQueue.workGaveUp). */
const gaveUp = (what: string) => `Shiplog could not ${what}: it failed on every try (the server log says why).`;

/** A batch of dispatch jobs that must run one by one instead. */
export class NotBatchable extends Error {
  constructor() {
    super('These dispatch jobs cannot run in one transaction');
  }
}

/** Locks deployments of `ids` still in one of `statuses`; with `undispatched`, only those never handed to a driver. */
async function lockDeployments(manager: EntityManager, ids: string[], statuses: DeploymentStatus[], undispatched = false) {
  return selectEntities(
    manager,
    Deployment,
    `SELECT * FROM deployment WHERE id = ANY($1) AND status = ANY($2) ${undispatched ? 'AND dispatched_at IS NULL' : ''} FOR UPDATE`,
    [ids, statuses],
  );
}

/** The job handlers: each runs in one unit of work and is safe to run twice. */
@injectable()
export class Dispatcher {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    @inject(JOB_QUEUE) private readonly jobs: JobQueue,
    private readonly engine: RolloutEngine,
  ) {}

  async start(): Promise<void> {
    // A few workers, each running its batch in one transaction, so that batches overlap their round trips.
    for (let worker = 0; worker < DISPATCH_WORKERS; worker++) {
      await this.jobs.work(
        QUEUES.dispatch,
        (data) => this.dispatch(data),
        8,
        undefined,
        (batch) => this.dispatchMany(batch),
      );
    }
    await this.jobs.work(QUEUES.simulate, (data) => this.completeSimulated(data.deploymentIds), 8);
    await this.jobs.work(QUEUES.promote, (data) => this.promoteByTimer(data.rolloutId, data.wave));
    // Advances of one rollout wait for its lock one after another; one run serves a whole batch of them.
    await this.jobs.work(
      QUEUES.advance,
      (data) => this.advance(data.rolloutId),
      20,
      (data) => data.rolloutId,
    );
    await this.jobs.work(QUEUES.webhook, (data) => this.deliverWebhook(data.deploymentId, data.attempt ?? 1));
    // A job whose every try failed runs once more; if that fails too, its deployments fail (the rollout's failure
    // policy applies) or its rollout pauses, with a reason a person can act on.
    const { QUEUED, IN_PROGRESS } = DeploymentStatus;
    await this.jobs.workGaveUp(
      QUEUES.dispatch,
      (data) => this.dispatch(data),
      (data) => this.failDeployments(data.deploymentIds, [QUEUED], gaveUp('hand this deployment to its driver'), true),
    );
    await this.jobs.workGaveUp(
      QUEUES.simulate,
      (data) => this.completeSimulated(data.deploymentIds),
      (data) => this.failDeployments(data.deploymentIds, [IN_PROGRESS], gaveUp('finish this simulated deployment')),
    );
    await this.jobs.workGaveUp(
      QUEUES.webhook,
      (data) => this.deliverWebhook(data.deploymentId, data.attempt ?? 1),
      (data) => this.failDeployments([data.deploymentId], [QUEUED], gaveUp('send the deployment request')),
    );
    await this.jobs.workGaveUp(
      QUEUES.advance,
      (data) => this.advance(data.rolloutId),
      (data) => this.pauseStuck(data.rolloutId, 'move this rollout on'),
    );
    await this.jobs.workGaveUp(
      QUEUES.promote,
      (data) => this.promoteByTimer(data.rolloutId, data.wave),
      (data) => this.pauseStuck(data.rolloutId, `promote wave ${data.wave + 1} of this rollout`, data.wave),
    );
  }

  /**
   * Fails the deployments of `ids` still in one of `statuses` (with `undispatched`, never handed to a driver) with
   * `message`, in one unit of work; the rollout's failure policy applies.
   */
  private async failDeployments(
    ids: string[],
    statuses: DeploymentStatus[],
    message: string,
    undispatched = false,
  ): Promise<void> {
    await this.engine.run(async (uow) => {
      const target = await this.lockTargetOf(uow, ids);
      const deployments = await lockDeployments(uow.manager, ids, statuses, undispatched);
      if (deployments.length === 0) return;
      await this.engine.finishDeployments(
        uow,
        deployments,
        () => ({ status: DeploymentStatus.FAILED, message }),
        target ?? undefined,
      );
    });
  }

  /** Pauses the rollout (for a promotion, only while it still waits to promote after `wave`). */
  private async pauseStuck(rolloutId: string, what: string, wave?: number): Promise<void> {
    await this.engine.run(async (uow) => {
      const rollout = await this.engine.lockRollout(uow, rolloutId);
      if (wave !== undefined && (rollout.status !== RolloutStatus.WAITING_FOR_PROMOTION || rollout.currentWave !== wave)) return;
      await this.engine.pauseStuck(uow, rollout, `${gaveUp(what)} Resume it to try again.`);
    });
  }

  /** The target's lock (when the deployments belong to one), then the deployments' own. */
  private async lockTargetOf(uow: UnitOfWork, deploymentIds: string[], targetId?: string): Promise<RolloutTarget | null> {
    if (targetId === undefined) {
      const [first]: { target_id: string | null }[] = await uow.manager.query(
        'SELECT target_id FROM deployment WHERE id = ANY($1) LIMIT 1',
        [deploymentIds],
      );
      targetId = first?.target_id ?? undefined;
    }
    return targetId !== undefined ? this.engine.lockTarget(uow, targetId) : null;
  }

  /** Hands queued deployments (all of one installation) to its driver. A second run finds nothing left to hand over. */
  async dispatch(job: JobData[typeof QUEUES.dispatch]): Promise<void> {
    await this.engine.run(async (uow) => {
      const target = await this.lockTargetOf(uow, job.deploymentIds, job.targetId);
      const deployments = await lockDeployments(uow.manager, job.deploymentIds, [DeploymentStatus.QUEUED], true);
      if (deployments.length > 0) await this.handOver(uow, job, deployments, target, false);
    });
  }

  /**
   * Several dispatch jobs in one transaction, so they share its commit and its event append (every commit that
   * appends events waits for the ones before it). Their targets are locked first, in id order, as every
   * transaction that locks several targets takes them. Throws NotBatchable (rolling everything back) for a batch
   * it cannot run together; the jobs then run one by one.
   */
  async dispatchMany(jobs: JobData[typeof QUEUES.dispatch][]): Promise<void> {
    const targetIds = [...new Set(jobs.map((job) => job.targetId))];
    if (targetIds.length !== jobs.length || targetIds.includes(undefined)) throw new NotBatchable();
    await this.engine.run(async (uow) => {
      const targets = await selectEntities(
        uow.manager,
        RolloutTarget,
        'SELECT * FROM rollout_target WHERE id = ANY($1) ORDER BY id FOR UPDATE',
        [targetIds],
      );
      const byId = new Map(targets.map((target) => [target.id, target]));
      for (const job of jobs) {
        const deployments = await lockDeployments(uow.manager, job.deploymentIds, [DeploymentStatus.QUEUED], true);
        if (deployments.length > 0) await this.handOver(uow, job, deployments, byId.get(job.targetId!) ?? null, true);
      }
    });
  }

  /** The one hand-over of each deployment to its installation's driver, marked so that it is never repeated. */
  private async handOver(
    uow: UnitOfWork,
    job: JobData[typeof QUEUES.dispatch],
    deployments: Deployment[],
    target: RolloutTarget | null,
    batched: boolean,
  ): Promise<void> {
    const [installation] = await selectEntities(uow.manager, Installation, 'SELECT * FROM installation WHERE id = $1', [
      deployments[0].installationId,
    ]);
    const settings = driverSettings(installation);
    const now = new Date();
    for (const deployment of deployments) deployment.dispatchedAt = now;
    switch (settings.driver) {
      case DeploymentDriver.SIMULATED: {
        // Still every deployment of the stage, none reported on meanwhile: the stage's outcome is theirs.
        const stageTarget = job.wholeStage && deployments.length === job.deploymentIds.length ? target : null;
        return this.simulate(uow, installation, settings.config, deployments, stageTarget, batched);
      }
      case DeploymentDriver.WEBHOOK:
        await writeDeploymentStates(uow.manager, deployments);
        for (const deployment of deployments) {
          await this.jobs.send(
            uow.manager,
            QUEUES.webhook,
            { deploymentId: deployment.id, attempt: 1 },
            { singletonKey: `${deployment.id}:1` },
          );
        }
        return this.engine.appendLog(uow, deployments, `Sending the deployment request to ${displayUrl(settings.config.url)}`);
      case DeploymentDriver.MANUAL:
        await writeDeploymentStates(uow.manager, deployments);
        return this.engine.appendLog(uow, deployments, 'Waiting for a person to deploy this and report it done');
    }
  }

  /**
   * `stageTarget`: the locked target when `deployments` are every deployment of its current stage left to
   * deploy; without a delay the whole target then runs at once (RolloutEngine.runInstantly). `batched`: in a
   * transaction with other dispatch jobs, which only that way of running shares.
   */
  private async simulate(
    uow: UnitOfWork,
    installation: Installation,
    config: SimulatedConfig,
    deployments: Deployment[],
    stageTarget: RolloutTarget | null,
    batched: boolean,
  ) {
    const delayMs = config.delayMs ?? 0;
    if (delayMs > 0) {
      await this.engine.markInProgress(uow, deployments);
      // A simulated deployment that takes time writes a log as a real driver would, so its progress can be followed.
      await this.engine.appendLog(uow, deployments, `Simulated driver: deploying; this takes ${delayMs} ms`);
      await this.jobs.send(
        uow.manager,
        QUEUES.simulate,
        { deploymentIds: deployments.map((d) => d.id) },
        { startAfter: new Date(Date.now() + delayMs) },
      );
      return;
    }
    const rolloutId = deployments[0].rolloutId;
    if (
      stageTarget &&
      rolloutId &&
      stageTarget.status === TargetStatus.RUNNING &&
      !stageTarget.rollingBack &&
      deployments.every(
        (d) => d.kind === DeploymentKind.ROLLOUT && d.targetId === stageTarget.id && d.stage === stageTarget.currentStage,
      )
    ) {
      const [rollout] = await selectEntities(uow.manager, Rollout, 'SELECT * FROM rollout WHERE id = $1', [rolloutId]);
      const components = await this.engine.components(uow, rollout);
      const slugs = await slugsOf(uow.manager, [
        ...deployments.map((d) => d.applicationId),
        ...components.map((c) => c.applicationId),
      ]);
      await this.engine.runInstantly(uow, rollout, stageTarget, deployments, (d) =>
        simulatedOutcome(config, slugs.get(d.applicationId)!),
      );
      return;
    }
    if (batched) throw new NotBatchable();
    // Later stages of this installation finish in this same transaction.
    const instant = async (inner: UnitOfWork, installationId: string): Promise<OutcomeOf | null> => {
      if (installationId !== installation.id) return null;
      const slugs = await slugsOf(
        inner.manager,
        (await inner.manager.getRepository(Application).find()).map((a) => a.id),
      );
      return (d) => simulatedOutcome(config, slugs.get(d.applicationId)!);
    };
    uow.instantDriver = {
      targetIds: new Set(deployments.map((d) => d.targetId).filter((id): id is string => id !== null)),
      outcomeFor: instant,
    };
    await this.engine.finishDeployments(uow, deployments, (await instant(uow, installation.id))!, stageTarget ?? undefined);
  }

  async completeSimulated(deploymentIds: string[]): Promise<void> {
    await this.engine.run(async (uow) => {
      const target = await this.lockTargetOf(uow, deploymentIds);
      const deployments = await lockDeployments(uow.manager, deploymentIds, [DeploymentStatus.IN_PROGRESS]);
      if (deployments.length === 0) return;
      const installation = await uow.manager.getRepository(Installation).findOneByOrFail({ id: deployments[0].installationId });
      const settings = driverSettings(installation);
      const config = settings.driver === DeploymentDriver.SIMULATED ? settings.config : {};
      const slugs = await slugsOf(
        uow.manager,
        deployments.map((d) => d.applicationId),
      );
      const outcome = (d: Deployment) => simulatedOutcome(config, slugs.get(d.applicationId)!);
      for (const deployment of deployments) await this.engine.appendLog(uow, [deployment], outcome(deployment).message);
      await this.engine.finishDeployments(uow, deployments, outcome, target ?? undefined);
    });
  }

  /** Starts the next installations, pauses on failure, ends waves and the rollout: the rollout-wide steps. */
  async advance(rolloutId: string): Promise<void> {
    await this.engine.run(async (uow) => {
      const rollout = await this.engine.lockRollout(uow, rolloutId);
      uow.requestAdvance(rollout.id);
    });
  }

  async promoteByTimer(rolloutId: string, wave: number): Promise<void> {
    await this.engine.run(async (uow) => {
      const rollout = await this.engine.lockRollout(uow, rolloutId);
      if (rollout.status !== RolloutStatus.WAITING_FOR_PROMOTION || rollout.currentWave !== wave) return;
      await this.engine.promote(uow, rollout);
    });
  }

  callbackUrl(deploymentId: string): string {
    const base = this.config.publicUrl ?? `http://localhost:${this.config.port}`;
    return `${base}/api/deployments/${deploymentId}/status`;
  }

  /** The request body of a WEBHOOK deployment: what to deploy where, and where to report. */
  private async requestBody(manager: EntityManager, deployment: Deployment, installation: Installation): Promise<string> {
    const [tenant, application, artifact, rollout] = await Promise.all([
      manager.getRepository(Tenant).findOneByOrFail({ id: installation.tenantId }),
      manager.getRepository(Application).findOneByOrFail({ id: deployment.applicationId }),
      manager.getRepository(Artifact).findOneByOrFail({ id: deployment.artifactId }),
      deployment.rolloutId ? manager.getRepository(Rollout).findOneBy({ id: deployment.rolloutId }) : null,
    ]);
    const release = rollout ? await manager.getRepository(Release).findOneBy({ id: rollout.releaseId }) : null;
    return JSON.stringify({
      deploymentId: deployment.id,
      callbackUrl: this.callbackUrl(deployment.id),
      kind: deployment.kind,
      attempt: deployment.attempt,
      stage: deployment.stage,
      reason: deployment.reason,
      installation: {
        id: installation.id,
        slug: installation.slug,
        name: installation.name,
        tenant: { id: tenant.id, slug: tenant.slug },
      },
      application: { id: application.id, slug: application.slug },
      artifact: {
        id: artifact.id,
        version: artifact.version,
        imageRef: artifact.imageRef,
        digest: artifact.digest,
        commitSha: artifact.commitSha,
        buildUrl: artifact.buildUrl,
      },
      release: release ? { id: release.id, version: release.version } : null,
      rollout: rollout ? { id: rollout.id } : null,
    });
  }

  /**
   * A deployment handed to a WEBHOOK driver whose installation has another driver now: no one would finish it, so
   * it fails, saying so (retrying deploys with the current driver).
   */
  private driverChanged(deployment: Deployment, driver: DeploymentDriver): Promise<void> {
    return this.failDeployments(
      [deployment.id],
      [DeploymentStatus.QUEUED],
      `The installation's driver changed to ${driver} before the deployment request was delivered, so it was not sent again; retry to deploy with the current driver`,
    );
  }

  /**
   * One attempt to POST a deployment request, signed with the installation's secret; every attempt carries the
   * deployment's id as its delivery id, so the orchestrator can recognise a repeat. A failed attempt queues the
   * next after a delay; when the attempts are spent (or the endpoint answered 410 Gone), the deployment FAILS,
   * with every attempt's outcome in its log, and the rollout's failure policy applies.
   */
  async deliverWebhook(deploymentId: string, attempt: number): Promise<void> {
    const manager = this.dataSource.manager;
    const deployment = await manager.getRepository(Deployment).findOneBy({ id: deploymentId });
    if (!deployment || deployment.status !== DeploymentStatus.QUEUED) return;
    const installation = await manager.getRepository(Installation).findOneByOrFail({ id: deployment.installationId });
    const settings = driverSettings(installation);
    if (settings.driver !== DeploymentDriver.WEBHOOK) return this.driverChanged(deployment, settings.driver);
    const config: WebhookConfig = settings.config;
    const { maxAttempts } = deliveryLimits(config);
    const result = await deliver(
      config,
      deployment.id,
      await this.requestBody(manager, deployment, installation),
      this.config.webhookTargets,
    );
    await this.engine.run(async (uow) => {
      if (deployment.targetId) await this.engine.lockTarget(uow, deployment.targetId);
      const [current] = await lockDeployments(uow.manager, [deployment.id], [DeploymentStatus.QUEUED]);
      // Reported or cancelled meanwhile: the outcome of this attempt no longer matters.
      if (!current) return;
      const of = `Attempt ${attempt} of ${maxAttempts}`;
      if (result.delivered) {
        await this.engine.appendLog(uow, [current], `${of}: delivered (answered ${result.httpStatus})`);
        return;
      }
      log.warn(`Webhook for deployment ${deployment.id}: ${of} ${result.problem}`);
      await this.engine.appendLog(uow, [current], `${of} ${result.outcome}`);
      if (result.final || attempt >= maxAttempts) {
        const why = result.final ? result.outcome : `${attempt} attempts failed`;
        await this.engine.finishDeployments(uow, [current], () => ({
          status: DeploymentStatus.FAILED,
          message: `The deployment request could not be delivered: ${why}`,
        }));
        return;
      }
      await this.jobs.send(
        uow.manager,
        QUEUES.webhook,
        { deploymentId: deployment.id, attempt: attempt + 1 },
        { startAfter: new Date(Date.now() + retryDelayMs(attempt)), singletonKey: `${deployment.id}:${attempt + 1}` },
      );
    });
  }
}
