import type { Role } from '../../generated/graphql';

const ROLE_LABELS: Record<Role, string> = {
  ADMIN: 'Admin',
  RELEASE_MANAGER: 'Release manager',
  OPERATOR: 'Operator',
  VIEWER: 'Viewer',
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}
