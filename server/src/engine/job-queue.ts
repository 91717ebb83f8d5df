import { Pool } from 'pg';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { log } from '../log';

export const QUEUES = {
  /** Hand queued deployments to their installation's driver. */
  dispatch: 'deployment-dispatch',
  /** Finish simulated deployments after their delay. */
  simulate: 'deployment-simulate',
  /** Move a rollout on after one of its installations finished: start the next, end the wave, pause on failure. */
  advance: 'rollout-advance',
  /** Promote the next wave of a rollout after its timer. */
  promote: 'rollout-promote',
  /** One attempt to POST a signed request to a WEBHOOK driver's orchestrator; a failed attempt queues the next. */
  webhook: 'webhook-delivery',
  /**
   * An outbound event webhook's message is due (its first attempt, or the next after a failed one): wakes a
   * replica to claim due messages, a few per endpoint, and send them.
   */
  webhookMessage: 'webhook-message',
  /** Periodic: retention of the delivery log, endpoints failing for too long. */
  webhookMaintenance: 'webhook-maintenance',
} as const;

async function runInTransaction(manager: EntityManager, text: string, values: unknown[]): Promise<{ rows: unknown[] }> {
  if (!manager.queryRunner) throw new Error('Jobs are enqueued inside a transaction');
  const result = await manager.queryRunner.query(text, values, true);
  return { rows: result.records as unknown[] };
}

/** How long after sending a job its queue's workers are still woken by commits: longer than a transaction lasts. */
const WAKE_WINDOW_MS = 30_000;
/** Longer than pg-boss's pause between two looks at whether a stopping queue's workers have ended (1 s). */
const STOP_SETTLE_MS = 1_100;
/** How long a stop waits for statements of the queue under way before closing its connections regardless. */
const STOP_LIMIT_MS = 15_000;

/**
 * The queue's connections, given to pg-boss rather than opened by it, so that they close only once nothing of the
 * queue uses them. (pg-boss ends its own pool as soon as no job is under way; a worker whose fetch was still
 * waiting for a connection then waits forever, and its loop never ends.)
 */
class QueueConnections {
  private readonly pool: Pool;

  constructor(connectionString: string) {
    this.pool = new Pool({ connectionString, max: 4, application_name: 'shiplog-jobs' });
    this.pool.on('error', (error) => log.error('Job queue connection error', error));
  }

  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    return this.pool.query(text, values);
  }

  /** Some statement runs or waits for a connection. */
  get busy(): boolean {
    return this.pool.waitingCount > 0 || this.pool.totalCount > this.pool.idleCount;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * The queues whose jobs move deployments and rollouts on. A job of one whose every try failed is not dropped: it
 * goes to the queue's gave-up queue (pg-boss's dead letter), whose handler (`workGaveUp`) makes it visible.
 */
const GIVES_UP: readonly QueueName[] = [QUEUES.dispatch, QUEUES.simulate, QUEUES.advance, QUEUES.promote, QUEUES.webhook];

export function gaveUpQueue(queue: QueueName): string {
  return `${queue}-gave-up`;
}

export interface JobData {
  /**
   * `targetId`: the target the deployments belong to, so the handler locks it without reading a deployment
   * first. `wholeStage`: the deployments are every one of their stage left to deploy, as the engine queued them.
   * Both are absent from jobs queued by older versions.
   */
  [QUEUES.dispatch]: { deploymentIds: string[]; targetId?: string; wholeStage?: boolean };
  [QUEUES.simulate]: { deploymentIds: string[] };
  [QUEUES.promote]: { rolloutId: string; wave: number };
  [QUEUES.advance]: { rolloutId: string };
  /** `attempt`: which delivery attempt this is (1 when absent, as in jobs queued by older versions). */
  [QUEUES.webhook]: { deploymentId: string; attempt?: number };
  /** The message's id only: everything else (the secret above all) is read when the attempt is made. */
  [QUEUES.webhookMessage]: { messageId: string };
  [QUEUES.webhookMaintenance]: Record<string, never>;
}

