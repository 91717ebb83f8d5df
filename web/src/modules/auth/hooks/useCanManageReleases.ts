import { useQuery } from '@apollo/client/react';
import { ViewerDocument } from '../../../generated/graphql';

/** Whether the signed-in principal may create, edit, lock and unlock releases (release managers and admins). */
export function useCanManageReleases(): boolean {
  const { data } = useQuery(ViewerDocument);
  const role = data?.viewer?.role;
  return role === 'RELEASE_MANAGER' || role === 'ADMIN';
}
