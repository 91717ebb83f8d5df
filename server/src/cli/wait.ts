import { createClient, type Client } from 'graphql-ws/client';
import WebSocket from 'ws';
import { endpoint, request, type Connection } from './client';
import { CliError, EXIT } from './exit-codes';
import type { Output } from './output';

/** A duration such as `30s`, `10m`, `1h` or `1h30m`, in milliseconds. */
export function parseDuration(value: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...value.trim().matchAll(/(\d+)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((part) => part[0]).join('') !== value.trim()) {
    throw new Error(`'${value}' is not a duration such as 30s, 10m or 1h`);
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit], 0);
}

export const ROLLOUT_STATE_FIELDS = `id status pausedBy statusReason currentWave waveCount failurePolicy
  progress { total pending awaitingApproval running succeeded failed skipped rolledBack cancelled rejected finished percentComplete }`;

export interface RolloutState {
  id: string;
  status: string;
  pausedBy: 'FAILURE' | 'PERSON' | 'ENGINE' | null;
  statusReason: string | null;
  currentWave: number;
  waveCount: number;
  progress: Record<string, number>;
}

/** The exit code the state settles, or undefined while the rollout may still succeed. */
export function outcome(state: RolloutState): number | undefined {
  switch (state.status) {
    case 'SUCCEEDED':
      return EXIT.OK;
    case 'FAILED':
    case 'ABORTED':
      return EXIT.ROLLOUT_UNSUCCESSFUL;
    case 'PAUSED':
      // Paused by a failure (or by Shiplog, unable to move it on), the rollout did not succeed and needs a person;
      // a person's pause is waited through (they may resume).
      return state.pausedBy === 'FAILURE' || state.pausedBy === 'ENGINE' ? EXIT.ROLLOUT_UNSUCCESSFUL : undefined;
    default:
      return undefined;
  }
}

/** One line that tells where the rollout is. */
export function describe(state: RolloutState, output: Output): string {
  const p = state.progress;
  const parts = [
    `rollout ${state.id} ${output.status(state.status)}`,
    `${p.finished}/${p.total} finished (${p.succeeded} succeeded, ${p.failed} failed, ${p.running} running)`,
    `wave ${state.currentWave}/${state.waveCount}`,
  ];
  if (state.status === 'WAITING_FOR_PROMOTION') parts.push(`waiting for promotion: shiplog rollout promote ${state.id}`);
  if (p.awaitingApproval > 0)
    parts.push(`${p.awaitingApproval} waiting for approval: shiplog rollout approve ${state.id} --installation TENANT/SLUG`);
  if (state.statusReason && state.status !== 'RUNNING') parts.push(state.statusReason);
  return parts.join(' · ');
}

interface TargetEvent {
  sequence: string;
  type: string;
  typeName: string;
  target: { status: string; wave: number; installation: { slug: string; tenant: { slug: string } } } | null;
}

const EVENTS = `subscription ($rolloutId: ID!, $after: Sequence) {
  rolloutEvents(rolloutId: $rolloutId, afterSequence: $after) {
    sequence type typeName target { status wave installation { slug tenant { slug } } }
  }
}`;

/** How often the state is read while events arrive anyway, and while polling without them. */
const SAFETY_POLL_MS = 5_000;
const POLL_MS = 1_000;
/** Failed connections in a row after which waiting polls instead of following events. */
const MAX_SOCKET_FAILURES = 3;

export interface WaitOptions {
  timeoutMs?: number;
  /** A compact progress line that rewrites itself, instead of one line per change. */
  interactive: boolean;
}

/**
 * Waits for a rollout to settle, returning the exit code. Decisions come only from the rollout's state as read from
 * the API: the event stream (resumed after its last sequence on reconnect) only says when to read it again, and
 * reads go on every few seconds anyway, or every second when no socket can be had.
 */
