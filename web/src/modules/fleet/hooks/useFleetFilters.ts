import { parseLabelSelector, type LabelPair } from '@shiplog/shared';
import { useCallback, useMemo } from 'react';
import { useUrlParams } from '../../ui/searchParams';
import type { InstallationFilter, TenantFilter } from '../../../generated/graphql';

/** Every fleet filter and the query-string parameter that keeps it. */
export const FILTER_PARAMS = {
  search: 'q',
  tenant: 'tenant',
  tenantLabels: 'tenantLabels',
  labels: 'labels',
  tier: 'tier',
  blocked: 'blocked',
} as const;

export type FilterKey = keyof typeof FILTER_PARAMS;
export type FilterValues = Record<FilterKey, string>;

export interface ParsedLabels {
  pairs: LabelPair[];
  error: string | null;
}

export function parseLabels(text: string): ParsedLabels {
  try {
    return { pairs: parseLabelSelector(text), error: null };
  } catch (caught) {
    return { pairs: [], error: caught instanceof Error ? caught.message : 'Write labels as key=value, separated by commas' };
  }
}

function blockedValue(text: string): boolean | null {
  return text === 'yes' ? true : text === 'no' ? false : null;
}

/** The fleet filters in the URL, as values for the fields and as API filters. */
export function useFleetFilters() {
  const { params, set: setParams } = useUrlParams();
  const values = useMemo(
    () =>
      Object.fromEntries(
        Object.entries(FILTER_PARAMS).map(([key, param]) => [key, params.get(param)?.trim() ?? '']),
      ) as FilterValues,
    [params],
  );

  const set = useCallback((key: FilterKey, value: string) => setParams({ [FILTER_PARAMS[key]]: value }), [setParams]);

  const clear = useCallback(
    () => setParams(Object.fromEntries(Object.values(FILTER_PARAMS).map((param) => [param, null]))),
    [setParams],
  );

  const tenantLabels = useMemo(() => parseLabels(values.tenantLabels), [values.tenantLabels]);
  const labels = useMemo(() => parseLabels(values.labels), [values.labels]);

  const installationFilter = useMemo((): InstallationFilter | null => {
    const filter: InstallationFilter = {};
    if (values.search) filter.search = values.search;
    if (values.tenant) filter.tenantSlugs = [values.tenant];
    if (tenantLabels.pairs.length) filter.tenantLabels = tenantLabels.pairs;
    if (labels.pairs.length) filter.labels = labels.pairs;
    if (values.tier) filter.tiers = [values.tier];
    const blocked = blockedValue(values.blocked);
    if (blocked !== null) filter.tenantBlocked = blocked;
    return Object.keys(filter).length ? filter : null;
  }, [values, tenantLabels, labels]);

  /** Tenants keep their own labels under `labels`; tier means "has an installation on it". */
  const tenantFilter = useMemo((): TenantFilter | null => {
    const filter: TenantFilter = {};
    if (values.search) filter.search = values.search;
    if (labels.pairs.length) filter.labels = labels.pairs;
    if (values.tier) filter.tiers = [values.tier];
    const blocked = blockedValue(values.blocked);
    if (blocked !== null) filter.blocked = blocked;
    return Object.keys(filter).length ? filter : null;
  }, [values, labels]);

  const active = Object.values(values).some(Boolean);
  return {
    values,
    set,
    clear,
    active,
    labelErrors: { tenantLabels: tenantLabels.error, labels: labels.error },
    installationFilter,
    tenantFilter,
  };
}
