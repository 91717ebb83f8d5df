import type { EntityManager } from 'typeorm';

/** What rolling an installation back would do now. */
export interface RollbackOptions {
  /** Application id → the artifact id a rollback would return it to. */
  previous: Map<string, string>;
  /** Applications with a deployment queued or in progress (a rollback leaves them alone). */
  busy: Set<string>;
}

/**
 * The RollbackOptions of each installation, in two statements however many there are: for each running
 * application the artifact that last ran there successfully before the current one, and the applications being
 * deployed. rollBackInstallation decides by it, and the preview (`RunningApplication.rollbackTo`) shows it.
 */
export async function rollbackOptions(manager: EntityManager, installationIds: readonly string[]): Promise<RollbackOptions[]> {
  const previous: { installation_id: string; application_id: string; artifact_id: string }[] = await manager.query(
    `SELECT DISTINCT ON (ra.installation_id, ra.application_id) ra.installation_id, ra.application_id, d.artifact_id
       FROM running_artifact ra
       JOIN deployment d ON d.installation_id = ra.installation_id AND d.application_id = ra.application_id
        AND d.status = 'SUCCEEDED' AND d.artifact_id <> ra.artifact_id
      WHERE ra.installation_id = ANY($1)
      ORDER BY ra.installation_id, ra.application_id, d.finished_at DESC`,
    [[...installationIds]],
  );
  const busy: { installation_id: string; application_id: string }[] = await manager.query(
    `SELECT DISTINCT installation_id, application_id FROM deployment
      WHERE installation_id = ANY($1) AND status IN ('QUEUED', 'IN_PROGRESS')`,
    [[...installationIds]],
  );
  return installationIds.map((id) => ({
    previous: new Map(previous.filter((row) => row.installation_id === id).map((row) => [row.application_id, row.artifact_id])),
    busy: new Set(busy.filter((row) => row.installation_id === id).map((row) => row.application_id)),
  }));
}
