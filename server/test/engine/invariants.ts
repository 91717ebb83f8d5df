/**
 * The engine's invariants (server/src/engine/rollout-engine.ts) as checks on the database of a quiet system (no
 * job waiting to run). Each check returns what it found wrong, so a failing scenario says which invariant broke.
 */

export type Query = <T = any>(sql: string, parameters?: unknown[]) => Promise<T[]>;

export interface Observed {
  rolloutId: string;
  components: number;
  maxParallel: number;
  /** WEBHOOK requests received, by delivery id. */
  deliveries: Map<string, number>;
}

const TERMINAL_ROLLOUT = ['SUCCEEDED', 'FAILED', 'ABORTED'];
const TERMINAL_TARGET = ['SUCCEEDED', 'FAILED', 'SKIPPED', 'ROLLED_BACK', 'CANCELLED', 'REJECTED', 'EXCLUDED'];
const TERMINAL_DEPLOYMENT = ['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'];

export async function violations(query: Query, observed: Observed): Promise<string[]> {
  const found: string[] = [];
  const say = (invariant: string, rows: unknown[]) => {
    if (rows.length > 0) found.push(`${invariant}: ${JSON.stringify(rows).slice(0, 1500)}`);
  };
  const { rolloutId } = observed;
  const [rollout] = await query('SELECT * FROM rollout WHERE id = $1', [rolloutId]);
  const targets = await query('SELECT * FROM rollout_target WHERE rollout_id = $1', [rolloutId]);
  const deployments = await query(
    `SELECT d.*, i.driver FROM deployment d JOIN installation i ON i.id = d.installation_id
      WHERE d.installation_id IN (SELECT installation_id FROM rollout_target WHERE rollout_id = $1)`,
    [rolloutId],
  );
  const mine = deployments.filter((d) => d.rollout_id === rolloutId);

  // 1. One first attempt per (target, component); retries and rollbacks follow the row they redo.
  const firsts = new Map<string, number>();
  for (const d of mine.filter((d) => d.kind === 'ROLLOUT' && d.attempt === 1)) {
    const key = `${d.target_id}/${d.application_id}`;
    firsts.set(key, (firsts.get(key) ?? 0) + 1);
  }
  say(
    '1: a (target, component) has more than one first attempt',
    [...firsts].filter(([, n]) => n > 1),
  );
  say(
    '1: a finished target does not have exactly one first attempt per component',
    targets
      .filter((t) => t.status === 'SUCCEEDED' || t.status === 'SKIPPED')
      .filter(
        (t) => mine.filter((d) => d.target_id === t.id && d.kind === 'ROLLOUT' && d.attempt === 1).length !== observed.components,
      )
      .map((t) => t.id),
  );
  say(
    '1: a target that never started has deployments',
    targets
      .filter((t) => ['PENDING', 'AWAITING_APPROVAL', 'REJECTED'].includes(t.status))
      .filter((t) => mine.some((d) => d.target_id === t.id))
      .map((t) => t.id),
  );
  say(
    '1: an excluded target was deployed to after it was left out',
    targets
      .filter((t) => t.status === 'EXCLUDED')
      .filter((t) =>
        mine.some((d) => d.target_id === t.id && (d.queued_at > t.finished_at || !TERMINAL_DEPLOYMENT.includes(d.status))),
      )
      .map((t) => t.id),
  );
  const byId = new Map(deployments.map((d) => [d.id, d]));
  say(
    '1: a retry or rollback does not follow the row it redoes',
    deployments
      .filter((d) => d.previous_deployment_id !== null || d.attempt > 1)
      .filter((d) => {
        const previous = byId.get(d.previous_deployment_id);
        if (!previous || previous.application_id !== d.application_id || previous.installation_id !== d.installation_id)
          return true;
        if (d.kind === 'ROLLOUT') {
          return (
            previous.target_id !== d.target_id ||
            previous.attempt !== d.attempt - 1 ||
            !['FAILED', 'CANCELLED'].includes(previous.status)
          );
        }
        return false;
      })
      .map((d) => ({ id: d.id, kind: d.kind, attempt: d.attempt, previous: d.previous_deployment_id })),
  );

  // 2. Handed to the driver once per attempt.
  say(
    '2: a WEBHOOK deployment was requested more than once, or without being handed over, or not at all while waiting',
    deployments
      .filter((d) => d.driver === 'WEBHOOK')
      .filter((d) => {
        const requests = observed.deliveries.get(d.id) ?? 0;
        if (requests > 1 || (requests === 1 && d.dispatched_at === null)) return true;
        return d.dispatched_at !== null && ['QUEUED', 'IN_PROGRESS'].includes(d.status) && requests === 0;
      })
      .map((d) => ({ id: d.id, status: d.status, requests: observed.deliveries.get(d.id) ?? 0 })),
  );
  const handOverLines = await query(
    `SELECT deployment_id, count(*) AS n FROM deployment_log_line
      WHERE deployment_id = ANY($1) AND (line LIKE 'Waiting for a person%' OR line LIKE 'Simulated driver: deploying%')
      GROUP BY deployment_id HAVING count(*) > 1`,
    [deployments.map((d) => d.id)],
  );
  say('2: a deployment was handed over more than once', handOverLines);
  say(
    '2: a deployment ran without being handed over',
    deployments
      .filter(
        (d) => ['SUCCEEDED', 'FAILED', 'IN_PROGRESS'].includes(d.status) && d.dispatched_at === null && d.driver !== 'MANUAL',
      )
      .map((d) => d.id),
  );

  // 3. Nothing stuck: the system is quiet, so every RUNNING rollout waits on a person or an orchestrator.
  say(
    '3: a deployment is QUEUED but was never handed over',
    deployments.filter((d) => d.status === 'QUEUED' && d.dispatched_at === null).map((d) => d.id),
  );
  if (rollout.status === 'RUNNING') {
    const waiting =
      targets.some((t) => t.status === 'AWAITING_APPROVAL') ||
      mine.some((d) => ['QUEUED', 'IN_PROGRESS'].includes(d.status) && ['MANUAL', 'WEBHOOK'].includes(d.driver));
    if (!waiting) found.push(`3: rollout ${rolloutId} is RUNNING with nothing in flight`);
    const wave = targets.filter((t) => t.wave === rollout.current_wave);
    const running = wave.filter((t) => t.status === 'RUNNING').length;
    if (running < rollout.max_parallel && wave.some((t) => t.status === 'PENDING')) {
      found.push(`3: rollout ${rolloutId} has a free slot and a PENDING target that did not start`);
    }
  }
  say(
    '3: a RUNNING target has no unfinished deployment',
    targets
      .filter((t) => t.status === 'RUNNING')
      .filter((t) => !mine.some((d) => d.target_id === t.id && !TERMINAL_DEPLOYMENT.includes(d.status)))
      .map((t) => t.id),
  );
  if (rollout.status === 'WAITING_FOR_PROMOTION') {
    say(
      '3: a wave waits for promotion with open targets',
      targets.filter((t) => t.wave === rollout.current_wave && !TERMINAL_TARGET.includes(t.status)).map((t) => t.id),
    );
  }
  if (TERMINAL_ROLLOUT.includes(rollout.status)) {
    say(
      '3: a finished rollout has open targets',
      targets.filter((t) => !TERMINAL_TARGET.includes(t.status)).map((t) => t.id),
    );
  }
  for (let wave = 1; wave <= rollout.wave_count; wave++) {
    const running = targets.filter((t) => t.wave === wave && t.status === 'RUNNING').length;
    if (running > observed.maxParallel) found.push(`3: wave ${wave} runs ${running} installations, more than maxParallel`);
  }

  // 4. Finish times on exactly the terminal rows; events say what the rows say.
  const finishWrong = (rows: any[], terminal: string[]) =>
    rows.filter((row) => (row.finished_at !== null) !== terminal.includes(row.status)).map((row) => [row.id, row.status]);
  say('4: rollout finish time', finishWrong([rollout], TERMINAL_ROLLOUT));
  say('4: target finish time', finishWrong(targets, TERMINAL_TARGET));
  say('4: deployment finish time', finishWrong(deployments, TERMINAL_DEPLOYMENT));
  const lastEvents = await query(
    `SELECT DISTINCT ON (coalesce(deployment_id, target_id, rollout_id), type) type, deployment_id, target_id, rollout_id, data
       FROM event_record
      WHERE rollout_id = $1 AND type IN ('deployment.updated', 'target.updated')
         OR (deployment_id = ANY($2) AND type = 'deployment.updated')
      ORDER BY coalesce(deployment_id, target_id, rollout_id), type, sequence DESC`,
    [rolloutId, deployments.map((d) => d.id)],
  );
  const targetById = new Map(targets.map((t) => [t.id, t]));
  say(
    '4: the last event of a deployment or target does not match its row',
    lastEvents.filter((event) => {
      const row = event.type === 'deployment.updated' ? byId.get(event.deployment_id) : targetById.get(event.target_id);
      return !row || row.status !== event.data.status;
    }),
  );
  say(
    '4: a deployment or target has no event',
    [...deployments.filter((d) => d.rollout_id === rolloutId), ...targets.filter((t) => t.status !== 'PENDING')]
      .filter(
        (row) =>
          !lastEvents.some(
            (event) => event.deployment_id === row.id || (event.type === 'target.updated' && event.target_id === row.id),
          ),
      )
      .map((row) => row.id),
  );
  const [lastRollout] = await query(
    `SELECT data FROM event_record WHERE rollout_id = $1 AND type LIKE 'rollout.%' AND type <> 'rollout.promoted'
      ORDER BY sequence DESC LIMIT 1`,
    [rolloutId],
  );
  if (lastRollout?.data.status !== rollout.status) {
    found.push(`4: the last rollout event says ${lastRollout?.data.status}, the rollout is ${rollout.status}`);
  }
  return found;
}

/** True when no engine job waits to run or is running. */
export async function quiet(query: Query): Promise<boolean> {
  const [row] = await query(
    `SELECT count(*) AS n FROM pgboss.job WHERE state IN ('created', 'retry', 'active') AND name NOT LIKE '\\_\\_%'`,
  );
  return Number(row.n) === 0;
}
