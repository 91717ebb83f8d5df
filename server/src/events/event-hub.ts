import { Client, type ClientConfig, type Notification } from 'pg';
import type { DataSource } from 'typeorm';
import type { Access } from '../auth/access';
import { log } from '../log';
import { EventRecord } from './event.entity';
import { EVENTS_CHANNEL } from './event.service';

export interface EventHubOptions {
  /** Reads the log even when no notification came, in case one was lost. */
  pollIntervalMs?: number;
  /** Events a subscriber may have waiting before it is ended as too slow. */
  maxBuffered?: number;
  /** Rows per read, for the live feed and for replays. */
  pageSize?: number;
}

/** What a subscriber asks for; every part that is given must match. */
export interface EventMatch {
  types?: readonly string[] | null;
  rolloutId?: string | null;
  /** Only events of these tenants, and rollout-wide events of rollouts that reach one of them. */
  tenantIds?: readonly string[] | null;
}

export interface EventSubscriptionOptions {
  /** Replay every event after this sequence first; without it, only events committed from now on. */
  afterSequence?: string | null;
  filter?: EventMatch;
  access: Access;
}

/** The subscriber read more slowly than events came; it can resume with `afterSequence: lastSequence`. */
export class SlowSubscriberError extends Error {
  constructor(readonly lastSequence: string) {
    super(
      `Events arrived faster than this subscription read them; subscribe again with afterSequence "${lastSequence}" to resume`,
    );
  }
}

const DEFAULTS: Required<EventHubOptions> = { pollIntervalMs: 1000, maxBuffered: 1000, pageSize: 500 };
const MAX_RECONNECT_DELAY_MS = 10_000;

/**
 * One per server process: follows the event log and hands each committed event, in sequence order, to the
 * subscriptions of this process. Sequences are assigned in commit order (see EventService.append), so the
 * highest sequence seen is a cursor that nothing committed later can fall behind. A dedicated connection
 * LISTENs for the commit notifications; a periodic read covers notifications lost while it reconnects.
 */
export class EventHub {
  private readonly options: Required<EventHubOptions>;
  private readonly subscribers = new Set<EventSubscriber>();
  private lastSeen = 0n;
  private listener: Client | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelayMs = 500;
  private running = false;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;

  constructor(
    private readonly dataSource: DataSource,
    options: EventHubOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.lastSeen = BigInt(await this.latestSequence());
    this.running = true;
    await this.connectListener();
    this.pollTimer = setInterval(() => void this.pump(), this.options.pollIntervalMs);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.pollTimer = this.reconnectTimer = null;
    for (const subscriber of [...this.subscribers]) subscriber.end();
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.end().catch(() => undefined);
    await this.pumping;
  }

  /** The sequence of the last committed event, whether or not this hub has dispatched it yet. */
  async latestSequence(): Promise<string> {
    const [{ last }] = await this.dataSource.query<{ last: string }[]>(
      'SELECT coalesce(max(sequence), 0)::text AS last FROM event_record',
    );
    return last;
  }

  /** Subscriptions open on this process. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * Registers for live events at once, then (lazily, as the consumer reads) replays what came after
   * `afterSequence` up to the point of registration, so the two meet with no gap and no duplicate.
   */
  subscribe(options: EventSubscriptionOptions): AsyncIterableIterator<EventRecord> {
    if (!this.running) throw new Error('The event hub is not running');
    const after = options.afterSequence != null ? BigInt(options.afterSequence) : null;
    const subscriber = new EventSubscriber(this, {
      access: options.access,
      filter: options.filter ?? {},
      replayAfter: after !== null && after < this.lastSeen ? after : null,
      replayUntil: this.lastSeen,
      liveAfter: after !== null && after > this.lastSeen ? after : this.lastSeen,
    });
    this.subscribers.add(subscriber);
    return subscriber;
  }

  /** @internal */
  unregister(subscriber: EventSubscriber): void {
    this.subscribers.delete(subscriber);
  }

  /** @internal */
  get settings(): Required<EventHubOptions> {
    return this.options;
  }

  /** @internal The subscriber's page of replay: events in (after, until] that may concern it, in order. */
  async readReplayPage(
    after: bigint,
    until: bigint,
    filter: EventMatch,
    scope: readonly string[] | null,
  ): Promise<EventRecord[]> {
    const query = this.dataSource
      .getRepository(EventRecord)
      .createQueryBuilder('e')
      .where('e.sequence > :after AND e.sequence <= :until', { after: after.toString(), until: until.toString() });
    if (filter.rolloutId != null) query.andWhere('e.rollout_id = :rolloutId', { rolloutId: filter.rolloutId });
    if (filter.types != null) query.andWhere('e.type = ANY(:types)', { types: filter.types });
    // A cheap first cut for tenant-limited subscribers; each row is still authorized one by one afterwards.
    if (scope !== null) {
      query.andWhere(
        `(e.tenant_id = ANY(:scope) OR (e.tenant_id IS NULL AND e.rollout_id IN
           (SELECT t.rollout_id FROM rollout_target t WHERE t.tenant_id = ANY(:scope))))`,
        { scope },
      );
    }
    return query.orderBy('e.sequence', 'ASC').limit(this.options.pageSize).getMany();
  }

