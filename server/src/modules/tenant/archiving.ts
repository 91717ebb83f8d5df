import type { EntityManager } from 'typeorm';
import { conflict } from '../../common/errors';

/** A target an unfinished rollout may still deploy to (or retry): archiving its installation would strand it. */
const OPEN_TARGET_STATUSES = ['PENDING', 'AWAITING_APPROVAL', 'RUNNING', 'FAILED'];

/**
 * Refuses (CONFLICT, each blocker in `blockers`) to archive installations that an unfinished rollout still has
 * work for: finish, abort or wait for those rollouts first. Locks the installations' rows so that a rollout
 * started at the same time sees them archived or this archiving sees its targets.
 */
export async function assertNoOpenRollouts(manager: EntityManager, installationIds: string[], what: string): Promise<void> {
  if (installationIds.length === 0) return;
  await manager.query('SELECT id FROM installation WHERE id = ANY($1) ORDER BY id FOR UPDATE', [installationIds]);
  const rows: { rollout_id: string; installation: string }[] = await manager.query(
    `SELECT DISTINCT r.id AS rollout_id, tn.slug || '/' || i.slug AS installation
       FROM rollout_target rt
       JOIN rollout r ON r.id = rt.rollout_id
       JOIN installation i ON i.id = rt.installation_id
       JOIN tenant tn ON tn.id = i.tenant_id
      WHERE rt.installation_id = ANY($1)
        AND r.status NOT IN ('SUCCEEDED', 'FAILED', 'ABORTED')
        AND rt.status = ANY($2)
      ORDER BY installation, rollout_id
      LIMIT 100`,
    [installationIds, OPEN_TARGET_STATUSES],
  );
  if (rows.length > 0) {
    const blockers = rows.map((row) => `Rollout ${row.rollout_id} still has work on ${row.installation}`);
    throw conflict(`Cannot archive ${what} while unfinished rollouts target it: finish or abort them first`, {
      blockers,
      rolloutIds: [...new Set(rows.map((row) => row.rollout_id))],
    });
  }
}
