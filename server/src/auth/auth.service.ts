import { inject, injectable } from 'tsyringe';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AuditService, snapshot } from '../audit/audit.service';
import { badInput, conflict, forbidden, isUniqueViolation, notFound, unauthenticated } from '../common/errors';
import { isId } from '../common/ids';
import { paginate, type PageArgs } from '../common/pagination';
import { Role, roleIncludes } from '../common/roles';
import type { Config } from '../config';
import { Tenant } from '../modules/tenant/tenant.entity';
import { CONFIG } from '../tokens';
import { Access, type Principal } from './access';
import { ApiToken } from './api-token.entity';
import type { CreateApiTokenInput, CreateUserInput } from './auth.inputs';
import { API_TOKEN_PREFIX, SESSION_TOKEN_PREFIX, hashPassword, hashToken, newToken, verifyPassword } from './secrets';
import { Session } from './session.entity';
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
  ) {}

  /** The caller of a request, from its `Authorization: Bearer …` value. Never throws: refusals come when data is asked for. */
  async authenticate(authorization: string | undefined | null): Promise<Access> {
    if (!authorization) return new Access(null);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return new Access(null, "The Authorization header must be 'Bearer <token>'");
    const token = match[1];
    const tokenHash = hashToken(token);
    if (token.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = await this.dataSource.getRepository(Session).findOne({ where: { tokenHash }, relations: { user: true } });
      if (!session || session.revokedAt || !session.user) return new Access(null, 'Your session has ended; sign in again');
      if (session.expiresAt.getTime() <= Date.now()) return new Access(null, 'Your session has expired; sign in again');
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
    const apiToken = await this.dataSource.getRepository(ApiToken).findOneBy({ tokenHash });
    if (!apiToken || apiToken.revokedAt) return new Access(null, 'The API token is not valid or has been revoked');
    return new Access({
      kind: 'API_TOKEN',
      id: apiToken.id,
      name: apiToken.name,
      role: apiToken.role,
      tenantIds: apiToken.tenantIds,
    });
  }

  async signIn(username: string, password: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    const user = await this.dataSource.getRepository(User).findOneBy({ username });
    const valid = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !valid) throw unauthenticated('Wrong username or password');
    const token = newToken(SESSION_TOKEN_PREFIX);
    const expiresAt = new Date(Date.now() + this.config.sessionTtlMs);
    await this.dataSource.transaction(async (manager) => {
      const session = await manager.getRepository(Session).save({ userId: user.id, tokenHash: hashToken(token), expiresAt });
      const access = new Access({ kind: 'USER', id: user.id, name: user.username, role: user.role, tenantIds: user.tenantIds });
      await this.audit.record(manager, access, {
        action: 'user.sign-in',
        subjectType: 'User',
        subjectId: user.id,
        after: { sessionId: session.id, expiresAt },
      });
    });
    return { token, expiresAt, user };
  }

  async signOut(access: Access): Promise<boolean> {
    const principal = access.require(Role.VIEWER);
    if (!principal.sessionId) throw badInput('Only a signed-in session can sign out; revoke an API token instead');
    await this.dataSource.getRepository(Session).update({ id: principal.sessionId }, { revokedAt: new Date() });
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