  /** @internal Whether a rollout has a target in one of the tenants. */
  async rolloutReaches(rolloutId: string, tenantIds: readonly string[]): Promise<boolean> {
    if (tenantIds.length === 0) return false;
    const [row] = await this.dataSource.query<{ reaches: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM rollout_target WHERE rollout_id = $1 AND tenant_id = ANY($2)) AS reaches',
      [rolloutId, tenantIds],
    );
    return row.reaches;
  }

  private connectionConfig(): ClientConfig {
    const options = this.dataSource.options;
    if (options.type !== 'postgres') throw new Error('Live events need PostgreSQL');
    return {
      connectionString: options.url,
      host: options.host,
      port: options.port,
      user: options.username,
      password: options.password,
      database: options.database,
      // TypeORM hands this very value to pg, whose typing of it is narrower.
      ssl: options.ssl as ClientConfig['ssl'],
      application_name: 'shiplog-events',
      keepAlive: true,
    };
  }

  private async connectListener(): Promise<void> {
    const client = new Client(this.connectionConfig());
    this.listener = client;
    client.on('notification', (message: Notification) => this.onNotification(message));
    client.on('error', (error: Error) => this.onListenerLost(client, error));
    client.on('end', () => this.onListenerLost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      this.onListenerLost(client, error);
      return;
    }
    if (this.listener !== client) return;
    this.reconnectDelayMs = 500;
    // Whatever was committed while no one listened.
    void this.pump();
  }

  private onListenerLost(client: Client, error?: unknown): void {
    if (this.listener !== client) return;
    this.listener = null;
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (!this.running) return;
    log.warn(`Lost the ${EVENTS_CHANNEL} listener connection; reconnecting in ${this.reconnectDelayMs} ms`, error);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.running) void this.connectListener();
    }, this.reconnectDelayMs);
    this.reconnectTimer.unref();
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_DELAY_MS);
  }

  private onNotification(message: Notification): void {
    if (message.channel !== EVENTS_CHANNEL) return;
    if (message.payload && /^\d+$/.test(message.payload) && BigInt(message.payload) <= this.lastSeen) return;
    void this.pump();
  }

  /** Reads everything after the cursor and dispatches it; calls that arrive meanwhile fold into one more round. */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.pumpAgain = false;
          let batch: EventRecord[];
          do {
            batch = await this.dataSource
              .getRepository(EventRecord)
              .createQueryBuilder('e')
              .where('e.sequence > :after', { after: this.lastSeen.toString() })
              .orderBy('e.sequence', 'ASC')
              .limit(this.options.pageSize)
              .getMany();
            if (!this.running) return;
            this.dispatch(batch);
          } while (batch.length === this.options.pageSize);
        } while (this.pumpAgain && this.running);
      } catch (error) {
        if (this.running) log.warn('Could not read the event log; trying again shortly', error);
      } finally {
        this.pumping = null;
      }
    })();
    return this.pumping;
  }

  /** Synchronous, so a subscription registers either wholly before or wholly after a batch. */
  private dispatch(batch: EventRecord[]): void {
    for (const event of batch) {
      const sequence = BigInt(event.sequence);
      for (const subscriber of this.subscribers) subscriber.offer(event, sequence);
      this.lastSeen = sequence;
    }
  }
}

interface SubscriberPlan {
  access: Access;
  filter: EventMatch;
  /** Replay (replayAfter, replayUntil] first; null: nothing to replay. */
  replayAfter: bigint | null;
  replayUntil: bigint;
  /** Live events at or below this were replayed or are older than what the subscriber asked for. */
  liveAfter: bigint;
}

/** One subscription: a bounded queue of live events behind an optional replay from the database. */
class EventSubscriber implements AsyncIterableIterator<EventRecord> {
  private readonly live: EventRecord[] = [];
  private replayed: EventRecord[] = [];
  private replayCursor: bigint | null;
  private readonly types: Set<string> | null;
  /** The tenants whose events this subscriber may receive and asked for; null means every tenant. */
  private readonly tenantIds: readonly string[] | null;
  private readonly rolloutReach = new Map<string, Promise<boolean>>();
  private lastDelivered: string | null = null;
  private overflowed = false;
  private ended = false;
  private wake: (() => void) | null = null;
  private reading: Promise<IteratorResult<EventRecord>> = Promise.resolve({ done: true, value: undefined });

