import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Deployment, DeploymentKind, DeploymentStatus } from '../modules/deployment/deployment.entity';

/*
 * Every deployment row the engine writes is made by `newDeployment` and written by the statements below: one
 * statement for a whole set of rows, in SQL of its own, with no entity mapping or query building, which cost
 * more CPU than the database work itself on the engine's hot path.
 */

export interface DeploymentSpec {
  installationId: string;
  tenantId: string;
  applicationId: string;
  artifactId: string;
  kind: DeploymentKind;
  reason: string;
  triggeredBy: string;
  rolloutId?: string | null;
  targetId?: string | null;
  stage?: number | null;
  /** The deployment this one retries (kind ROLLOUT, the next attempt) or undoes (kind ROLLBACK). */
  follows?: (Pick<Deployment, 'id' | 'attempt'> & { rolloutId?: string | null }) | null;
  /** SKIPPED: its artifact already runs there; it is finished from the start. */
  skipped?: boolean;
  now: Date;
}

/** The one way a deployment row comes to be: QUEUED (or SKIPPED), attempt numbered from what it follows. */
export function newDeployment(spec: DeploymentSpec): Deployment {
  const retry = spec.kind === DeploymentKind.ROLLOUT && spec.follows;
  return Object.assign(new Deployment(), {
    id: randomUUID(),
    installationId: spec.installationId,
    tenantId: spec.tenantId,
    applicationId: spec.applicationId,
    artifactId: spec.artifactId,
    rolloutId: spec.rolloutId ?? null,
    targetId: spec.targetId ?? null,
    stage: spec.stage ?? null,
    kind: spec.kind,
    attempt: retry ? spec.follows!.attempt + 1 : 1,
    previousDeploymentId: spec.follows?.id ?? null,
    // A rollback outside any rollout remembers the rollout it takes back, so that rollout's followers hear of it.
    undoesRolloutId: spec.kind === DeploymentKind.ROLLBACK && !spec.rolloutId ? (spec.follows?.rolloutId ?? null) : null,
    status: spec.skipped ? DeploymentStatus.SKIPPED : DeploymentStatus.QUEUED,
    reason: spec.reason,
    triggeredBy: spec.triggeredBy,
    message: spec.skipped ? 'Already running this artifact' : null,
    externalUrl: null,
    queuedAt: spec.now,
    dispatchedAt: null,
    startedAt: null,
    finishedAt: spec.skipped ? spec.now : null,
  } satisfies Omit<Deployment, 'installation' | 'application' | 'artifact' | 'rollout' | 'target' | 'previousDeployment'>);
}

const INSERT_COLUMNS = `id, installation_id, tenant_id, application_id, artifact_id, rollout_id, target_id, stage, kind, attempt,
  previous_deployment_id, status, reason, triggered_by, message, external_url, queued_at, dispatched_at, started_at, finished_at,
  undoes_rollout_id`;

