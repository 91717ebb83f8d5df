import { useCallback, useMemo } from 'react';
import type { InstallationFilter, InstallationOrder, ReleaseDrift } from '../../../generated/graphql';
import { useUrlParams } from '../../ui/searchParams';

/** The drift states a person filters by: the release's versions themselves ("same") are not a question. */
export const DRIFT_CHOICES = ['BEHIND', 'AHEAD', 'MISSING'] as const satisfies readonly ReleaseDrift[];

const SORTS: Record<string, InstallationOrder> = {
  tenant: 'TENANT',
  installation: 'INSTALLATION',
  drift: 'DRIFT',
};

function listParam(text: string | null): string[] {
  return (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * What the matrix asks beyond the fleet filters, kept in the URL: the applications compared (`apps`, slugs),
 * the drift states wanted (`drift`) and the order (`sort`). Drift needs a release; without one it is ignored.
 */
export function useMatrixQuery(base: InstallationFilter | null, releaseId: string) {
  const { get, set } = useUrlParams();
  const appsText = get('apps');
  const driftText = get('drift');
  const sortText = get('sort') ?? 'tenant';
  const applications = useMemo(() => listParam(appsText), [appsText]);
  const states = useMemo(
    () =>
      listParam(driftText).filter((state): state is (typeof DRIFT_CHOICES)[number] =>
        (DRIFT_CHOICES as readonly string[]).includes(state),
      ),
    [driftText],
  );
  const wantedOrder = SORTS[sortText] ?? 'TENANT';
  const orderBy = wantedOrder === 'DRIFT' && !releaseId ? 'TENANT' : wantedOrder;

  const filter = useMemo((): InstallationFilter | null => {
    const compare = releaseId && (states.length > 0 || orderBy === 'DRIFT');
    if (!compare) return base;
    return {
      ...base,
      drift: {
        releaseId,
        states: states.length ? states : null,
        applications: applications.length ? applications : null,
      },
    };
  }, [base, releaseId, states, applications, orderBy]);

  return {
    applications,
    states,
    sort: Object.entries(SORTS).find(([, order]) => order === orderBy)?.[0] ?? 'tenant',
    orderBy,
    filter,
    active: applications.length > 0 || states.length > 0,
    setApplications: useCallback((slugs: string[]) => set({ apps: slugs.join(',') }), [set]),
    setStates: useCallback((wanted: string[]) => set({ drift: wanted.join(',') }), [set]),
    setSort: useCallback((sort: string) => set({ sort: sort === 'tenant' ? null : sort }), [set]),
    clear: useCallback(() => set({ apps: null, drift: null }), [set]),
  };
}

export type MatrixQuery = ReturnType<typeof useMatrixQuery>;
