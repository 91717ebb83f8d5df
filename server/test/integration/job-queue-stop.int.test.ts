import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { JobQueue, QUEUES } from '../../src/engine/job-queue';
import { createTestDatabase } from '../support/database';

/**
 * A replica that stops lets no job handler run after its stop returned: the server closes its database
 * connections next, and a test's environment is gone right after. The hard case is a batch whose fetch was under
 * way when the stop began: it returns its jobs after pg-boss has declared itself idle.
 */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataSource: DataSource;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = new DataSource({ type: 'postgres', url: database.url });
  await dataSource.initialize();
});
afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

async function connection(): Promise<Client> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  return client;
}

/** Returns once `count` connections of the job queue wait on a lock. */
async function untilFetchesWait(watcher: Client, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { rows } = await watcher.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'shiplog-jobs' AND wait_event_type = 'Lock'`,
    );
    if (rows[0].waiting >= count) return;
    if (Date.now() > deadline) throw new Error(`fewer than ${count} fetches of the job queue waited on the lock`);
  }
}

it('lets every fetch under way at the stop finish and its jobs be handled and recorded before stop returns', async () => {
  const queue = await JobQueue.start(database.url);
  // More queues than the queue has connections (4), so some fetches wait for a connection when the stop begins.
  const queues = [QUEUES.dispatch, QUEUES.simulate, QUEUES.advance, QUEUES.promote, QUEUES.webhook, QUEUES.webhookMessage];
  await dataSource.transaction(async (manager) => {
    await queue.send(manager, QUEUES.dispatch, { deploymentIds: [] });
    await queue.send(manager, QUEUES.simulate, { deploymentIds: [] });
    await queue.send(manager, QUEUES.advance, { rolloutId: 'a' });
    await queue.send(manager, QUEUES.promote, { rolloutId: 'a', wave: 1 });
    await queue.send(manager, QUEUES.webhook, { deploymentId: 'a' });
    await queue.send(manager, QUEUES.webhookMessage, { messageId: 'a' });
  });

  // The jobs' table is locked before any worker exists, so the first fetches wait, holding the jobs they return.
  const locker = await connection();
  const watcher = await connection();
  const handled: { queue: string; ended?: number }[] = [];
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE pgboss.job IN ACCESS EXCLUSIVE MODE');
    for (const name of queues) {
      await queue.work(name, async () => {
        const run: { queue: string; ended?: number } = { queue: name };
        handled.push(run);
        await new Promise((resolve) => setTimeout(resolve, 300));
        run.ended = Date.now();
      });
    }
    await untilFetchesWait(watcher, 4);

    const stopping = queue.stop();
    // The stop has begun (pg-boss has told its workers to stop) when the fetches get their jobs.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await locker.query('ROLLBACK');
    await stopping;
    const returned = Date.now();

    expect(handled.map((run) => run.queue).sort()).toEqual([...queues].sort());
    for (const run of handled) expect(run.ended).toBeLessThanOrEqual(returned);
    const { rows } = await watcher.query<{ name: string; state: string }>('SELECT name, state FROM pgboss.job ORDER BY name');
    expect(rows).toEqual([...queues].sort().map((name) => ({ name, state: 'completed' })));
  } finally {
    await locker.end();
    await watcher.end();
  }
});
