import type { DataSource } from 'typeorm';
import type { Access } from '../auth/access';
import { ChannelListener } from '../db/listener';
import { log } from '../log';
import { eventVisibility, eventVisibleSql, rolloutVisibleSql } from '../auth/visibility';
import { EventRecord } from './event.entity';
import { EVENTS_CHANNEL } from './event.service';

export interface EventHubOptions {
  /** Reads the log even when no notification came, in case one was lost. */
  pollIntervalMs?: number;
  /** Events a subscriber may have waiting before it is ended as too slow. */
  maxBuffered?: number;
  /** How large (roughly, in bytes of JSON) the events a subscriber has waiting may be, before it is ended as too slow. */
  maxBufferedBytes?: number;
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

const DEFAULTS: Required<EventHubOptions> = {
  pollIntervalMs: 1000,
  maxBuffered: 1000,
  maxBufferedBytes: 8 * 1024 * 1024,
  pageSize: 500,
};
/** What an event costs besides its data: the columns and the result built from it. */
const EVENT_OVERHEAD_BYTES = 300;
/** Rollout-reach answers kept before they are all dropped and asked again. */
const MAX_REACH_ANSWERS = 10_000;

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
  private readonly listener: ChannelListener;
  private pollTimer: NodeJS.Timeout | null = null;
  private running = false;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  /** Whether a rollout reaches some tenants, by rollout and tenants; and the lookups under way. */
  private readonly reach = new Map<string, boolean>();
  private readonly reachLookups = new Map<string, Promise<boolean>>();
  /** Each event's size, worked out once for all the subscribers it is queued for. */
  private readonly sizes = new WeakMap<EventRecord, number>();

