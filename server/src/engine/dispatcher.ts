import { createHmac } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { DataSource, In, type EntityManager } from 'typeorm';
import { CONFIG, JOB_QUEUE } from '../tokens';
import type { Config } from '../config';
import { log } from '../log';
import { Application } from '../modules/application/application.entity';
import { Artifact } from '../modules/application/artifact.entity';
import { DeploymentLogLine } from '../modules/deployment/deployment-log.entity';
import { Deployment, DeploymentKind, DeploymentStatus } from '../modules/deployment/deployment.entity';
import { Release } from '../modules/release/release.entity';
import { RolloutTarget, TargetStatus } from '../modules/rollout/rollout-target.entity';
import { Rollout, RolloutStatus } from '../modules/rollout/rollout.entity';
import { DeploymentDriver, Installation } from '../modules/tenant/installation.entity';
import { Tenant } from '../modules/tenant/tenant.entity';
import { selectEntities } from '../db/raw-rows';
import { JobQueue, QUEUES, type JobData } from './job-queue';
import { RolloutEngine } from './rollout-engine';

interface SimulatedConfig {
  delayMs?: number;
  fail?: string[];
}

interface WebhookConfig {
  url: string;
  secret: string;
  headers?: Record<string, string>;
}

const DISPATCH_WORKERS = 3;

/** A batch of dispatch jobs that must run one by one instead. */
export class NotBatchable extends Error {
  constructor() {
    super('These dispatch jobs cannot run in one transaction');
  }
}

/** Application slugs by id: a slug never changes, so they are read once per process. */
const applicationSlugs = new Map<string, string>();
const MAX_CACHED_SLUGS = 10_000;

export const SIGNATURE_HEADER = 'X-Shiplog-Signature-256';

