import { randomBytes } from 'node:crypto';
import { dataOf, type TestServer } from '../support/server';

export type RoleName = 'ADMIN' | 'RELEASE_MANAGER' | 'OPERATOR' | 'VIEWER';

export interface TestPrincipal {
  username: string;
  role: RoleName;
  /** A session token: send it as the `token` argument of `server.gql`. */
  token: string;
  /** How the audit log names this principal. */
  actor: string;
}

let sequence = 0;

/** A user with `role`, created by the admin token, signed in. */
export async function createPrincipal(
  server: TestServer,
  role: RoleName,
  options: { username?: string; tenantSlugs?: string[] } = {},
): Promise<TestPrincipal> {
  const username = options.username ?? `${role.toLowerCase().replace(/_/g, '-')}-${++sequence}-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  dataOf(
    await server.gql(`mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
      input: { username, password, role, tenantSlugs: options.tenantSlugs },
    }),
  );
  const { signIn } = dataOf(
    await server.gql<{ signIn: { token: string } }>(
      `mutation ($input: SignInInput!) { signIn(input: $input) { token } }`,
      { input: { username, password } },
      null,
    ),
  );
  return { username, role, token: signIn.token, actor: `user:${username}` };
}

/** One signed-in user per role, created together. */
export async function createPrincipalsByRole(server: TestServer): Promise<Record<RoleName, TestPrincipal>> {
  const [admin, releaseManager, operator, viewer] = await Promise.all(
    (['ADMIN', 'RELEASE_MANAGER', 'OPERATOR', 'VIEWER'] as const).map((role) => createPrincipal(server, role)),
  );
  return { ADMIN: admin, RELEASE_MANAGER: releaseManager, OPERATOR: operator, VIEWER: viewer };
}