const INSERT_TYPES = ['uuid', 'uuid', 'uuid', 'uuid', 'uuid', 'uuid', 'uuid', 'int', 'text', 'int']
  .concat(['uuid', 'text', 'text', 'text', 'text', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz'])
  .concat(['uuid']);

function insertTypes(first: number): string {
  return INSERT_TYPES.map((type, index) => `$${first + index}::${type}[]`).join(', ');
}

function insertValues(rows: Deployment[]): unknown[] {
  return [
    rows.map((d) => d.id),
    rows.map((d) => d.installationId),
    rows.map((d) => d.tenantId),
    rows.map((d) => d.applicationId),
    rows.map((d) => d.artifactId),
    rows.map((d) => d.rolloutId),
    rows.map((d) => d.targetId),
    rows.map((d) => d.stage),
    rows.map((d) => d.kind),
    rows.map((d) => d.attempt),
    rows.map((d) => d.previousDeploymentId),
    rows.map((d) => d.status),
    rows.map((d) => d.reason),
    rows.map((d) => d.triggeredBy),
    rows.map((d) => d.message),
    rows.map((d) => d.externalUrl),
    rows.map((d) => d.queuedAt),
    rows.map((d) => d.dispatchedAt),
    rows.map((d) => d.startedAt),
    rows.map((d) => d.finishedAt),
    rows.map((d) => d.undoesRolloutId),
  ];
}

const OUTCOME_SET = `status = u.status, message = u.message, external_url = u.external_url, dispatched_at = u.dispatched_at,
  started_at = u.started_at, finished_at = u.finished_at`;

function outcomeValues(rows: Deployment[]): unknown[] {
  return [
    rows.map((d) => d.id),
    rows.map((d) => d.status),
    rows.map((d) => d.message),
    rows.map((d) => d.externalUrl),
    rows.map((d) => d.dispatchedAt),
    rows.map((d) => d.startedAt),
    rows.map((d) => d.finishedAt),
  ];
}

const OUTCOME_ROWS = `unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
  AS u(id, status, message, external_url, dispatched_at, started_at, finished_at)`;

/** Inserts new deployments as they are, ids included. */
export async function insertDeployments(manager: EntityManager, rows: Deployment[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(`INSERT INTO deployment (${INSERT_COLUMNS}) SELECT * FROM unnest(${insertTypes(1)})`, insertValues(rows));
}

/** Writes the state (status, message, link, times) of deployments that exist already. */
export async function writeDeploymentStates(manager: EntityManager, rows: Deployment[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(`UPDATE deployment d SET ${OUTCOME_SET} FROM ${OUTCOME_ROWS} WHERE d.id = u.id`, outcomeValues(rows));
}

const RUNNING_UPSERT = `ON CONFLICT (installation_id, application_id)
  DO UPDATE SET artifact_id = excluded.artifact_id, deployment_id = excluded.deployment_id, since = excluded.since`;

/** Records succeeded deployments as what runs on their installations ("what runs where"). */
export async function recordRunning(manager: EntityManager, succeeded: Deployment[], since: Date): Promise<void> {
  if (succeeded.length === 0) return;
  await manager.query(
    `INSERT INTO running_artifact (installation_id, application_id, artifact_id, deployment_id, since)
     SELECT *, $5::timestamptz FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[]) ${RUNNING_UPSERT}`,
    [
      succeeded.map((d) => d.installationId),
      succeeded.map((d) => d.applicationId),
      succeeded.map((d) => d.artifactId),
      succeeded.map((d) => d.id),
      since,
    ],
  );
}

/**
 * An instant driver's run in one statement: the new state of `finished` (which exist), `created` as they are
 * (ids included), and the succeeded ones of both as what runs where. (The foreign keys of running_artifact are
 * checked at the end of the statement, when the deployments it names exist.)
 */
export async function recordInstantRun(manager: EntityManager, finished: Deployment[], created: Deployment[], since: Date) {
  const succeeded = [...finished, ...created].filter((d) => d.status === DeploymentStatus.SUCCEEDED);
  // $1–$7 the outcomes, then the new rows' columns, then what runs where.
  const r = 8 + INSERT_TYPES.length;
  await manager.query(
    `WITH finished AS (UPDATE deployment d SET ${OUTCOME_SET} FROM ${OUTCOME_ROWS} WHERE d.id = u.id),
          created AS (INSERT INTO deployment (${INSERT_COLUMNS}) SELECT * FROM unnest(${insertTypes(8)}))
     INSERT INTO running_artifact (installation_id, application_id, artifact_id, deployment_id, since)
     SELECT *, $${r + 4}::timestamptz FROM unnest($${r}::uuid[], $${r + 1}::uuid[], $${r + 2}::uuid[], $${r + 3}::uuid[])
     ${RUNNING_UPSERT}`,
    [
      ...outcomeValues(finished),
      ...insertValues(created),
      succeeded.map((d) => d.installationId),
      succeeded.map((d) => d.applicationId),
      succeeded.map((d) => d.artifactId),
      succeeded.map((d) => d.id),
      since,
    ],
  );
}
