import { TenantsDocument, type TenantFilter } from '../../../generated/graphql';
import { usePagedList } from '../../ui/usePagedList';

export const TENANTS_PAGE_SIZE = 20;

/** One growing list of tenants for a filter: the first page, then more pages on request. */
export function useTenants(filter: TenantFilter | null) {
  const list = usePagedList(TenantsDocument, { first: TENANTS_PAGE_SIZE, filter }, (data) => data.tenants);
  return { ...list, tenants: list.nodes };
}
