import { inject, injectable } from 'tsyringe';
import { DataSource, type EntityManager } from 'typeorm';
import { rateLimited } from '../common/errors';
import { SignInThrottle } from './sign-in-throttle.entity';

/** Consecutive failures a key may have before each further attempt waits. */
export const MAX_FAILURES = 10;
const FIRST_DELAY_MS = 5_000;
const MAX_DELAY_MS = 15 * 60_000;
/** Failures this old, with no block running, no longer count. */
const FORGET_AFTER_MS = 60 * 60_000;
/** An address this user signed in from within this time is not held back by guesses at its name from elsewhere. */
const TRUST_ADDRESS_MS = 30 * 24 * 60 * 60_000;

/** One sign-in attempt under way: counted as a failure until `succeeded` says otherwise. */
export interface Attempt {
  /** Set when this failure started a wait (seconds): worth a line in the audit log. */
  blockedForSeconds: number | null;
  succeeded(): Promise<void>;
}

function delayAfter(failures: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(failures - MAX_FAILURES, 20));
}

/**
 * Throttles password guessing, per username, per client address and per both. After MAX_FAILURES consecutive
 * failures of a key, each further attempt waits for a delay that doubles (5 s up to 15 min); meanwhile attempts are
 * refused with RATE_LIMITED without checking the password. Guesses at a username from elsewhere do not hold back
 * that user at an address it recently signed in from, so an attacker cannot lock the real user out.
 *
 * An attempt counts as a failure before its password is checked (and is taken back if it succeeds), under the rows'
 * locks, so parallel guesses cannot slip past the limit.
 */
@injectable()
export class SignInThrottleService {
  constructor(@inject(DataSource) private readonly dataSource: DataSource) {}

  /** Refuses (RATE_LIMITED) while a key of this attempt waits; else counts the attempt. */
  async begin(username: string, address: string): Promise<Attempt> {
    const keys = { user: `user:${username}`, address: `address:${address}`, pair: `pair:${username}|${address}` };
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.lock(manager, Object.values(keys));
      const now = Date.now();
      const row = (key: string) => rows.get(key)!;
      const waitOf = (throttle: SignInThrottle) => (throttle.blockedUntil ? throttle.blockedUntil.getTime() - now : 0);
      const trusted = (row(keys.pair).lastSuccessAt?.getTime() ?? 0) > now - TRUST_ADDRESS_MS;
      const wait = Math.max(waitOf(row(keys.address)), waitOf(row(keys.pair)), trusted ? 0 : waitOf(row(keys.user)));
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        throw rateLimited(`Too many failed sign-ins; try again in ${seconds} seconds`, seconds);
      }
      let blockedForSeconds: number | null = null;
      const before = new Map<string, number>();
      for (const throttle of rows.values()) {
        const forgotten = (throttle.lastFailureAt?.getTime() ?? 0) < now - FORGET_AFTER_MS && waitOf(throttle) <= 0;
        before.set(throttle.key, forgotten ? 0 : throttle.failures);
        throttle.failures = before.get(throttle.key)! + 1;
        throttle.lastFailureAt = new Date(now);
        if (throttle.failures >= MAX_FAILURES) {
          const delay = delayAfter(throttle.failures);
          throttle.blockedUntil = new Date(now + delay);
          blockedForSeconds = Math.max(blockedForSeconds ?? 0, Math.ceil(delay / 1000));
        }
      }
      await manager.getRepository(SignInThrottle).save([...rows.values()]);
      return {
        blockedForSeconds,
        succeeded: () => this.succeed(keys, before),
      };
    });
  }

  /**
   * Takes back the attempt: the address and the pair start over and the pair is trusted from now on. A name
   * already held back by earlier guesses stays held back elsewhere: the real user signing in does not end it.
   */
  private async succeed(keys: { user: string; address: string; pair: string }, before: Map<string, number>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const rows = await this.lock(manager, Object.values(keys));
      for (const throttle of rows.values()) {
        const held = throttle.key === keys.user && (before.get(throttle.key) ?? 0) >= MAX_FAILURES;
        if (held) {
          throttle.failures = Math.max(0, throttle.failures - 1);
        } else {
          throttle.failures = 0;
          throttle.blockedUntil = null;
        }
        if (throttle.key === keys.pair) throttle.lastSuccessAt = new Date();
      }
      await manager.getRepository(SignInThrottle).save([...rows.values()]);
    });
  }

  /** The rows of the keys, made if missing, locked in key order (so concurrent attempts never deadlock). */
  private async lock(manager: EntityManager, keys: string[]): Promise<Map<string, SignInThrottle>> {
    const sorted = [...keys].sort();
    await manager
      .createQueryBuilder()
      .insert()
      .into(SignInThrottle)
      .values(sorted.map((key) => ({ key })))
      .orIgnore()
      .execute();
    const rows = await manager
      .getRepository(SignInThrottle)
      .createQueryBuilder('t')
      .where('t.key = ANY(:keys)', { keys: sorted })
      .orderBy('t.key')
      .setLock('pessimistic_write')
      .getMany();
    return new Map(rows.map((row) => [row.key, row]));
  }
}
