import { inject, injectable } from 'tsyringe';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AuditService, snapshot } from '../audit/audit.service';
import {
  AppError,
  ErrorCode,
  badInput,
  conflict,
  forbidden,
  isUniqueViolation,
  notFound,
  unauthenticated,
} from '../common/errors';
import { isId } from '../common/ids';
import { paginate, type PageArgs } from '../common/pagination';
import { Role, roleIncludes } from '../common/roles';
import type { Config } from '../config';
import { Tenant } from '../modules/tenant/tenant.entity';
import { CONFIG } from '../tokens';
import { Access, credentialKey, type Principal } from './access';
import { ApiToken } from './api-token.entity';
import type {
  ChangePasswordInput,
  CreateApiTokenInput,
  CreateUserInput,
  ResetUserPasswordInput,
  UpdateUserInput,
} from './auth.inputs';
import { API_TOKEN_PREFIX, SESSION_TOKEN_PREFIX, hashPassword, hashToken, newToken, verifyPassword } from './secrets';
import { announceCredentialChange } from './credential-watch';
import { Session } from './session.entity';
import { SignInThrottleService } from './sign-in-throttle';
import { User } from './user.entity';

export const BOOTSTRAP_TOKEN_NAME = 'admin (SHIPLOG_ADMIN_TOKEN)';
/** Shown in place of the token's first characters: the value is the operator's secret, and may be a weak one. */
const BOOTSTRAP_TOKEN_PREFIX = 'SHIPLOG_ADMIN_TOKEN';

