import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createTenant } from '../factories/tenants';
import { until } from '../support/subscriptions';
import { dataOf, errorCode, startReplica, startTestServer, type GraphQLResponse, type TestServer } from '../support/server';

let server: TestServer;
let replica: TestServer;
const clients: Client[] = [];
beforeAll(async () => {
  server = await startTestServer({}, undefined, { credentialRecheckMs: 600_000 });
  replica = await startReplica(server, {}, { credentialRecheckMs: 600_000 });
  await createTenant(server, { slug: 'north', name: 'North' });
  await createTenant(server, { slug: 'south', name: 'South' });
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await replica.close();
  await server.close();
});

const PASSWORD = 'first password 0123';
const USER_FIELDS = 'id username role disabled disabledAt tenants { slug }';
let sequence = 0;

interface CreatedUser {
  id: string;
  username: string;
}

async function createUser(role: string, tenantSlugs?: string[], token?: string): Promise<CreatedUser> {
  const username = `user-${++sequence}`;
  const response = await server.gql<{ createUser: CreatedUser }>(
    `mutation ($input: CreateUserInput!) { createUser(input: $input) { id username } }`,
    { input: { username, password: PASSWORD, role, tenantSlugs } },
    token,
  );
  return dataOf(response).createUser;
}

function signIn(username: string, password = PASSWORD) {
  return server.gql<{ signIn: { token: string } }>(
    `mutation ($input: SignInInput!) { signIn(input: $input) { token } }`,
    { input: { username, password } },
    null,
  );
}

async function sessionOf(username: string, password = PASSWORD): Promise<string> {
  return dataOf(await signIn(username, password)).signIn.token;
}

const updateUser = (input: Record<string, unknown>, token?: string) =>
  server.gql<{ updateUser: Record<string, any> }>(
    `mutation ($input: UpdateUserInput!) { updateUser(input: $input) { ${USER_FIELDS} } }`,
    { input },
    token,
  );
const changePassword = (input: Record<string, unknown>, token: string) =>
  server.gql(`mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { username } }`, { input }, token);
const resetUserPassword = (input: Record<string, unknown>, token?: string) =>
  server.gql(`mutation ($input: ResetUserPasswordInput!) { resetUserPassword(input: $input) { username } }`, { input }, token);

const viewer = (token: string, target: TestServer = server) => target.gql('{ viewer { name role } }', undefined, token);

/** The audit events of a user's changes, newest first (sign-ins and sign-outs left out). */
async function auditOf(subjectId: string): Promise<{ action: string; before: unknown; after: unknown }[]> {
  const response = await server.gql<{ auditEvents: { nodes: { action: string; before: unknown; after: unknown }[] } }>(
    `query ($id: String!) { auditEvents(filter: { subjectType: "User", subjectId: $id }) { nodes { action before after } } }`,
    { id: subjectId },
  );
  return dataOf(response).auditEvents.nodes.filter((event) => !event.action.startsWith('user.sign-'));
}

