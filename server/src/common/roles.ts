import { registerEnumType } from 'type-graphql';

export enum Role {
  ADMIN = 'ADMIN',
  RELEASE_MANAGER = 'RELEASE_MANAGER',
  OPERATOR = 'OPERATOR',
  VIEWER = 'VIEWER',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'What a user or API token may do; each role includes the ones below it.',
  valuesConfig: {
    ADMIN: { description: 'Everything, including users, API tokens, tiers and tenants.' },
    RELEASE_MANAGER: { description: 'Applications, release tracks, releases, installations and rollouts.' },
    OPERATOR: { description: 'Registers artifacts and reports deployments.' },
    VIEWER: { description: 'Reads.' },
  },
});

const rank: Record<Role, number> = { ADMIN: 3, RELEASE_MANAGER: 2, OPERATOR: 1, VIEWER: 0 };

export function roleIncludes(held: Role, needed: Role): boolean {
  return rank[held] >= rank[needed];
}