@injectable()
export class AuthService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    private readonly audit: AuditService,
    private readonly throttle: SignInThrottleService,
  ) {}

  /** The caller of a request, from its `Authorization: Bearer …` value. Never throws: refusals come when data is asked for. */
  async authenticate(authorization: string | undefined | null): Promise<Access> {
    if (!authorization) return new Access(null);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return new Access(null, "The Authorization header must be 'Bearer <token>'");
    const token = match[1];
    const tokenHash = hashToken(token);
    if (token.startsWith(SESSION_TOKEN_PREFIX)) {
      return sessionAccess(
        await this.dataSource.getRepository(Session).findOne({ where: { tokenHash }, relations: { user: true } }),
      );
    }
    return apiTokenAccess(await this.dataSource.getRepository(ApiToken).findOneBy({ tokenHash }));
  }

  /**
   * What the credentials of principals that were authenticated earlier stand for now, by `credentialKey`: two
   * indexed reads however many there are, for checking open connections again.
   */
  async reauthenticate(principals: readonly Principal[]): Promise<Map<string, Access>> {
    const sessionIds = [...new Set(principals.flatMap((p) => (p.kind === 'USER' && p.sessionId ? [p.sessionId] : [])))];
    const tokenIds = [...new Set(principals.flatMap((p) => (p.kind === 'API_TOKEN' ? [p.id] : [])))];
    const sessions =
      sessionIds.length === 0
        ? []
        : await this.dataSource
            .getRepository(Session)
            .createQueryBuilder('s')
            .leftJoinAndSelect('s.user', 'u')
            .where('s.id = ANY(:ids)', { ids: sessionIds })
            .getMany();
    const tokens =
      tokenIds.length === 0
        ? []
        : await this.dataSource
            .getRepository(ApiToken)
            .createQueryBuilder('k')
            .where('k.id = ANY(:ids)', { ids: tokenIds })
            .getMany();
    const found = new Map<string, Access>([
      ...sessions.map((session): [string, Access] => [`session:${session.id}`, sessionAccess(session)]),
      ...tokens.map((apiToken): [string, Access] => [`token:${apiToken.id}`, apiTokenAccess(apiToken)]),
    ]);
    return new Map(
      principals.map((principal) => {
        const key = credentialKey(principal);
        return [key, found.get(key) ?? (principal.kind === 'USER' ? sessionAccess(null) : apiTokenAccess(null))];
      }),
    );
  }

  /**
   * Checks a password, throttled per username and client address (see SignInThrottleService); a failure is audited,
   * with the username tried and the address, never the password.
   */
  private async verifyThrottled(username: string, password: string, address: string): Promise<User> {
    const attempt = await this.throttle.begin(username, address);
    const user = await this.dataSource.getRepository(User).findOneBy({ username });
    const valid = await verifyPassword(password, user?.passwordHash ?? null);
    const refusal = !user ? 'unknown user' : !valid ? 'wrong password' : user.disabledAt ? 'disabled' : null;
    if (refusal === null) {
      await attempt.succeeded();
      return user!;
    }
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, new Access(null), {
        action: 'user.sign-in-failed',
        subjectType: 'User',
        subjectId: user?.id ?? username,
        after: { username, address, refusal, throttledForSeconds: attempt.blockedForSeconds },
      }),
    );
    if (refusal === 'disabled') throw unauthenticated('This account is disabled; ask an admin');
    throw unauthenticated('Wrong username or password');
  }

  async signIn(username: string, password: string, address: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    const user = await this.verifyThrottled(username, password, address);
    const token = newToken(SESSION_TOKEN_PREFIX);
    const expiresAt = new Date(Date.now() + this.config.sessionTtlMs);
    await this.dataSource.transaction(async (manager) => {
      const session = await manager.getRepository(Session).save({ userId: user.id, tokenHash: hashToken(token), expiresAt });
      const access = new Access({ kind: 'USER', id: user.id, name: user.username, role: user.role, tenantIds: user.tenantIds });
      await this.audit.record(manager, access, {
        action: 'user.sign-in',
        subjectType: 'User',
        subjectId: user.id,
        after: { sessionId: session.id, expiresAt, address },
      });
    });
    return { token, expiresAt, user };
  }

  async signOut(access: Access): Promise<boolean> {
    const principal = access.require(Role.VIEWER);
    const sessionId = principal.sessionId;
    if (!sessionId) throw badInput('Only a signed-in session can sign out; revoke an API token instead');
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Session).update({ id: sessionId }, { revokedAt: new Date() });
      await announceCredentialChange(manager, { kind: 'session', id: sessionId });
      await this.audit.record(manager, access, {
        action: 'user.sign-out',
        subjectType: 'User',
        subjectId: principal.id,
        after: { sessionId },
      });
    });
    return true;
  }

  /** Tenant ids for the slugs, each one visible to the caller; null (every tenant) when no list is given. */
  private async scopeFor(
    access: Access,
    manager: EntityManager,
    tenantSlugs: string[] | null | undefined,
  ): Promise<string[] | null> {
    const principal = access.require(Role.ADMIN);
    if (tenantSlugs === null || tenantSlugs === undefined) {
      if (principal.tenantIds !== null)
        throw forbidden('You are limited to some tenants, so what you create must name them in tenantSlugs');
      return null;
    }
    if (tenantSlugs.length === 0) throw badInput('tenantSlugs must name at least one tenant; leave it out for every tenant');
    const tenants = await manager.getRepository(Tenant).findBy({ slug: In(tenantSlugs) });
    const visible = new Map(tenants.filter((tenant) => access.canSeeTenant(tenant.id)).map((tenant) => [tenant.slug, tenant.id]));
    const missing = tenantSlugs.find((slug) => !visible.has(slug));
    if (missing !== undefined) throw notFound('Tenant', missing);
    return [...new Set(tenantSlugs.map((slug) => visible.get(slug)!))];
  }

  private assertRoleGrantable(access: Access, role: Role): void {
    const principal = access.require(Role.ADMIN);
    if (!roleIncludes(principal.role, role)) throw forbidden(`You cannot grant ${role}`);
  }

  async createUser(access: Access, input: CreateUserInput): Promise<User> {
    this.assertRoleGrantable(access, input.role);
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tenantIds = await this.scopeFor(access, manager, input.tenantSlugs);
        const users = manager.getRepository(User);
        if (await users.existsBy({ username: input.username })) throw conflict(`A user named '${input.username}' already exists`);
        const user = await users.save(users.create({ username: input.username, passwordHash, role: input.role, tenantIds }));
        await this.audit.record(manager, access, {
          action: 'user.create',
          subjectType: 'User',
          subjectId: user.id,
          after: { id: user.id, username: user.username, role: user.role, tenantIds },
        });
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A user named '${input.username}' already exists`);
      throw error;
    }
  }

  /** A user the caller may manage (every tenant it reaches is one the caller reaches), locked; else NOT_FOUND. */
  private async requireManagedUser(principal: Principal, manager: EntityManager, id: string): Promise<User> {
    const user = isId(id)
      ? await manager.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!user || !this.canManage(principal, user.tenantIds)) throw notFound('User', id);
    return user;
  }

  /** Ends a user's sessions (all, or all but one) and announces it, so their open connections close too. */
  private async endSessions(manager: EntityManager, userId: string, except?: string): Promise<number> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, ended] = await manager.query<[unknown[], number]>(
      `UPDATE user_session SET revoked_at = now()
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [userId, except ?? null],
    );
    await announceCredentialChange(manager, { kind: 'user', id: userId });
    return ended;
  }

  async updateUser(access: Access, input: UpdateUserInput): Promise<User> {
    const principal = access.require(Role.ADMIN);
    if (input.role != null) this.assertRoleGrantable(access, input.role);
    if (input.tenantSlugs != null && input.allTenants) throw badInput('Give either tenantSlugs or allTenants, not both');
    try {
      return await this.dataSource.transaction(async (manager) => {
        const users = manager.getRepository(User);
        const user = await this.requireManagedUser(principal, manager, input.id);
        const changesGrant =
          input.disabled === true || input.role != null || input.tenantSlugs != null || Boolean(input.allTenants);
        if (principal.kind === 'USER' && principal.id === user.id && changesGrant) {
          throw badInput('You cannot disable yourself or change your own role or tenants; ask another admin');
        }
        const before = userSnapshot(user);
        if (input.username != null && input.username !== user.username) {
          if (await users.existsBy({ username: input.username }))
            throw conflict(`A user named '${input.username}' already exists`);
          user.username = input.username;
        }
        if (input.role != null) user.role = input.role;
        if (input.tenantSlugs != null) user.tenantIds = await this.scopeFor(access, manager, input.tenantSlugs);
        if (input.allTenants) user.tenantIds = await this.scopeFor(access, manager, null);
        const disabling = input.disabled === true && user.disabledAt == null;
        const enabling = input.disabled === false && user.disabledAt != null;
        if (disabling) user.disabledAt = new Date();
        if (enabling) user.disabledAt = null;
        const saved = await users.save(user);
        const sessionsEnded = disabling ? await this.endSessions(manager, user.id) : 0;
        // Open connections of the user are checked again: a changed name, role or tenants makes them reconnect.
        if (!disabling) await announceCredentialChange(manager, { kind: 'user', id: user.id });
        await this.audit.record(manager, access, {
          action: disabling ? 'user.disable' : enabling ? 'user.enable' : 'user.update',
          subjectType: 'User',
          subjectId: user.id,
          before,
          after: { ...(userSnapshot(saved) as object), ...(disabling ? { sessionsEnded } : {}) },
        });
        return saved;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A user named '${input.username}' already exists`);
      throw error;
    }
  }

  /** The caller's own password; its other sessions end, this one goes on. */
  async changePassword(access: Access, input: ChangePasswordInput, address: string): Promise<User> {
    const principal = access.require(Role.VIEWER);
    if (principal.kind !== 'USER' || !principal.sessionId) {
      throw badInput('Only a signed-in user has a password to change');
    }
    const sessionId = principal.sessionId;
    // Guesses at the current password count as failed sign-ins: a stolen session must not become a password oracle.
    try {
      await this.verifyThrottled(principal.name, input.currentPassword, address);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.UNAUTHENTICATED) {
        throw badInput('The current password is not right', { field: 'currentPassword' });
      }
      throw error;
    }
    if (input.newPassword === input.currentPassword) throw badInput('The new password must differ from the current one');
    const passwordHash = await hashPassword(input.newPassword);
    return this.dataSource.transaction(async (manager) => {
      const user = await manager
        .getRepository(User)
        .findOne({ where: { id: principal.id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw unauthenticated('Your session has ended; sign in again');
      user.passwordHash = passwordHash;
      const saved = await manager.getRepository(User).save(user);
      const sessionsEnded = await this.endSessions(manager, user.id, sessionId);
      await this.audit.record(manager, access, {
        action: 'user.change-password',
        subjectType: 'User',
        subjectId: user.id,
        after: { sessionsEnded },
      });
      return saved;
    });
  }

  /** An admin sets another user's password; every session of that user ends. */
  async resetUserPassword(access: Access, input: ResetUserPasswordInput): Promise<User> {
    const principal = access.require(Role.ADMIN);
    const passwordHash = await hashPassword(input.newPassword);
    return this.dataSource.transaction(async (manager) => {
      const user = await this.requireManagedUser(principal, manager, input.id);
      if (principal.kind === 'USER' && principal.id === user.id) {
        throw badInput('Use changePassword for your own password');
      }
      user.passwordHash = passwordHash;
      const saved = await manager.getRepository(User).save(user);
      const sessionsEnded = await this.endSessions(manager, user.id);
      await this.audit.record(manager, access, {
        action: 'user.reset-password',
        subjectType: 'User',
        subjectId: user.id,
        after: { sessionsEnded },
      });
      return saved;
    });
  }

  async createApiToken(access: Access, input: CreateApiTokenInput): Promise<ApiToken & { token: string }> {
    this.assertRoleGrantable(access, input.role);
    return this.dataSource.transaction(async (manager) => {
      const tenantIds = await this.scopeFor(access, manager, input.tenantSlugs);
      const token = newToken(API_TOKEN_PREFIX);
      const apiToken = await manager.getRepository(ApiToken).save({
        name: input.name,
        role: input.role,
        tenantIds,
        tokenHash: hashToken(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        createdBy: access.actor,
      });
      await this.audit.record(manager, access, {
        action: 'token.create',
        subjectType: 'ApiToken',
        subjectId: apiToken.id,
        after: { id: apiToken.id, name: apiToken.name, role: apiToken.role, tenantIds, prefix: apiToken.prefix },
      });
      return Object.assign(apiToken, { token });
    });
  }

  /** A token the caller could have created: every tenant it reaches must be one the caller reaches too. */
  private canManage(principal: Principal, tenantIds: string[] | null): boolean {
    if (principal.tenantIds === null) return true;
    return tenantIds !== null && tenantIds.every((id) => principal.tenantIds!.includes(id));
  }

  async revokeApiToken(access: Access, id: string): Promise<ApiToken> {
    const principal = access.require(Role.ADMIN);
    return this.dataSource.transaction(async (manager) => {
      const tokens = manager.getRepository(ApiToken);
      const apiToken = isId(id) ? await tokens.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!apiToken || !this.canManage(principal, apiToken.tenantIds)) throw notFound('API token', id);
      if (apiToken.revokedAt) return apiToken;
      apiToken.revokedAt = new Date();
      const saved = await tokens.save(apiToken);
      await announceCredentialChange(manager, { kind: 'token', id: apiToken.id });
      await this.audit.record(manager, access, {
        action: 'token.revoke',
        subjectType: 'ApiToken',
        subjectId: apiToken.id,
        before: { revokedAt: null },
        after: { revokedAt: saved.revokedAt },
      });
      return saved;
    });
  }

  listApiTokens(access: Access, args: PageArgs) {
    const principal = access.require(Role.ADMIN);
    const query = this.dataSource.getRepository(ApiToken).createQueryBuilder('k');
    if (principal.tenantIds !== null) query.where('k.tenant_ids <@ :scope', { scope: principal.tenantIds });
    return paginate(
      query,
      args,
      [
        { expression: 'k.name', direction: 'ASC', value: (k) => k.name },
        { expression: 'k.id', direction: 'ASC', value: (k) => k.id },
      ],
      this.config.maxPageSize,
    );
  }

  listUsers(access: Access, args: PageArgs) {
    const principal = access.require(Role.ADMIN);
    const query = this.dataSource.getRepository(User).createQueryBuilder('u');
    if (principal.tenantIds !== null) query.where('u.tenant_ids <@ :scope', { scope: principal.tenantIds });
    return paginate(
      query,
      args,
      [
        { expression: 'u.username', direction: 'ASC', value: (u) => u.username },
        { expression: 'u.id', direction: 'ASC', value: (u) => u.id },
      ],
      this.config.maxPageSize,
    );
  }

  /** SHIPLOG_ADMIN_TOKEN: make sure an active, unscoped ADMIN token with this value exists. */
  async ensureAdminToken(token: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const tokens = manager.getRepository(ApiToken);
      const tokenHash = hashToken(token);
      const existing = await tokens.findOneBy({ tokenHash });
      if (existing && !existing.revokedAt && existing.role === Role.ADMIN && existing.tenantIds === null) {
        // Older versions stored the secret's first characters here.
        if (existing.prefix !== BOOTSTRAP_TOKEN_PREFIX) await tokens.update(existing.id, { prefix: BOOTSTRAP_TOKEN_PREFIX });
        return;
      }
      const saved = await tokens.save({
        ...(existing ?? {}),
        name: BOOTSTRAP_TOKEN_NAME,
        role: Role.ADMIN,
        tenantIds: null,
        tokenHash,
        prefix: BOOTSTRAP_TOKEN_PREFIX,
        createdBy: 'system',
        revokedAt: null,
      });
      await this.audit.record(manager, Access.system(), {
        action: existing ? 'token.restore' : 'token.create',
        subjectType: 'ApiToken',
        subjectId: saved.id,
        before: existing ? snapshot({ ...existing, tokenHash: undefined }) : null,
        after: { id: saved.id, name: saved.name, role: saved.role },
      });
    });
  }
}

/** The caller behind a session token's row (with its user), or the reason it is refused. */
function sessionAccess(session: Session | null): Access {
  if (!session || session.revokedAt || !session.user) return new Access(null, 'Your session has ended; sign in again');
  if (session.expiresAt.getTime() <= Date.now()) return new Access(null, 'Your session has expired; sign in again');
  if (session.user.disabledAt) return new Access(null, 'Your account is disabled');
  const { user } = session;
  return new Access({
    kind: 'USER',
    id: user.id,
    name: user.username,
    role: user.role,
    tenantIds: user.tenantIds,
    sessionId: session.id,
    expiresAt: session.expiresAt,
  });
}

/** The caller behind an API token's row, or the reason it is refused. */
function apiTokenAccess(apiToken: ApiToken | null): Access {
  if (!apiToken || apiToken.revokedAt) return new Access(null, 'The API token is not valid or has been revoked');
  return new Access({
    kind: 'API_TOKEN',
    id: apiToken.id,
    name: apiToken.name,
    role: apiToken.role,
    tenantIds: apiToken.tenantIds,
  });
}

/** A user for the audit log: never the password hash. */
function userSnapshot(user: User): unknown {
  return snapshot({
    id: user.id,
    username: user.username,
    role: user.role,
    tenantIds: user.tenantIds,
    disabledAt: user.disabledAt,
  });
}
