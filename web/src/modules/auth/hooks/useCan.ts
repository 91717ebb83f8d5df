import { useQuery } from '@apollo/client/react';
import { ViewerDocument, type Role } from '../../../generated/graphql';

const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, RELEASE_MANAGER: 2, ADMIN: 3 };

/**
 * Whether the signed-in user holds at least this role. Pages hide the controls a user may not use; the server
 * still refuses them on its own, so this only spares the user a refusal. False until the viewer is known.
 */
export function useCan(role: Role): boolean {
  const { data } = useQuery(ViewerDocument);
  const held = data?.viewer.role;
  return held !== undefined && RANK[held] >= RANK[role];
}
