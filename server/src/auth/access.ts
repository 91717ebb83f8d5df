import { forbidden, unauthenticated } from '../common/errors';
import { Role, roleIncludes } from '../common/roles';

export interface Principal {
  kind: 'USER' | 'API_TOKEN' | 'SYSTEM';
  id: string;
  /** Username or token name, as shown in the audit log. */
  name: string;
  role: Role;
  /** The tenants the principal is limited to; null means every tenant. */
  tenantIds: string[] | null;
  sessionId?: string;
  /** When the session ends; a live connection signed in with it is closed then. */
  expiresAt?: Date;
}

/** Names the credential behind a principal: its session, or its API token. */
export function credentialKey(principal: Principal): string {
  return principal.kind === 'USER' ? `session:${principal.sessionId}` : `token:${principal.id}`;
}

/** Whether two principals of one credential grant the same: same name, role and tenants. */
export function sameGrant(a: Principal, b: Principal): boolean {
  const tenants = (p: Principal) => (p.tenantIds === null ? null : [...p.tenantIds].sort().join(','));
  return a.name === b.name && a.role === b.role && tenants(a) === tenants(b);
}

/** The caller of one request, with the checks every service method starts with. */
export class Access {
  constructor(
    readonly principal: Principal | null,
    /** Why there is no principal, told to the caller. */
    readonly refusal = 'Sign in or send a valid API token',
  ) {}

  static system(): Access {
    return new Access({ kind: 'SYSTEM', id: 'system', name: 'system', role: Role.ADMIN, tenantIds: null });
  }

  /** The caller, who must hold at least `role`. */
  require(role: Role): Principal {
    const principal = this.principal;
    if (!principal) throw unauthenticated(this.refusal);
    if (!roleIncludes(principal.role, role)) {
      throw forbidden(`This needs the ${role} role; you have ${principal.role}`);
    }
    return principal;
  }

  /** As `require`, and the caller must not be limited to some tenants. */
  requireUnscoped(role: Role): Principal {
    const principal = this.require(role);
    if (principal.tenantIds !== null) throw forbidden('This needs access to every tenant; yours is limited to some');
    return principal;
  }

  canSeeTenant(tenantId: string): boolean {
    const principal = this.principal;
    return principal !== null && (principal.tenantIds === null || principal.tenantIds.includes(tenantId));
  }

  /** The tenant ids the caller is limited to, or null when it may see every tenant. */
  tenantScope(): string[] | null {
    return this.require(Role.VIEWER).tenantIds;
  }

  get actor(): string {
    const principal = this.principal;
    if (!principal) return 'anonymous';
    if (principal.kind === 'SYSTEM') return 'system';
    return principal.kind === 'USER' ? `user:${principal.name}` : `token:${principal.name}`;
  }
}
