import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Access } from '../auth/access';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * Results computed for a live event, per operation and authorization: subscribers who sent the same operation
 * with the same variables and the same role and tenant scope get the same answer, so it is worked out once.
 * Keyed by the event object, which the hub hands to every subscriber of this process; once no subscription
 * holds the event any more, its results go with it.
 */
const sharedResults = new WeakMap<object, Map<string, Result>>();

/**
 * A stand-in for graphql-js `subscribe` (graphql-ws calls it for every subscription operation). graphql-js runs
 * the selection set once per event per subscriber; with a thousand dashboards open that is a thousand identical
 * executions of every event. This one runs it once per event for each distinct operation, variables, role and
 * tenant scope, and hands every such subscriber that same result.
 *
 * Nothing is weakened: each subscriber's own source stream still decides (and authorizes) which events it gets
 * and in what order; only the result of an event it already gets is shared, and only with subscribers whose
 * authorization is the same, so every field resolver would have decided exactly the same for them. An
 * operation whose context has no signed-in caller is executed on its own, as graphql-js would.
 */
export async function subscribeSharingResults(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return stream;
  const key = operationKey(args);
  const run = (payload: unknown): Result => execute({ ...args, rootValue: payload });
  const resultFor =
    key === null
      ? run
      : (payload: unknown): Result => {
          if (typeof payload !== 'object' || payload === null) return run(payload);
          let results = sharedResults.get(payload);
          if (!results) {
            results = new Map();
            sharedResults.set(payload, results);
          }
          let result = results.get(key);
          if (result === undefined) {
            // The context is copied so that the per-event state a resolver sets on it (fresh loaders) is this
            // execution's own, whatever the subscription whose turn it was does next.
            result = execute({ ...args, contextValue: { ...(args.contextValue as object) }, rootValue: payload });
            results.set(key, result);
          }
          return result;
        };
  return mapStream(stream[Symbol.asyncIterator](), resultFor);
}

/** What decides an execution's result besides the event: the operation, its variables, and the caller's authorization. */
function operationKey(args: ExecutionArgs): string | null {
  const access = (args.contextValue as { access?: Access } | undefined)?.access;
  const principal = access?.principal;
  const source = args.document.loc?.source.body;
  if (!principal || source === undefined) return null;
  const scope = principal.tenantIds === null ? null : [...principal.tenantIds].sort();
  return JSON.stringify([principal.role, scope, args.operationName ?? null, args.variableValues ?? null, source]);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

/** As graphql-js maps a source stream to results: a failed execution closes the source and ends the stream. */
function mapStream(
  source: AsyncIterator<unknown>,
  resultFor: (payload: unknown) => Result,
): AsyncIterableIterator<ExecutionResult> {
  const close = async () => {
    try {
      await source.return?.();
    } catch {
      // The execution's error is the one to report.
    }
  };
  const fail = async (error: unknown): Promise<never> => {
    await close();
    throw error;
  };
  // Promise chains rather than awaits: every event of every subscriber passes here.
  const map = (step: IteratorResult<unknown>): IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>> => {
    if (step.done) return { done: true, value: undefined };
    let result: Result;
    try {
      result = resultFor(step.value);
    } catch (error) {
      return fail(error);
    }
    return result instanceof Promise
      ? result.then((value): IteratorResult<ExecutionResult> => ({ done: false, value }), fail)
      : { done: false, value: result };
  };
  const stream: AsyncIterableIterator<ExecutionResult> = {
    next: () => source.next().then(map),
    return: async () => {
      await source.return?.();
      return { done: true, value: undefined };
    },
    throw: async (error?: unknown) => {
      if (source.throw) return map(await source.throw(error));
      return fail(error);
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}