  constructor(
    private readonly hub: EventHub,
    private readonly plan: SubscriberPlan,
  ) {
    this.replayCursor = plan.replayAfter;
    this.types = plan.filter.types != null ? new Set(plan.filter.types) : null;
    const scope = plan.access.principal?.tenantIds ?? null;
    const wanted = plan.filter.tenantIds ?? null;
    this.tenantIds = scope === null ? wanted : wanted === null ? scope : wanted.filter((id) => scope.includes(id));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EventRecord> {
    return this;
  }

  /** Called by the hub for every committed event, in order. */
  offer(event: EventRecord, sequence: bigint): void {
    if (this.ended || this.overflowed || sequence <= this.plan.liveAfter) return;
    if (!this.matchesAtOnce(event)) return;
    if (this.live.length >= this.hub.settings.maxBuffered) {
      // Keep what is queued (the consumer still gets it), then end with an error saying where to resume.
      this.overflowed = true;
      this.hub.unregister(this);
    } else {
      this.live.push(event);
    }
    this.wakeUp();
  }

  next(): Promise<IteratorResult<EventRecord>> {
    // One read at a time, so events leave in order even if a consumer asks twice without waiting.
    this.reading = this.reading.then(
      () => this.read(),
      () => this.read(),
    );
    return this.reading;
  }

  async return(): Promise<IteratorResult<EventRecord>> {
    this.end();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<EventRecord>> {
    this.end();
    throw error;
  }

  /** Ends the subscription: a pending read finishes as done. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.live.length = 0;
    this.replayed = [];
    this.hub.unregister(this);
    this.wakeUp();
  }

  private async read(): Promise<IteratorResult<EventRecord>> {
    for (;;) {
      if (this.ended) return { done: true, value: undefined };
      const event = await this.take();
      if (this.ended) return { done: true, value: undefined };
      if (event === 'wait') {
        // Checked again here: an event may have been offered while take() was settling.
        await new Promise<void>((resolve) => (this.hasWork() ? resolve() : (this.wake = resolve)));
        continue;
      }
      if (event === 'overflow') {
        this.end();
        throw new SlowSubscriberError(this.lastDelivered ?? (this.plan.replayAfter ?? this.plan.liveAfter).toString());
      }
      if (await this.isVisible(event)) {
        this.lastDelivered = event.sequence;
        return { done: false, value: event };
      }
    }
  }

  /** The next candidate: replayed events first, page by page, then live ones. */
  private async take(): Promise<EventRecord | 'wait' | 'overflow'> {
    while (this.replayed.length === 0 && this.replayCursor !== null) {
      const page = await this.hub.readReplayPage(this.replayCursor, this.plan.replayUntil, this.plan.filter, this.tenantIds);
      if (this.ended) return 'wait';
      this.replayCursor = page.length < this.hub.settings.pageSize ? null : BigInt(page[page.length - 1].sequence);
      this.replayed = page.filter((event) => this.matchesAtOnce(event));
    }
    if (this.replayed.length > 0) return this.replayed.shift()!;
    if (this.live.length > 0) return this.live.shift()!;
    return this.overflowed ? 'overflow' : 'wait';
  }

  private hasWork(): boolean {
    return this.ended || this.overflowed || this.live.length > 0 || this.replayed.length > 0 || this.replayCursor !== null;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The filter and every authorization decision that needs no database. */
  private matchesAtOnce(event: EventRecord): boolean {
    const { filter, access } = this.plan;
    if (this.types !== null && !this.types.has(event.type)) return false;
    if (filter.rolloutId != null && event.rolloutId !== filter.rolloutId) return false;
    if (event.tenantId !== null) {
      return access.canSeeTenant(event.tenantId) && (this.tenantIds === null || this.tenantIds.includes(event.tenantId));
    }
    if (event.rolloutId === null) return this.tenantIds === null;
    return true;
  }

  /**
   * An event with a tenant goes to those who may see that tenant; a rollout-wide event to those who may see
   * every tenant, or a tenant the rollout reaches (asked once per rollout: targets are fixed when it starts).
   */
  private async isVisible(event: EventRecord): Promise<boolean> {
    if (!this.matchesAtOnce(event)) return false;
    if (event.tenantId !== null || this.tenantIds === null) return true;
    const rolloutId = event.rolloutId!;
    let reach = this.rolloutReach.get(rolloutId);
    if (!reach) {
      reach = this.hub.rolloutReaches(rolloutId, this.tenantIds);
      this.rolloutReach.set(rolloutId, reach);
      reach.catch(() => this.rolloutReach.delete(rolloutId));
    }
    return reach;
  }
}