/** `sha256=<hex HMAC-SHA256 of the body>`, as orchestrators verify it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The job handlers: each runs in its own transaction and is safe to run twice. */
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
    await this.jobs.work(QUEUES.webhook, (data) => this.deliverWebhook(data.deploymentId));
  }

  /**
   * Runs `work` in a transaction holding the lock of the target the deployments belong to (`targetId`, when
   * the job says which), with the deployments that are still in one of `statuses` locked too.
   */
  private async withDeployments(
    deploymentIds: string[],
    statuses: DeploymentStatus[],
    work: (manager: EntityManager, deployments: Deployment[], target: RolloutTarget | null) => Promise<void>,
    targetId?: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (targetId === undefined) {
        const first = await manager.getRepository(Deployment).findOneBy({ id: In(deploymentIds) });
        if (!first) return;
        targetId = first.targetId ?? undefined;
      }
      // The deployments of one job belong to one installation's target: its lock is enough.
      const target = targetId !== undefined ? await this.engine.lockTarget(manager, targetId) : null;
      const deployments = await selectEntities(
        manager,
        Deployment,
        'SELECT * FROM deployment WHERE id = ANY($1) AND status = ANY($2) FOR UPDATE',
        [deploymentIds, statuses],
      );
      if (deployments.length === 0) return;
      await work(manager, deployments, target);
      await this.engine.flush(manager);
    });
    this.engine.wake();
  }

  /** Hands queued deployments (all of one installation) to its driver. A second run finds nothing QUEUED to hand over. */
  async dispatch(job: JobData[typeof QUEUES.dispatch]): Promise<void> {
    await this.withDeployments(
      job.deploymentIds,
      [DeploymentStatus.QUEUED],
      (manager, deployments, target) => this.handOver(manager, job, deployments, target, false),
      job.targetId,
    );
  }

  /**
   * Several dispatch jobs in one transaction, so they share its commit and its event append (every commit
   * that appends events waits for the ones before it). Their targets are locked first, in id order, as every
   * transaction that locks several targets takes them. Throws NotBatchable (rolling everything back) for a
   * batch it cannot run together; the jobs then run one by one.
   */
  async dispatchMany(jobs: JobData[typeof QUEUES.dispatch][]): Promise<void> {
    const targetIds = [...new Set(jobs.map((job) => job.targetId))];
    if (targetIds.length !== jobs.length || targetIds.includes(undefined)) throw new NotBatchable();
    await this.dataSource.transaction(async (manager) => {
      const targets = await selectEntities(
        manager,
        RolloutTarget,
        'SELECT * FROM rollout_target WHERE id = ANY($1) ORDER BY id FOR UPDATE',
        [targetIds],
      );
      const byId = new Map(targets.map((target) => [target.id, target]));
      for (const job of jobs) {
        const deployments = await selectEntities(
          manager,
          Deployment,
          'SELECT * FROM deployment WHERE id = ANY($1) AND status = ANY($2) FOR UPDATE',
          [job.deploymentIds, [DeploymentStatus.QUEUED]],
        );
        if (deployments.length > 0) await this.handOver(manager, job, deployments, byId.get(job.targetId!) ?? null, true);
      }
      await this.engine.flush(manager);
    });
    this.engine.wake();
  }

  private async handOver(
    manager: EntityManager,
    job: JobData[typeof QUEUES.dispatch],
    deployments: Deployment[],
    target: RolloutTarget | null,
    batched: boolean,
  ): Promise<void> {
    const [installation] = await selectEntities(manager, Installation, 'SELECT * FROM installation WHERE id = $1', [
      deployments[0].installationId,
    ]);
    switch (installation.driver) {
      case DeploymentDriver.SIMULATED: {
        // Still every deployment of the stage, none reported on meanwhile: the stage's outcome is theirs.
        const stageTarget = job.wholeStage && deployments.length === job.deploymentIds.length ? target : null;
        return this.simulate(manager, installation, deployments, stageTarget, batched);
      }
      case DeploymentDriver.WEBHOOK:
        for (const deployment of deployments) {
          await this.jobs.send(manager, QUEUES.webhook, { deploymentId: deployment.id }, { singletonKey: deployment.id });
        }
        return this.appendLog(
          manager,
          deployments,
          `Sending the deployment request to ${(installation.driverConfig as unknown as WebhookConfig).url}`,
        );
      case DeploymentDriver.MANUAL:
        return this.appendLog(manager, deployments, 'Waiting for a person to deploy this and report it done');
    }
  }

  private async appendLog(manager: EntityManager, deployments: Deployment[], line: string) {
    await manager.getRepository(DeploymentLogLine).insert(deployments.map((d) => ({ deploymentId: d.id, line })));
  }

  private outcome(installation: Installation, applicationSlug: string) {
    const config = installation.driverConfig as SimulatedConfig;
    return (config.fail ?? []).includes(applicationSlug)
      ? { status: DeploymentStatus.FAILED as const, message: `Simulated failure of ${applicationSlug}` }
      : { status: DeploymentStatus.SUCCEEDED as const, message: 'Simulated deployment succeeded' };
  }

  /**
   * `stageTarget`: the locked target when `deployments` are every deployment of its current stage left to
   * deploy; without a delay the whole target then runs at once (RolloutEngine.runInstantly). `batched`: in a
   * transaction with other dispatch jobs, which only that way of running shares.
   */
  private async simulate(
    manager: EntityManager,
    installation: Installation,
    deployments: Deployment[],
    stageTarget: RolloutTarget | null,
    batched = false,
  ) {
    const delayMs = (installation.driverConfig as SimulatedConfig).delayMs ?? 0;
    if (delayMs === 0) {
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
        const [rollout] = await selectEntities(manager, Rollout, 'SELECT * FROM rollout WHERE id = $1', [rolloutId]);
        const components = await this.engine.components(manager, rollout);
        const slugs = await this.slugsOf(manager, [
          ...deployments.map((d) => d.applicationId),
          ...components.map((c) => c.applicationId),
        ]);
        await this.engine.runInstantly(manager, rollout, stageTarget, deployments, (d) =>
          this.outcome(installation, slugs.get(d.applicationId)!),
        );
        return;
      }
      if (batched) throw new NotBatchable();
      let slugs: Map<string, string> | undefined;
      const instant = async (m: EntityManager, installationId: string) => {
        if (installationId !== installation.id) return null;
        slugs ??= new Map((await m.getRepository(Application).find()).map((a) => [a.id, a.slug]));
        const known = slugs;
        return (d: Deployment) => this.outcome(installation, known.get(d.applicationId)!);
      };
      // Later stages of this installation finish in this same transaction.
      const targetIds = new Set(deployments.map((d) => d.targetId).filter((id): id is string => id !== null));
      this.engine.withInstantDriver(manager, { targetIds, outcomeFor: instant });
      const outcome = (await instant(manager, installation.id))!;
      const rollout = deployments[0].rolloutId
        ? await manager.getRepository(Rollout).findOneBy({ id: deployments[0].rolloutId })
        : null;
      await this.engine.finishDeployments(manager, deployments, outcome, rollout ?? undefined);
      return;
    }
    const now = new Date();
    for (const deployment of deployments) {
      deployment.status = DeploymentStatus.IN_PROGRESS;
      deployment.startedAt = now;
    }
    await manager.getRepository(Deployment).save(deployments);
    // A simulated deployment that takes time writes a log as a real driver would, so its progress can be followed.
    await manager
      .getRepository(DeploymentLogLine)
      .insert(deployments.map((d) => ({ deploymentId: d.id, line: `Simulated driver: deploying; this takes ${delayMs} ms` })));
    this.engine.emit(manager, ...deployments.map((d) => this.engine.deploymentEvent(d)));
    await this.jobs.send(
      manager,
      QUEUES.simulate,
      { deploymentIds: deployments.map((d) => d.id) },
      { startAfter: new Date(now.getTime() + delayMs) },
    );
  }

  /** Application slugs by id, covering at least `ids`; read from the database only when one is new to this process. */
  private async slugsOf(manager: EntityManager, ids: Iterable<string>): Promise<ReadonlyMap<string, string>> {
    for (const id of ids) {
      if (applicationSlugs.has(id)) continue;
      if (applicationSlugs.size >= MAX_CACHED_SLUGS) applicationSlugs.clear();
      for (const a of await manager.getRepository(Application).find()) applicationSlugs.set(a.id, a.slug);
      break;
    }
    return applicationSlugs;
  }

  async completeSimulated(deploymentIds: string[]): Promise<void> {
    await this.withDeployments(deploymentIds, [DeploymentStatus.IN_PROGRESS], async (manager, deployments) => {
      const installation = await manager.getRepository(Installation).findOneByOrFail({ id: deployments[0].installationId });
      const slugs = await this.slugsOf(
        manager,
        deployments.map((d) => d.applicationId),
      );
      const outcome = (d: Deployment) => this.outcome(installation, slugs.get(d.applicationId)!);
      await manager
        .getRepository(DeploymentLogLine)
        .insert(deployments.map((d) => ({ deploymentId: d.id, line: outcome(d).message })));
      await this.engine.finishDeployments(manager, deployments, outcome);
    });
  }

  /** Starts the next installations, pauses on failure, ends waves and the rollout: the rollout-wide steps. */
  async advance(rolloutId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const rollout = await this.engine.lockRollout(manager, rolloutId);
      await this.engine.advance(manager, rollout);
      await this.engine.flush(manager);
    });
    this.engine.wake();
  }

  async promoteByTimer(rolloutId: string, wave: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const rollout = await this.engine.lockRollout(manager, rolloutId);
      if (rollout.status !== RolloutStatus.WAITING_FOR_PROMOTION || rollout.currentWave !== wave) return;
      await this.engine.promote(manager, rollout);
      await this.engine.flush(manager);
    });
    this.engine.wake();
  }

  callbackUrl(deploymentId: string): string {
    const base = this.config.publicUrl ?? `http://localhost:${this.config.port}`;
    return `${base}/api/deployments/${deploymentId}/status`;
  }

  /**
   * POSTs the deployment request, signed with the installation's secret. pg-boss retries a failure with backoff;
   * every attempt carries the same delivery id, so the orchestrator can recognise a repeat.
   */
  async deliverWebhook(deploymentId: string): Promise<void> {
    const manager = this.dataSource.manager;
    const deployment = await manager.getRepository(Deployment).findOneBy({ id: deploymentId });
    if (!deployment || deployment.status !== DeploymentStatus.QUEUED) return;
    const installation = await manager.getRepository(Installation).findOneByOrFail({ id: deployment.installationId });
    if (installation.driver !== DeploymentDriver.WEBHOOK) return;
    const config = installation.driverConfig as unknown as WebhookConfig;
    const [tenant, application, artifact, rollout] = await Promise.all([
      manager.getRepository(Tenant).findOneByOrFail({ id: installation.tenantId }),
      manager.getRepository(Application).findOneByOrFail({ id: deployment.applicationId }),
      manager.getRepository(Artifact).findOneByOrFail({ id: deployment.artifactId }),
      deployment.rolloutId ? manager.getRepository(Rollout).findOneBy({ id: deployment.rolloutId }) : null,
    ]);
    const release = rollout ? await manager.getRepository(Release).findOneBy({ id: rollout.releaseId }) : null;
    const body = JSON.stringify({
      deploymentId: deployment.id,
      callbackUrl: this.callbackUrl(deployment.id),
      kind: deployment.kind,
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
    const response = await fetch(config.url, {
      method: 'POST',
      headers: {
        ...(config.headers ?? {}),
        'content-type': 'application/json',
        'user-agent': 'Shiplog-Webhook',
        'x-shiplog-delivery': deployment.id,
        'x-shiplog-timestamp': new Date().toISOString(),
        'x-shiplog-event': 'deployment.requested',
        [SIGNATURE_HEADER.toLowerCase()]: signature(config.secret, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    }).catch((error: unknown) => {
      throw new Error(`Webhook to ${config.url} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    await manager
      .getRepository(DeploymentLogLine)
      .insert({ deploymentId: deployment.id, line: `Webhook answered ${response.status} ${response.statusText}` });
    if (!response.ok) {
      log.warn(`Webhook for deployment ${deployment.id} answered ${response.status}; it will be retried`);
      throw new Error(`Webhook to ${config.url} answered ${response.status}`);
    }
  }
}
