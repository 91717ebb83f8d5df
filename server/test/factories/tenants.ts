import { randomBytes } from 'node:crypto';
import { dataOf, type TestServer } from '../support/server';

/** Builders for tiers, tenants, installations and the principals that reach them, all through the API. */

export interface LabelPair {
  key: string;
  value: string;
}

export type Role = 'ADMIN' | 'RELEASE_MANAGER' | 'OPERATOR' | 'VIEWER';
export type Driver = 'SIMULATED' | 'WEBHOOK' | 'MANUAL';

let sequence = 0;

/** A slug or name no other builder call in this test file has used. */
export function uniqueSlug(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

export const TIER_FIELDS = 'id name rank requiredTiers requireVerification';
export const TENANT_FIELDS = 'id slug name blocked contacts labels { key value }';
export const INSTALLATION_FIELDS =
  'id slug name driver driverConfig requiresApproval frozen tenant { slug } tier { name } labels { key value }';

export const CREATE_TIER = `mutation ($input: CreateEnvironmentTierInput!) { createEnvironmentTier(input: $input) { ${TIER_FIELDS} } }`;
export const CREATE_TENANT = `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { ${TENANT_FIELDS} } }`;
export const UPDATE_TENANT = `mutation ($input: UpdateTenantInput!) { updateTenant(input: $input) { ${TENANT_FIELDS} } }`;
export const CREATE_INSTALLATION = `mutation ($input: CreateInstallationInput!) { createInstallation(input: $input) { ${INSTALLATION_FIELDS} } }`;
export const UPDATE_INSTALLATION = `mutation ($input: UpdateInstallationInput!) { updateInstallation(input: $input) { ${INSTALLATION_FIELDS} } }`;
export const CREATE_USER = `mutation ($input: CreateUserInput!) { createUser(input: $input) { id username role tenants { slug } } }`;
export const CREATE_API_TOKEN = `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { id name role token tenants { slug } } }`;

export interface Tier {
  id: string;
  name: string;
  rank: number;
  requiredTiers: string[];
  requireVerification: boolean;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  blocked: boolean;
  contacts: string[];
  labels: LabelPair[];
}

export interface Installation {
  id: string;
  slug: string;
  name: string;
  driver: Driver;
  driverConfig: Record<string, unknown>;
  requiresApproval: boolean;
  frozen: boolean;
  tenant: { slug: string };
  tier: { name: string };
  labels: LabelPair[];
}

/** A caller with a bearer token: a signed-in user or an API token. */
export interface Caller {
  id: string;
  name: string;
  token: string;
}

export interface TierInput {
  name: string;
  rank: number;
  requiredTiers?: string[];
  requireVerification?: boolean;
}

export async function createTier(server: TestServer, input: TierInput, token?: string): Promise<Tier> {
  const response = await server.gql<{ createEnvironmentTier: Tier }>(CREATE_TIER, { input }, token);
  return dataOf(response).createEnvironmentTier;
}

export interface TenantInput {
  slug?: string;
  name?: string;
  labels?: LabelPair[];
  contacts?: string[];
}

export async function createTenant(server: TestServer, input: TenantInput = {}, token?: string): Promise<Tenant> {
  const slug = input.slug ?? uniqueSlug('tenant');
  const response = await server.gql<{ createTenant: Tenant }>(
    CREATE_TENANT,
    { input: { name: `Tenant ${slug}`, labels: [], ...input, slug } },
    token,
  );
  return dataOf(response).createTenant;
}

export interface InstallationInput {
  tenantSlug: string;
  tier: string;
  slug?: string;
  name?: string;
  labels?: LabelPair[];
  driver?: Driver;
  driverConfig?: Record<string, unknown>;
  requiresApproval?: boolean;
}

export async function createInstallation(server: TestServer, input: InstallationInput, token?: string): Promise<Installation> {
  const slug = input.slug ?? uniqueSlug('inst');
  const response = await server.gql<{ createInstallation: Installation }>(
    CREATE_INSTALLATION,
    { input: { name: `Installation ${slug}`, ...input, slug } },
    token,
  );
  return dataOf(response).createInstallation;
}

export interface PrincipalInput {
  role: Role;
  /** Leave out for every tenant. */
  tenantSlugs?: string[];
  name?: string;
}

/** Creates a user (as `token`, the admin by default) and signs in as that user; the session token is the caller's. */
export async function createSignedInUser(server: TestServer, input: PrincipalInput, token?: string): Promise<Caller> {
  const username = input.name ?? uniqueSlug(`user-${input.role.toLowerCase().replace('_', '-')}`);
  const password = randomBytes(16).toString('hex');
  const created = await server.gql<{ createUser: { id: string } }>(
    CREATE_USER,
    { input: { username, password, role: input.role, tenantSlugs: input.tenantSlugs } },
    token,
  );
  const { id } = dataOf(created).createUser;
  const signedIn = await server.gql<{ signIn: { token: string } }>(
    'mutation ($input: SignInInput!) { signIn(input: $input) { token } }',
    { input: { username, password } },
    null,
  );
  return { id, name: username, token: dataOf(signedIn).signIn.token };
}

export async function createApiToken(server: TestServer, input: PrincipalInput, token?: string): Promise<Caller> {
  const name = input.name ?? uniqueSlug(`token-${input.role.toLowerCase()}`);
  const response = await server.gql<{ createApiToken: { id: string; token: string } }>(
    CREATE_API_TOKEN,
    { input: { name, role: input.role, tenantSlugs: input.tenantSlugs } },
    token,
  );
  const created = dataOf(response).createApiToken;
  return { id: created.id, name, token: created.token };
}

export interface AuditEventView {
  id: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  subjectType?: string;
  subjectId?: string;
}

/** Audit events matching `filter`, newest first, as `token` (the admin by default) sees them. */
export async function auditEvents(
  server: TestServer,
  filter: AuditFilter,
  token?: string,
): Promise<{ totalCount: number; nodes: AuditEventView[] }> {
  const response = await server.gql<{ auditEvents: { totalCount: number; nodes: AuditEventView[] } }>(
    `query ($filter: AuditEventFilter) {
      auditEvents(first: 100, filter: $filter) { totalCount nodes { id actor action subjectType subjectId before after } }
    }`,
    { filter },
    token,
  );
  return dataOf(response).auditEvents;
}

/** The actor the admin token of the test server is recorded as. */
export const ADMIN_ACTOR = 'token:admin (SHIPLOG_ADMIN_TOKEN)';
