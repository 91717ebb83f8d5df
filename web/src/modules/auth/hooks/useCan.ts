import { useQuery } from '@apollo/client/react';
import { ViewerDocument, type Role } from '../../../generated/graphql';

const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, RELEASE_MANAGER: 2, ADMIN: 3 };

/**
 * Whether the signed-in user holds at least this role. Pages hide the controls a user may not use; the server
 * still refuses them on its own, so this only spares the user a refusal. False until the viewer is known.
 * `everyTenant`: the change touches what all tenants share (applications, tracks, releases), which a user
 * limited to some tenants may not change.
 */
export function useCan(role: Role, options: { everyTenant?: boolean } = {}): boolean {
  const { data } = useQuery(ViewerDocument);
  const viewer = data?.viewer;
  if (!viewer || RANK[viewer.role] < RANK[role]) return false;
  return !options.everyTenant || !viewer.tenants;
}

/** Whether the signed-in user sees only some tenants: shared rollouts then show only their installations. */
export function useIsScoped(): boolean {
  const { data } = useQuery(ViewerDocument);
  return Boolean(data?.viewer?.tenants);
}
