import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Polls `condition` until it holds, failing with `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A graphql-ws client of `httpUrl`'s /graphql, connected (acknowledged) before it is returned. */
export async function connectWebSocket(httpUrl: string, token: string): Promise<Client> {
  let connected!: () => void;
  let failed!: (reason: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    connected = resolve;
    failed = reject;
  });
  const client = createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    // A close is reported through `closed` (the caller asserts its code); the default would also print it.
    onNonLazyError: () => undefined,
    on: { connected: () => connected(), closed: (event) => failed(event) },
  });
  await ready;
  return client;
}

export interface ReceivedEvent {
  sequence: string;
  type: string;
  at: string;
  tenantId: string | null;
  rolloutId: string | null;
  data: Record<string, any>;
  [field: string]: unknown;
}

export interface LiveSubscription {
  events: ReceivedEvent[];
  /** Errors in results (e.g. a refusal when subscribing) and errors that ended the subscription. */
  errors: { message: string; extensions?: Record<string, any> }[];
  completed: boolean;
  waitForEvents(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  waitForEnd(timeoutMs?: number): Promise<void>;
  stop(): void;
}

export const EVENT_FIELDS = 'sequence type: typeName at tenantId rolloutId data';

/** Runs a subscription whose one field returns an Event, collecting what arrives. */
export function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}): LiveSubscription {
  const subscription: LiveSubscription = {
    events: [],
    errors: [],
    completed: false,
    async waitForEvents(count, timeoutMs) {
      await until(
        () => subscription.events.length >= count || subscription.completed,
        `${count} events (got ${subscription.events.length})`,
        timeoutMs,
      );
      if (subscription.events.length < count) {
        throw new Error(
          `The subscription ended after ${subscription.events.length} events: ${JSON.stringify(subscription.errors)}`,
        );
      }
      return subscription.events;
    },
    waitForEnd: (timeoutMs) => until(() => subscription.completed, 'the subscription to end', timeoutMs),
    stop: () => stop(),
  };
  const stop = client.subscribe<Record<string, ReceivedEvent>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) subscription.errors.push(...(result.errors as LiveSubscription['errors']));
        if (result.data) subscription.events.push(...Object.values(result.data));
      },
      error: (error) => {
        subscription.errors.push(...(Array.isArray(error) ? error : [{ message: String(error) }]));
        subscription.completed = true;
      },
      complete: () => {
        subscription.completed = true;
      },
    },
  );
  return subscription;
}
