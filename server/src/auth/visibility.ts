import type { Access } from './access';
import { RolloutStatus } from '../modules/rollout/rollout.entity';

/*
 * What a caller limited to some tenants may see of rollouts and their events: one rule, used by the queries
 * (rollout, rollouts, the event subscriptions' rollout check) and by the event hub alike.
 *
 * - A rollout is visible when it has a target in one of the caller's tenants.
 * - An event about one tenant's installation (it carries the tenant) is visible when the caller may see that tenant.
 * - An event about a whole rollout (no tenant, a rollout) is visible when the rollout is.
 * - An event with neither is visible only to callers who see every tenant.
 * - What a whole rollout says about one installation (its status reason, the reason in its events) is shown only
 *   to callers who may see every tenant the rollout reaches; others read what the status means.
 */

/** SQL: the rollout whose id is `rolloutColumn` has a target in the tenants of the uuid[] parameter `scopeParameter`. */
export function rolloutVisibleSql(rolloutColumn: string, scopeParameter: string): string {
  return `EXISTS (SELECT 1 FROM rollout_target vt WHERE vt.rollout_id = ${rolloutColumn} AND vt.tenant_id = ANY(${scopeParameter}))`;
}

/**
 * SQL: the event with columns `tenantColumn` and `rolloutColumn` is visible to a caller limited to the tenants of
 * the uuid[] expression `scope` (the rule above; a NULL scope sees every event).
 */
export function eventVisibleSql(tenantColumn: string, rolloutColumn: string, scope: string): string {
  return `(${scope} IS NULL OR ${tenantColumn} = ANY(${scope})
           OR (${tenantColumn} IS NULL AND ${rolloutColumn} IS NOT NULL AND ${rolloutVisibleSql(rolloutColumn, scope)}))`;
}

export type EventVisibility = 'VISIBLE' | 'HIDDEN' | 'IF_ROLLOUT_VISIBLE';

/** Whether the caller (limited to `tenantIds`, or null for every tenant) may see an event. */
export function eventVisibility(
  event: { tenantId: string | null; rolloutId: string | null },
  tenantIds: readonly string[] | null,
): EventVisibility {
  if (tenantIds === null) return 'VISIBLE';
  if (event.tenantId !== null) return tenantIds.includes(event.tenantId) ? 'VISIBLE' : 'HIDDEN';
  return event.rolloutId === null ? 'HIDDEN' : 'IF_ROLLOUT_VISIBLE';
}

const STATUS_MEANING: Partial<Record<RolloutStatus, string>> = {
  [RolloutStatus.PAUSED]: 'The rollout is paused',
  [RolloutStatus.FAILED]: 'The rollout failed',
  [RolloutStatus.ABORTED]: 'The rollout was aborted',
};

/** A rollout's status reason as the caller may read it (`reachesOthers`: the rollout has targets it cannot see). */
export function rolloutReasonFor(access: Access, status: RolloutStatus, reason: string | null, reachesOthers: boolean) {
  if (reason === null || access.tenantScope() === null || !reachesOthers) return reason;
  return STATUS_MEANING[status] ?? null;
}

/** An event's data as the caller may read it (see WHOLE_ROLLOUT_ONLY). */
export function eventDataFor(
  access: Access,
  event: { tenantId: string | null; data: Record<string, unknown> },
): Record<string, unknown> {
  return eventDataForScope(access.tenantScope(), event);
}

/**
 * What of a whole rollout's event (one with no tenant) only a reader of every tenant gets: its reason, which may
 * name another tenant's installation, and its count of targets, the size of the other tenants' part.
 */
const WHOLE_ROLLOUT_ONLY = ['reason', 'targets'];

/** The same for a reader limited to `tenantIds` (null: every tenant), such as a webhook. */
export function eventDataForScope(
  tenantIds: readonly string[] | null,
  event: { tenantId: string | null; data: Record<string, unknown> },
): Record<string, unknown> {
  if (event.tenantId !== null || tenantIds === null || !WHOLE_ROLLOUT_ONLY.some((key) => key in event.data)) {
    return event.data;
  }
  return Object.fromEntries(Object.entries(event.data).filter(([key]) => !WHOLE_ROLLOUT_ONLY.includes(key)));
}