  constructor(
    private readonly dataSource: DataSource,
    options: EventHubOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.listener = new ChannelListener(dataSource, 'shiplog-events', EVENTS_CHANNEL, {
      onNotification: (payload) => this.onNotification(payload),
      // Whatever was committed while no one listened.
      onReady: () => void this.pump(),
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.lastSeen = BigInt(await this.latestSequence());
    this.running = true;
    await this.listener.start();
    this.pollTimer = setInterval(() => void this.pump(), this.options.pollIntervalMs);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    for (const subscriber of [...this.subscribers]) subscriber.end();
    await this.listener.stop();
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

  /** @internal Roughly how many bytes an event takes up while it waits: its data as JSON and the rest. */
  sizeOf(event: EventRecord): number {
    let size = this.sizes.get(event);
    if (size === undefined) {
      size = EVENT_OVERHEAD_BYTES + JSON.stringify(event.data ?? null).length;
      this.sizes.set(event, size);
    }
    return size;
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
    if (filter.rolloutId != null) {
      query.andWhere(
        `(e.rollout_id = :rolloutId OR (e.data ? 'undoesRolloutId' AND e.data->>'undoesRolloutId' = CAST(:rolloutId AS text)))`,
        { rolloutId: filter.rolloutId },
      );
    }
    if (filter.types != null) query.andWhere('e.type = ANY(:types)', { types: filter.types });
    // A cheap first cut for tenant-limited subscribers; each row is still authorized one by one afterwards.
    if (scope !== null) {
      query.andWhere(eventVisibleSql('e.tenant_id', 'e.rollout_id', 'CAST(:scope AS uuid[])'), { scope });
    }
    return query.orderBy('e.sequence', 'ASC').limit(this.options.pageSize).getMany();
  }

  /** @internal Whether a rollout reaches (has a target in) one of the tenants keyed `tenantKey`, if known. */
  knownReach(rolloutId: string, tenantKey: string): boolean | undefined {
    return this.reach.get(`${rolloutId} ${tenantKey}`);
  }

  /**
   * @internal Looks up (once for every subscriber with these tenants) whether a rollout reaches one of them.
   * Answers are kept: a rollout's targets are fixed when it starts, before its first event commits.
   */
  async rolloutReaches(rolloutId: string, tenantIds: readonly string[], tenantKey: string): Promise<boolean> {
    const key = `${rolloutId} ${tenantKey}`;
    const known = this.reach.get(key);
    if (known !== undefined) return known;
    let lookup = this.reachLookups.get(key);
    if (!lookup) {
      lookup = this.lookUpReach(rolloutId, tenantIds);
      this.reachLookups.set(key, lookup);
      const forget = () => this.reachLookups.delete(key);
      lookup.then((reaches) => {
        forget();
        if (this.reach.size >= MAX_REACH_ANSWERS) this.reach.clear();
        this.reach.set(key, reaches);
      }, forget);
    }
    return lookup;
  }

  private async lookUpReach(rolloutId: string, tenantIds: readonly string[]): Promise<boolean> {
    if (tenantIds.length === 0) return false;
    const [row] = await this.dataSource.query<{ reaches: boolean }[]>(
      `SELECT ${rolloutVisibleSql('$1::uuid', '$2::uuid[]')} AS reaches`,
      [rolloutId, tenantIds],
    );
    return row.reaches;
  }

  private onNotification(payload: string | undefined): void {
    const sequence = payload && /^\d+$/.test(payload) ? BigInt(payload) : null;
    if (sequence !== null && sequence <= this.lastSeen) return;
    if (sequence !== null && this.subscribers.size === 0 && !this.pumping) {
      // Nobody to hand the events to: move the cursor past them without reading them. Sequences follow commit
      // order, so everything up to the notified one has committed.
      this.lastSeen = sequence;
      return;
    }
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

type Step = IteratorResult<EventRecord>;
const DONE: Step = Object.freeze({ done: true, value: undefined });

/**
 * One subscription: a bounded queue of live events behind an optional replay from the database.
 *
 * Every event is offered to every subscription of the process, so the common case (a live event the consumer
 * is already waiting for, whose visibility needs no database) is settled synchronously: offer() resolves the
 * waiting read with the event itself. Only a replay page or a first question about a rollout's tenants takes a
 * trip to the database, and reads stay one at a time so events leave in order.
 */
class EventSubscriber implements AsyncIterableIterator<EventRecord> {
  private live: EventRecord[] = [];
  /** The sizes of the live events waiting, together. */
  private liveBytes = 0;
  private replayed: EventRecord[] = [];
  private replayCursor: bigint | null;
  private readonly types: Set<string> | null;
  /** The tenants whose events this subscriber may receive and asked for; null means every tenant. */
  private readonly tenantIds: readonly string[] | null;
  private readonly tenantKey: string;
  private lastDelivered: string | null = null;
  private overflowed = false;
  private ended = false;
  /** Resolves the read that waits for the next live event. */
  private waiter: ((step: Step | Promise<Step>) => void) | null = null;
  /** The result of the latest read while it is unsettled: a read asked for meanwhile goes after it. */
  private pending: Promise<Step> | null = null;

  constructor(
    private readonly hub: EventHub,
    private readonly plan: SubscriberPlan,
  ) {
    this.replayCursor = plan.replayAfter;
    this.types = plan.filter.types != null ? new Set(plan.filter.types) : null;
    const scope = plan.access.principal?.tenantIds ?? null;
    const wanted = plan.filter.tenantIds ?? null;
    this.tenantIds = scope === null ? wanted : wanted === null ? scope : wanted.filter((id) => scope.includes(id));
    this.tenantKey = this.tenantIds === null ? '*' : [...this.tenantIds].sort().join(',');
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EventRecord> {
    return this;
  }

  /** Called by the hub for every committed event, in order. */
  offer(event: EventRecord, sequence: bigint): void {
    if (this.ended || this.overflowed || sequence <= this.plan.liveAfter) return;
    if (!this.matchesAtOnce(event)) return;
    const size = this.hub.sizeOf(event);
    const { maxBuffered, maxBufferedBytes } = this.hub.settings;
    // One event larger than the byte limit still goes through, alone.
    if (this.live.length >= maxBuffered || (this.live.length > 0 && this.liveBytes + size > maxBufferedBytes)) {
      // Keep what is queued (the consumer still gets it), then end with an error saying where to resume.
      this.overflowed = true;
      this.hub.unregister(this);
    } else {
      this.live.push(event);
      this.liveBytes += size;
    }
    this.settleWaiter();
  }

  next(): Promise<Step> {
    if (this.pending === null) {
      const step = this.nextNow();
      return step instanceof Promise ? this.track(step) : Promise.resolve(step);
    }
    // One read at a time, so events leave in order even if a consumer asks twice without waiting.
    return this.track(
      this.pending.then(
        () => this.nextNow(),
        () => this.nextNow(),
      ),
    );
  }

  async return(): Promise<Step> {
    this.end();
    return DONE;
  }

  async throw(error?: unknown): Promise<Step> {
    this.end();
    throw error;
  }

  /** Ends the subscription: a pending read finishes as done. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.live = [];
    this.liveBytes = 0;
    this.replayed = [];
    this.hub.unregister(this);
    this.settleWaiter();
  }

  private track(step: Promise<Step>): Promise<Step> {
    this.pending = step;
    const settled = () => {
      if (this.pending === step) this.pending = null;
    };
    step.then(settled, settled);
    return step;
  }

  /** The next event if it can be had at once, else a promise of it. */
  private nextNow(): Step | Promise<Step> {
    const step = this.readNow();
    if (step !== null) return step;
    if (this.canWait()) return new Promise<Step>((resolve) => (this.waiter = resolve));
    return this.readSlowly();
  }

  /** Hands the waiting read what came, unless what came was not for this subscriber. */
  private settleWaiter(): void {
    const resolve = this.waiter;
    if (resolve === null) return;
    const step = this.readNow();
    if (step === null && this.canWait()) return;
    this.waiter = null;
    resolve(step ?? this.readSlowly());
  }

  /** Nothing to read until the hub offers more. */
  private canWait(): boolean {
    return !this.ended && !this.overflowed && this.live.length === 0 && this.replayed.length === 0 && this.replayCursor === null;
  }

  /**
   * The next visible event, or done, if that needs no database; null if it does (a replay page to read, a
   * rollout's tenants to look up), or if there is nothing yet.
   */
  private readNow(): Step | null {
    for (;;) {
      if (this.ended) return DONE;
      // Replayed events first, page by page, then live ones.
      const queue = this.replayed.length > 0 ? this.replayed : this.replayCursor === null ? this.live : null;
      if (queue === null || queue.length === 0) return null;
      const event = queue[0];
      const visible = this.visibleNow(event);
      if (visible === null) return null;
      queue.shift();
      if (queue === this.live) this.liveBytes -= this.hub.sizeOf(event);
      if (visible) {
        this.lastDelivered = event.sequence;
        return { done: false, value: event };
      }
    }
  }

  /** Whatever the next read needs the database (or a wait) for. */
  private async readSlowly(): Promise<Step> {
    for (;;) {
      const step = this.readNow();
      if (step !== null) return step;
      if (this.replayed.length === 0 && this.replayCursor !== null) {
        const page = await this.hub.readReplayPage(this.replayCursor, this.plan.replayUntil, this.plan.filter, this.tenantIds);
        if (this.ended) continue;
        this.replayCursor = page.length < this.hub.settings.pageSize ? null : BigInt(page[page.length - 1].sequence);
        this.replayed = page.filter((event) => this.matchesAtOnce(event));
        continue;
      }
      const head = this.replayed.length > 0 ? this.replayed[0] : this.live[0];
      if (head !== undefined) {
        await this.hub.rolloutReaches(head.rolloutId!, this.tenantIds!, this.tenantKey);
        continue;
      }
      if (this.overflowed) {
        this.end();
        throw new SlowSubscriberError(this.lastDelivered ?? (this.plan.replayAfter ?? this.plan.liveAfter).toString());
      }
      return new Promise<Step>((resolve) => (this.waiter = resolve));
    }
  }

  /** The filter and every authorization decision that needs no database (see auth/visibility.ts). */
  private matchesAtOnce(event: EventRecord): boolean {
    const { filter } = this.plan;
    if (this.types !== null && !this.types.has(event.type)) return false;
    if (filter.rolloutId != null && event.rolloutId !== filter.rolloutId && !undoes(event, filter.rolloutId)) return false;
    return eventVisibility(event, this.tenantIds) !== 'HIDDEN';
  }

  /**
   * An event with a tenant goes to those who may see that tenant; a rollout-wide event to those who may see
   * every tenant, or a tenant the rollout reaches. Null: whether the rollout reaches them is not known yet.
   */
  private visibleNow(event: EventRecord): boolean | null {
    if (!this.matchesAtOnce(event)) return false;
    if (eventVisibility(event, this.tenantIds) === 'VISIBLE') return true;
    return this.hub.knownReach(event.rolloutId!, this.tenantKey) ?? null;
  }
}

/** A rollback of an installation outside any rollout reaches the followers of the rollout it takes back. */
function undoes(event: EventRecord, rolloutId: string): boolean {
  return event.rolloutId === null && event.data?.undoesRolloutId === rolloutId;
}