/**
 * Engine work lives in PostgreSQL (pg-boss), so whichever replica is alive does it and a crash resumes from the
 * database. Jobs are enqueued inside the transaction that makes them necessary: a rolled-back change leaves no job.
 */
export class JobQueue {
  private readonly workers: { queue: QueueName; id: string }[] = [];
  /** When this process last queued a job on each queue. */
  private readonly lastSent = new Map<QueueName, number>();
  /** Batches this replica's workers have started, by queue, since it started: how busy it is with what. */
  private readonly batchesStarted = new Map<QueueName, number>();
  private stopped = false;
  /** Batches whose handlers are running now. */
  private running = 0;

  private constructor(
    private readonly boss: PgBoss,
    private readonly connections: QueueConnections,
  ) {}

  static async start(connectionString: string): Promise<JobQueue> {
    const connections = new QueueConnections(connectionString);
    const boss = new PgBoss({
      db: connections,
      schema: 'pgboss',
      // Jobs of a replica that died are handed to another after expiry; maintenance notices that promptly.
      maintenanceIntervalSeconds: 5,
    });
    boss.on('error', (error) => log.error('Job queue error', error));
    await boss.start();
    for (const name of GIVES_UP) await boss.createQueue(gaveUpQueue(name), { name: gaveUpQueue(name), expireInSeconds: 60 });
    for (const name of Object.values(QUEUES)) {
      const options = {
        name,
        // Retries here are for a handler that failed (a replica died, the database was away). A webhook's
        // delivery attempts are the handler's own business: each failed attempt queues the next.
        retryLimit: 5,
        retryDelay: 1,
        retryBackoff: true,
        // Handlers finish in well under a second (a WEBHOOK driver's attempt times out after at most 60 s): a job still active after
        // this belongs to a replica that died, and is retried elsewhere.
        expireInSeconds: name === QUEUES.webhook ? 90 : name === QUEUES.webhookMessage ? 60 : 10,
        ...(GIVES_UP.includes(name) ? { deadLetter: gaveUpQueue(name) } : {}),
      };
      await boss.createQueue(name, options);
      // A queue an earlier version made takes these settings too (creating leaves an existing queue as it is).
      await boss.updateQueue(name, options);
    }
    return new JobQueue(boss, connections);
  }

  /** Enqueues within the caller's transaction. */
  async send<Q extends QueueName>(
    manager: EntityManager,
    queue: Q,
    data: JobData[Q],
    options: { startAfter?: Date; singletonKey?: string } = {},
  ): Promise<void> {
    await this.boss.send(queue, data as object, {
      ...options,
      db: { executeSql: (text, values) => runInTransaction(manager, text, values) },
    });
    this.lastSent.set(queue, Date.now());
  }

  /** Enqueues one job per item within the caller's transaction, in one statement. */
  async sendMany<Q extends QueueName>(manager: EntityManager, queue: Q, items: JobData[Q][]): Promise<void> {
    if (items.length === 0) return;
    await this.boss.insert(
      items.map((data) => ({ name: queue, data })),
      { db: { executeSql: (text, values) => runInTransaction(manager, text, values) } },
    );
    this.lastSent.set(queue, Date.now());
  }

  /** Runs a job on `queue` by the cron expression, on one replica at a time. */
  async schedule(queue: QueueName, cron: string): Promise<void> {
    await this.boss.schedule(queue, cron, {});
  }

  /**
   * Runs `handler` for each job fetched, a batch at a time. With `sameWork`, jobs of a batch with the same key
   * are the same work: it runs once for them all (every job of a batch was committed before the batch was
   * fetched, so one run after the fetch sees what each of them was queued for). With `together`, a batch of
   * several jobs is first tried as one piece of work; if that throws (and so did nothing), each job runs alone.
   */
  /** How many batches of these queues this replica's workers have started so far. */
  batchesStartedOf(queues: readonly QueueName[]): number {
    return queues.reduce((sum, queue) => sum + (this.batchesStarted.get(queue) ?? 0), 0);
  }