/** An open graphql-ws connection with an events subscription, and the close codes it sees. */
async function liveConnection(target: TestServer, token: string): Promise<{ closes: number[]; ended: () => boolean }> {
  const closes: number[] = [];
  let ended = false;
  const client = createClient({
    url: `${target.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  clients.push(client);
  let acknowledged = false;
  client.on('connected', () => (acknowledged = true));
  client.subscribe(
    { query: 'subscription { events { sequence } }' },
    { next: () => {}, error: () => (ended = true), complete: () => (ended = true) },
  );
  await until(() => acknowledged || closes.length > 0, 'the connection to open');
  return { closes, ended: () => ended };
}

describe('disabling a user', () => {
  it('ends its sessions and open connections at once, on every replica, and it cannot sign in until enabled', async () => {
    const user = await createUser('RELEASE_MANAGER');
    const session = await sessionOf(user.username);
    const live = await liveConnection(replica, session);

    const disabled = dataOf(await updateUser({ id: user.id, disabled: true })).updateUser;
    expect(disabled).toMatchObject({ username: user.username, disabled: true, disabledAt: expect.any(String) });

    expect(errorCode(await viewer(session))).toBe('UNAUTHENTICATED');
    await until(() => live.closes.length > 0, 'the connection on the other replica to close', 10_000);
    expect(live.closes).toEqual([4401]);
    expect(live.ended()).toBe(true);
    const refused = await signIn(user.username);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(refused.data).toBeNull();

    expect(dataOf(await updateUser({ id: user.id, disabled: false })).updateUser).toMatchObject({
      disabled: false,
      disabledAt: null,
    });
    // Enabling does not bring the ended session back; signing in again works.
    expect(errorCode(await viewer(session))).toBe('UNAUTHENTICATED');
    expect(dataOf(await viewer(await sessionOf(user.username)))).toEqual({
      viewer: { name: user.username, role: 'RELEASE_MANAGER' },
    });

    expect((await auditOf(user.id)).map((event) => event.action)).toEqual(['user.enable', 'user.disable', 'user.create']);
  });

  it('refuses an admin disabling itself', async () => {
    const admin = await createUser('ADMIN');
    const session = await sessionOf(admin.username);
    const response = await updateUser({ id: admin.id, disabled: true }, session);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(dataOf(await viewer(session)).viewer.role).toBe('ADMIN');
  });
});

describe('updateUser', () => {
  it('renames a user and changes its role and tenants, audited without the password', async () => {
    const user = await createUser('VIEWER');
    const updated = dataOf(
      await updateUser({ id: user.id, username: `${user.username}-renamed`, role: 'OPERATOR', tenantSlugs: ['south'] }),
    ).updateUser;
    expect(updated).toMatchObject({ username: `${user.username}-renamed`, role: 'OPERATOR', tenants: [{ slug: 'south' }] });
    expect(dataOf(await viewer(await sessionOf(`${user.username}-renamed`)))).toEqual({
      viewer: { name: `${user.username}-renamed`, role: 'OPERATOR' },
    });
    expect(dataOf(await updateUser({ id: user.id, allTenants: true })).updateUser.tenants).toBeNull();
    const audit = await auditOf(user.id);
    expect(audit[1]).toMatchObject({
      action: 'user.update',
      before: { role: 'VIEWER', tenantIds: null },
      after: { role: 'OPERATOR' },
    });
    expect(JSON.stringify(audit)).not.toMatch(/password|scrypt/i);
  });

  it('makes the open connections of a user whose role changed reconnect (4403) to get the new role', async () => {
    const user = await createUser('ADMIN');
    const live = await liveConnection(replica, await sessionOf(user.username));
    dataOf(await updateUser({ id: user.id, role: 'VIEWER' }));
    await until(() => live.closes.length > 0, 'the connection to close', 10_000);
    expect(live.closes).toEqual([4403]);
  });

  it('refuses a taken username, an unknown user, and a non-admin caller', async () => {
    const [first, second] = [await createUser('VIEWER'), await createUser('VIEWER')];
    expect(errorCode(await updateUser({ id: second.id, username: first.username }))).toBe('CONFLICT');
    expect(errorCode(await updateUser({ id: '00000000-0000-0000-0000-000000000000', role: 'VIEWER' }))).toBe('NOT_FOUND');
    expect(errorCode(await updateUser({ id: 'nope', role: 'VIEWER' }))).toBe('NOT_FOUND');
    const manager = await createUser('RELEASE_MANAGER');
    const managerSession = await sessionOf(manager.username);
    expect(errorCode(await updateUser({ id: first.id, disabled: true }, managerSession))).toBe('FORBIDDEN');
    expect(errorCode(await resetUserPassword({ id: first.id, newPassword: 'another password 1' }, managerSession))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await signIn(first.username))).toBeUndefined();
  });

  it('lets a tenant-limited admin manage only users within its tenants, and not widen them', async () => {
    const scopedAdmin = await createUser('ADMIN', ['north']);
    const session = await sessionOf(scopedAdmin.username);
    const inside = await createUser('VIEWER', ['north']);
    const outside = await createUser('VIEWER', ['south']);
    const everywhere = await createUser('VIEWER');

    const notFound = (response: GraphQLResponse) => expect(errorCode(response)).toBe('NOT_FOUND');
    notFound(await updateUser({ id: outside.id, disabled: true }, session));
    notFound(await updateUser({ id: everywhere.id, disabled: true }, session));
    notFound(await resetUserPassword({ id: outside.id, newPassword: 'another password 1' }, session));
    expect(errorCode(await updateUser({ id: inside.id, allTenants: true }, session))).toBe('FORBIDDEN');
    notFound(await updateUser({ id: inside.id, tenantSlugs: ['north', 'south'] }, session));

    expect(dataOf(await updateUser({ id: inside.id, role: 'OPERATOR' }, session)).updateUser).toMatchObject({ role: 'OPERATOR' });
    expect(dataOf(await signIn(outside.username)).signIn.token).toMatch(/^shs_/);
    expect(dataOf(await signIn(everywhere.username)).signIn.token).toMatch(/^shs_/);
  });
});

describe('passwords', () => {
  it('changePassword needs the current password, ends the other sessions and keeps this one', async () => {
    const user = await createUser('VIEWER');
    const here = await sessionOf(user.username);
    const elsewhere = await sessionOf(user.username);
    const live = await liveConnection(replica, elsewhere);

    const wrong = await changePassword({ currentPassword: 'not it at all', newPassword: 'second password 456' }, here);
    expect(errorCode(wrong)).toBe('BAD_USER_INPUT');
    expect(errorCode(await changePassword({ currentPassword: PASSWORD, newPassword: 'short' }, here))).toBe('BAD_USER_INPUT');
    expect(dataOf(await viewer(elsewhere))).toMatchObject({ viewer: { name: user.username } });

    expect(dataOf(await changePassword({ currentPassword: PASSWORD, newPassword: 'second password 456' }, here))).toEqual({
      changePassword: { username: user.username },
    });
    expect(dataOf(await viewer(here))).toMatchObject({ viewer: { name: user.username } });
    expect(errorCode(await viewer(elsewhere))).toBe('UNAUTHENTICATED');
    await until(() => live.closes.length > 0, 'the other session’s connection to close', 10_000);
    expect(live.closes).toEqual([4401]);
    expect(errorCode(await signIn(user.username))).toBe('UNAUTHENTICATED');
    expect(dataOf(await signIn(user.username, 'second password 456')).signIn.token).toMatch(/^shs_/);
    expect((await auditOf(user.id))[0]).toMatchObject({ action: 'user.change-password', after: { sessionsEnded: 1 } });
  });

  it('changePassword is for users, not API tokens', async () => {
    const response = await changePassword({ currentPassword: PASSWORD, newPassword: 'second password 456' }, server.adminToken);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });

  it('an admin resets a password: every session of the user ends, the new password works, the audit holds no password', async () => {
    const user = await createUser('OPERATOR');
    const session = await sessionOf(user.username);
    expect(dataOf(await resetUserPassword({ id: user.id, newPassword: 'reset password 789' }))).toEqual({
      resetUserPassword: { username: user.username },
    });
    expect(errorCode(await viewer(session))).toBe('UNAUTHENTICATED');
    expect(errorCode(await signIn(user.username))).toBe('UNAUTHENTICATED');
    expect(dataOf(await signIn(user.username, 'reset password 789')).signIn.token).toMatch(/^shs_/);
    const audit = await auditOf(user.id);
    expect(audit[0]).toMatchObject({ action: 'user.reset-password', after: { sessionsEnded: 1 } });
    expect(JSON.stringify(audit)).not.toContain('reset password 789');
  });
});
