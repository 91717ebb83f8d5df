import { Client } from 'pg';
import { createApplications, createFleet, createTiers, lockedRelease, startRollout } from '../factories/rollouts';
import { errorCode, startTestServer, type TestServer } from '../support/server';

/**
 * Archiving and starting a rollout at the same instant: a rollout start holds its installations' rows, so one
 * that waits on an installation being archived sees it archived once that commits, and refuses to start.
 */

let server: TestServer;
let installations: Record<string, string>;
let releaseId: string;

beforeAll(async () => {
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['api'], ['1.0.0']);
  installations = await createFleet(server, [
    { tenant: 'acme', slug: 'prod', tier: 'prod' },
    { tenant: 'acme', slug: 'qa', tier: 'qa' },
  ]);
  releaseId = await lockedRelease(server, '1.0.0', [{ app: 'api', version: '1.0.0', stage: 1 }]);
});
afterAll(async () => {
  await server?.close();
});

/** A connection of its own, as another replica's archiving transaction would be. */
async function otherConnection(): Promise<Client> {
  const client = new Client({ connectionString: server.config.databaseUrl });
  await client.connect();
  return client;
}

/** Returns once some backend waits on a lock that `holder` holds; each round is one query, no fixed delays. */
async function untilBlockedBy(holder: Client): Promise<void> {
  const watcher = await otherConnection();
  try {
    const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { rows } = await watcher.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(pid))`,
        [pid],
      );
      if (rows[0].waiting > 0) return;
      if (Date.now() > deadline) throw new Error('No backend ever waited on the held installation row');
    }
  } finally {
    await watcher.end();
  }
}

async function rolloutsTargeting(installationId: string) {
  const client = await otherConnection();
  try {
    const { rows } = await client.query<{ rollouts: number; targets: number }>(
      `SELECT count(DISTINCT rollout_id)::int AS rollouts, count(*)::int AS targets
         FROM rollout_target WHERE installation_id = $1`,
      [installationId],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('archiving while a rollout starts', () => {
  it('a rollout start waiting on an installation being archived sees it archived and refuses (CONFLICT naming it)', async () => {
    const archiver = await otherConnection();
    try {
      await archiver.query('BEGIN');
      await archiver.query('SELECT id FROM installation WHERE id = $1 FOR UPDATE', [installations['acme/prod']]);
      await archiver.query('UPDATE installation SET archived_at = now() WHERE id = $1', [installations['acme/prod']]);

      const starting = startRollout(server, { releaseId, installationIds: [installations['acme/prod']] });
      await untilBlockedBy(archiver);
      await archiver.query('COMMIT');

      const answer = await starting;
      expect(errorCode(answer)).toBe('CONFLICT');
      expect(answer.errors![0].message).toContain('acme/prod');
      expect(answer.errors![0].extensions!.blockers).toEqual(['Installation acme/prod was archived']);
      expect(answer.data?.startRollout ?? null).toBeNull();
      expect(await rolloutsTargeting(installations['acme/prod'])).toEqual({ rollouts: 0, targets: 0 });
    } finally {
      await archiver.end();
    }
  });

  it('a rollout start waiting on an archiving that rolls back starts with the installation', async () => {
    const archiver = await otherConnection();
    try {
      await archiver.query('BEGIN');
      await archiver.query('SELECT id FROM installation WHERE id = $1 FOR UPDATE', [installations['acme/qa']]);
      await archiver.query('UPDATE installation SET archived_at = now() WHERE id = $1', [installations['acme/qa']]);

      const starting = startRollout(server, { releaseId, installationIds: [installations['acme/qa']] });
      await untilBlockedBy(archiver);
      await archiver.query('ROLLBACK');

      const answer = await starting;
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.startRollout.id).toEqual(expect.any(String));
      expect(await rolloutsTargeting(installations['acme/qa'])).toEqual({ rollouts: 1, targets: 1 });
    } finally {
      await archiver.end();
    }
  });
});