  async work<Q extends QueueName>(
    queue: Q,
    handler: (data: JobData[Q]) => Promise<void>,
    batchSize = 4,
    sameWork?: (data: JobData[Q]) => string,
    together?: (batch: JobData[Q][]) => Promise<void>,
  ): Promise<void> {
    const id = await this.boss.work<JobData[Q]>(queue, { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      this.running++;
      this.batchesStarted.set(queue, (this.batchesStarted.get(queue) ?? 0) + 1);
      try {
        await this.runBatch(queue, jobs, handler, sameWork, together);
      } finally {
        this.running--;
      }
    });
    this.workers.push({ queue, id });
  }

  /**
   * Handles the jobs of `queue` whose every try failed. `lastTry` runs the job once more (what failed may have
   * passed: the database was away for longer than the retries); if that throws too, `otherwise` records in the
   * open that the work could not be done, so nothing waits for it silently for ever.
   */
  async workGaveUp<Q extends QueueName>(
    queue: Q,
    lastTry: (data: JobData[Q]) => Promise<void>,
    otherwise: (data: JobData[Q]) => Promise<void>,
  ): Promise<void> {
    // Seldom any: a slow poll costs little, and it is not woken by commits (pg-boss moves the jobs here).
    await this.boss.work<JobData[Q]>(gaveUpQueue(queue), { batchSize: 1, pollingIntervalSeconds: 5 }, async ([job]) => {
      this.running++;
      try {
        await lastTry(job.data).catch(async (error: unknown) => {
          log.error(`A ${queue} job failed on every try and once more; what it was for is given up`, error);
          await otherwise(job.data);
        });
      } finally {
        this.running--;
      }
    });
  }

  private async runBatch<Q extends QueueName>(
    queue: Q,
    jobs: { id: string; data: JobData[Q] }[],
    handler: (data: JobData[Q]) => Promise<void>,
    sameWork?: (data: JobData[Q]) => string,
    together?: (batch: JobData[Q][]) => Promise<void>,
  ): Promise<void> {
    if (together && jobs.length > 1) {
      const done = await together(jobs.map((job) => job.data)).then(
        () => true,
        (error: unknown) => {
          log.debug(`A batch of ${queue} jobs runs one by one instead`, error);
          return false;
        },
      );
      if (done) return;
    }
    // A job of the batch that throws is retried by itself; the others complete. (Throwing here would make
    // pg-boss fail, and so retry, the whole batch: a webhook delivered fine would be sent again.)
    const runs = new Map<string, Promise<void>>();
    const results = await Promise.allSettled(
      jobs.map((job, index) => {
        const key = sameWork ? sameWork(job.data) : String(index);
        let run = runs.get(key);
        if (!run) runs.set(key, (run = handler(job.data)));
        return run;
      }),
    );
    if (this.stopped) return;
    for (const [index, result] of results.entries()) {
      if (result.status === 'rejected') {
        const reason: unknown = result.reason;
        await this.boss.fail(queue, jobs[index].id, reason instanceof Error ? reason : { message: String(reason) });
      }
    }
  }

  /**
   * Wakes this replica's workers now instead of at their next poll, after a commit that queued work. Only the
   * workers of queues this process sent to lately: each wake costs a fetch, and most commits queue nothing on
   * most queues. "Lately" spans any transaction still open (a job outlives none of them by the expiry), so a
   * commit never misses the wake its own job needs; a job queued by another replica is found by the poll.
   */
  wake(): void {
    const since = Date.now() - WAKE_WINDOW_MS;
    for (const { queue, id } of this.workers) {
      if ((this.lastSent.get(queue) ?? 0) >= since) this.boss.notifyWorker(id);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    // pg-boss's stop returns before its workers' loops have ended: a fetch may still be under way (or waiting for
    // a connection), and a batch it returns starts its handler after the stop; pg-boss looks once a second
    // whether the loops have ended. Waiting until nothing has run for longer than that means nothing of the queue
    // runs after this returns (a test's environment may be gone by then), and the jobs handled are recorded done.
    const limit = Date.now() + STOP_LIMIT_MS;
    let quietSince = Date.now();
    while (Date.now() - quietSince < STOP_SETTLE_MS && Date.now() < limit) {
      if (this.running > 0 || this.connections.busy) quietSince = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.connections.close();
  }
}
