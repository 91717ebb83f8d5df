import { inject, injectable } from 'tsyringe';
import { DataSource } from 'typeorm';
import type { Access } from '../auth/access';
import { rolloutVisibleSql } from '../auth/visibility';
import { badInput, notFound } from '../common/errors';
import { isId } from '../common/ids';
import { Role } from '../common/roles';
import { EventHub, type EventMatch } from './event-hub';
import type { EventRecord } from './event.entity';
import type { EventFilter } from './event.inputs';

const SEQUENCE = /^\d{1,18}$/;
const MAX_FILTER_ITEMS = 100;

/** Opens event subscriptions after checking the caller and the arguments; the hub then authorizes each event. */
@injectable()
export class EventStreamService {
  constructor(
    @inject(EventHub) private readonly hub: EventHub,
    @inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async events(
    access: Access,
    afterSequence: string | null | undefined,
    filter: EventFilter | null | undefined,
  ): Promise<AsyncIterableIterator<EventRecord>> {
    const scope = access.tenantScope();
    const match: EventMatch = {};
    if (filter?.types != null) {
      if (filter.types.length > MAX_FILTER_ITEMS) throw badInput(`filter.types may name at most ${MAX_FILTER_ITEMS} types`);
      match.types = filter.types;
    }
    if (filter?.rolloutId != null) match.rolloutId = await this.requireRollout(access, filter.rolloutId);
    if (filter?.tenantSlugs != null) {
      if (filter.tenantSlugs.length > MAX_FILTER_ITEMS) {
        throw badInput(`filter.tenantSlugs may name at most ${MAX_FILTER_ITEMS} tenants`);
      }
      // Slugs the caller may not see match nothing, exactly like slugs that do not exist.
      const rows = await this.dataSource.query<{ id: string }[]>('SELECT id FROM tenant WHERE slug = ANY($1)', [
        [...filter.tenantSlugs],
      ]);
      match.tenantIds = rows.map((row) => row.id).filter((id) => scope === null || scope.includes(id));
    }
    return this.hub.subscribe({ access, afterSequence: await this.startAfter(afterSequence), filter: match });
  }

  async rolloutEvents(
    access: Access,
    rolloutId: string,
    afterSequence: string | null | undefined,
  ): Promise<AsyncIterableIterator<EventRecord>> {
    access.require(Role.VIEWER);
    const id = await this.requireRollout(access, rolloutId);
    return this.hub.subscribe({ access, afterSequence: await this.startAfter(afterSequence), filter: { rolloutId: id } });
  }

  /**
   * Without afterSequence a subscription starts at the last committed event, not at the last one this replica
   * has dispatched, so an event committed just before it started (and not yet dispatched) is not sent.
   */
  private async startAfter(afterSequence: string | null | undefined): Promise<string> {
    return parseSequence(afterSequence) ?? (await this.hub.latestSequence());
  }

  /** A rollout the caller may see: every rollout when unscoped, else one with a target in the caller's tenants. */
  private async requireRollout(access: Access, rolloutId: string): Promise<string> {
    const scope = access.tenantScope();
    if (isId(rolloutId)) {
      const [row] = await this.dataSource.query<{ id: string }[]>(
        `SELECT r.id FROM rollout r WHERE r.id = $1 AND ($2::uuid[] IS NULL OR ${rolloutVisibleSql('r.id', '$2::uuid[]')})`,
        [rolloutId, scope],
      );
      if (row) return row.id;
    }
    throw notFound('Rollout', rolloutId);
  }
}

function parseSequence(value: string | null | undefined): string | null {
  if (value == null) return null;
  if (!SEQUENCE.test(value)) throw badInput('afterSequence must be the sequence of an event, e.g. "42"');
  return BigInt(value).toString();
}