export async function waitForRollout(
  connection: Connection,
  rolloutId: string,
  output: Output,
  options: WaitOptions,
): Promise<{ code: number; state: RolloutState }> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const read = async () =>
    (
      await request<{ rollout: RolloutState | null }>(
        connection,
        `query ($id: ID!) { rollout(id: $id) { ${ROLLOUT_STATE_FIELDS} } }`,
        {
          id: rolloutId,
        },
      )
    ).rollout ??
    (() => {
      throw new CliError(`No rollout ${rolloutId}`, EXIT.REFUSED);
    })();

  let lastLine = '';
  const show = (line: string) => {
    if (line === lastLine) return;
    lastLine = line;
    if (output.options.quiet) return;
    if (options.interactive) process.stderr.write(`\r\u001b[K${line}`);
    else process.stderr.write(`${line}\n`);
  };
  const endLine = () => {
    if (options.interactive && lastLine && !output.options.quiet) process.stderr.write('\n');
  };

  let state = await read();
  show(describe(state, output));
  const settled = outcome(state);
  if (settled !== undefined) {
    endLine();
    return { code: settled, state };
  }

  return new Promise((resolve, reject) => {
    let done = false;
    let client: Client | undefined;
    let lastSequence: string | undefined;
    let socketFailures = 0;
    let polling = false;
    let reading = false;
    let readAgain = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, action: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        action();
      }, ms);
      timers.add(timer);
    };
    const finish = (result: { code: number; state: RolloutState } | CliError) => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      void client?.dispose();
      endLine();
      if (result instanceof CliError) reject(result);
      else resolve(result);
    };
    const check = async () => {
      if (done) return;
      if (reading) {
        readAgain = true;
        return;
      }
      reading = true;
      try {
        state = await read();
        show(describe(state, output));
        const code = outcome(state);
        if (code !== undefined) finish({ code, state });
      } catch (error) {
        // A server that cannot be reached for a moment (a restart) is waited for; a refusal ends waiting.
        if (error instanceof CliError && error.code !== EXIT.FAILURE) finish(error);
      } finally {
        reading = false;
      }
      if (readAgain && !done) {
        readAgain = false;
        void check();
      }
    };
    const poll = () => {
      later(polling ? POLL_MS : SAFETY_POLL_MS, () => {
        void check().then(poll);
      });
    };
    const timeout = () => {
      if (deadline === Infinity) return;
      later(Math.max(0, deadline - Date.now()), () => {
        void check().then(() =>
          finish(
            new CliError(
              `Timed out waiting for rollout ${rolloutId}; it is ${state.status}`,
              EXIT.TIMEOUT,
              state.status === 'WAITING_FOR_PROMOTION' || state.progress.awaitingApproval > 0 ? [describe(state, output)] : [],
            ),
          ),
        );
      });
    };
    const targetsSeen = new Map<string, string>();
    const follow = () => {
      if (done) return;
      client = createClient({
        url: endpoint(connection.url, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: connection.token ? { authorization: `Bearer ${connection.token}` } : {},
        retryAttempts: 0,
        lazy: true,
        on: {
          // Events from before the subscription began are not replayed: read once it stands.
          connected: () => later(250, () => void check()),
        },
      });
      const current = client;
      const dropped = () => {
        void current.dispose();
        if (done || client !== current) return;
        socketFailures++;
        if (socketFailures >= MAX_SOCKET_FAILURES) {
          if (!polling) output.info('(no live events from the server; polling)');
          polling = true;
          return;
        }
        // Resumes after the last event received; whatever happened in between is read.
        later(1000 * socketFailures, () => {
          void check();
          follow();
        });
      };
      current.subscribe<{ rolloutEvents: TargetEvent }>(
        { query: EVENTS, variables: { rolloutId, after: lastSequence ?? null } },
        {
          next: ({ data }) => {
            const event = data?.rolloutEvents;
            if (!event) return;
            socketFailures = 0;
            lastSequence = event.sequence;
            if (event.type === 'DEPLOYMENT_LOG') return;
            const target = event.target;
            if (target && !options.interactive && !output.options.quiet) {
              const key = `${target.installation.tenant.slug}/${target.installation.slug}`;
              if (targetsSeen.get(key) !== target.status) {
                targetsSeen.set(key, target.status);
                process.stderr.write(`  ${key}: ${output.status(target.status)} (wave ${target.wave})\n`);
              }
            }
            void check();
          },
          error: dropped,
          complete: dropped,
        },
      );
    };
    timeout();
    poll();
    follow();
  });
}
