/** The GraphQL API with the admin token: how fixtures create the data a test needs. */

export type Role = 'ADMIN' | 'RELEASE_MANAGER' | 'OPERATOR' | 'VIEWER';

export interface Label {
  key: string;
  value: string;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  blocked: boolean;
  labels: Label[];
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export class GraphQLRequestError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: { message: string; extensions?: { code?: string } }[],
  ) {
    super(`${operation} failed: ${errors.map((e) => `${e.message} (${e.extensions?.code ?? 'no code'})`).join('; ')}`);
  }
}

export class ShiplogApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<T>(operation: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLResponse<T>;
    if (body.errors?.length) throw new GraphQLRequestError(operation, body.errors);
    if (!response.ok || !body.data) throw new Error(`${operation} failed with HTTP ${response.status}`);
    return body.data;
  }

  async createEnvironmentTier(input: {
    name: string;
    rank: number;
    requiredTiers?: string[];
    requireVerification?: boolean;
  }): Promise<{ name: string }> {
    const data = await this.request<{ createEnvironmentTier: { name: string } }>(
      'createEnvironmentTier',
      `mutation ($input: CreateEnvironmentTierInput!) { createEnvironmentTier(input: $input) { id name } }`,
      { input },
    );
    return data.createEnvironmentTier;
  }

  async createTenant(input: { slug: string; name: string; labels?: Label[]; contacts?: string[] }): Promise<Tenant> {
    const data = await this.request<{ createTenant: Tenant }>(
      'createTenant',
      `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { id slug name blocked labels { key value } } }`,
      { input },
    );
    return data.createTenant;
  }

  async updateTenant(input: { slug: string; name?: string; blocked?: boolean; labels?: Label[] }): Promise<Tenant> {
    const data = await this.request<{ updateTenant: Tenant }>(
      'updateTenant',
      `mutation ($input: UpdateTenantInput!) { updateTenant(input: $input) { id slug name blocked labels { key value } } }`,
      { input },
    );
    return data.updateTenant;
  }

  async createInstallation(input: {
    tenantSlug: string;
    slug: string;
    name: string;
    tier: string;
    labels?: Label[];
    driverConfig?: Record<string, unknown>;
    requiresApproval?: boolean;
  }): Promise<{ id: string; slug: string }> {
    const data = await this.request<{ createInstallation: { id: string; slug: string } }>(
      'createInstallation',
      `mutation ($input: CreateInstallationInput!) { createInstallation(input: $input) { id slug } }`,
      { input },
    );
    return data.createInstallation;
  }

  async updateInstallation(input: {
    tenantSlug: string;
    slug: string;
    labels?: Label[];
    driverConfig?: Record<string, unknown>;
    requiresApproval?: boolean;
    frozen?: boolean;
  }): Promise<{ id: string; slug: string }> {
    const data = await this.request<{ updateInstallation: { id: string; slug: string } }>(
      'updateInstallation',
      `mutation ($input: UpdateInstallationInput!) { updateInstallation(input: $input) { id slug } }`,
      { input },
    );
    return data.updateInstallation;
  }

  async createUser(input: {
    username: string;
    password: string;
    role: Role;
    tenantSlugs?: string[];
  }): Promise<{ username: string }> {
    const data = await this.request<{ createUser: { username: string } }>(
      'createUser',
      `mutation ($input: CreateUserInput!) { createUser(input: $input) { id username role } }`,
      { input },
    );
    return data.createUser;
  }

  async createApplication(input: { slug: string; name: string; description?: string }): Promise<{ id: string; slug: string }> {
    const data = await this.request<{ createApplication: { id: string; slug: string } }>(
      'createApplication',
      `mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { id slug } }`,
      { input },
    );
    return data.createApplication;
  }

  async registerArtifact(input: {
    applicationSlug: string;
    version: string;
    imageRef: string;
    digest?: string;
    commitSha?: string;
    buildUrl?: string;
  }): Promise<{ id: string; version: string }> {
    const data = await this.request<{ registerArtifact: { id: string; version: string } }>(
      'registerArtifact',
      `mutation ($input: RegisterArtifactInput!) { registerArtifact(input: $input) { id version } }`,
      { input },
    );
    return data.registerArtifact;
  }

  async createReleaseTrack(input: { slug: string; name: string; description?: string }): Promise<{ id: string; slug: string }> {
    const data = await this.request<{ createReleaseTrack: { id: string; slug: string } }>(
      'createReleaseTrack',
      `mutation ($input: CreateReleaseTrackInput!) { createReleaseTrack(input: $input) { id slug } }`,
      { input },
    );
    return data.createReleaseTrack;
  }

  async createRelease(input: {
    trackSlug: string;
    version: string;
    instructions?: string;
  }): Promise<{ id: string; version: string }> {
    const data = await this.request<{ createRelease: { id: string; version: string } }>(
      'createRelease',
      `mutation ($input: CreateReleaseInput!) { createRelease(input: $input) { id version } }`,
      { input },
    );
    return data.createRelease;
  }

  async setReleaseComponents(input: {
    releaseId: string;
    components: { applicationSlug: string; artifactVersion?: string; stage: number; instructions?: string }[];
  }): Promise<{ id: string }> {
    const data = await this.request<{ setReleaseComponents: { id: string } }>(
      'setReleaseComponents',
      `mutation ($input: SetReleaseComponentsInput!) { setReleaseComponents(input: $input) { id } }`,
      { input },
    );
    return data.setReleaseComponents;
  }

  async lockRelease(releaseId: string): Promise<{ id: string; status: string }> {
    const data = await this.request<{ lockRelease: { id: string; status: string } }>(
      'lockRelease',
      `mutation ($input: LockReleaseInput!) { lockRelease(input: $input) { id status } }`,
      { input: { releaseId } },
    );
    return data.lockRelease;
  }

  async unlockRelease(releaseId: string, reason: string): Promise<{ id: string; status: string }> {
    const data = await this.request<{ unlockRelease: { id: string; status: string } }>(
      'unlockRelease',
      `mutation ($input: UnlockReleaseInput!) { unlockRelease(input: $input) { id status } }`,
      { input: { releaseId, reason } },
    );
    return data.unlockRelease;
  }

  async startRollout(input: {
    releaseId: string;
    installationIds: string[];
    reason: string;
    failurePolicy?: 'PAUSE' | 'ROLLBACK' | 'CONTINUE';
    maxParallel?: number;
  }): Promise<{ id: string }> {
    const data = await this.request<{ startRollout: { id: string } }>(
      'startRollout',
      `mutation ($input: StartRolloutInput!) { startRollout(input: $input) { id } }`,
      { input },
    );
    return data.startRollout;
  }

  async rolloutStatus(id: string): Promise<string> {
    const data = await this.request<{ rollout: { status: string } | null }>(
      'rollout',
      `query ($id: ID!) { rollout(id: $id) { id status } }`,
      { id },
    );
    if (!data.rollout) throw new Error(`There is no rollout ${id}`);
    return data.rollout.status;
  }

  /** Polls a rollout until it reaches one of `statuses`; throws if it ends in another status or takes too long. */
  async waitForRollout(id: string, statuses: string[] = ['SUCCEEDED'], timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.rolloutStatus(id);
      if (statuses.includes(status)) return status;
      if (['SUCCEEDED', 'FAILED', 'ABORTED'].includes(status)) throw new Error(`Rollout ${id} ended ${status}`);
      if (Date.now() > deadline) throw new Error(`Rollout ${id} still ${status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The deployment that put the application's running version on the installation. */
  async runningDeployment(installationId: string, applicationSlug: string): Promise<string> {
    const data = await this.request<{
      installation: { running: { application: { slug: string }; deployment: { id: string } }[] } | null;
    }>('installation', `query ($id: ID!) { installation(id: $id) { id running { application { slug } deployment { id } } } }`, {
      id: installationId,
    });
    const entry = data.installation?.running.find((r) => r.application.slug === applicationSlug);
    if (!entry) throw new Error(`${applicationSlug} does not run on installation ${installationId}`);
    return entry.deployment.id;
  }

  async deployments(filter: Record<string, unknown>): Promise<{ id: string; status: string; application: { slug: string } }[]> {
    const data = await this.request<{ deployments: { nodes: { id: string; status: string; application: { slug: string } }[] } }>(
      'deployments',
      `query ($filter: DeploymentFilter) { deployments(first: 100, filter: $filter) { nodes { id status application { slug } } } }`,
      { filter },
    );
    return data.deployments.nodes;
  }

  async recordVerification(input: {
    deploymentId: string;
    status: 'PASSED' | 'FAILED';
    source: string;
    url?: string;
  }): Promise<{ id: string }> {
    const data = await this.request<{ recordVerification: { id: string } }>(
      'recordVerification',
      `mutation ($input: RecordVerificationInput!) { recordVerification(input: $input) { id } }`,
      { input },
    );
    return data.recordVerification;
  }

  /** Whether a session token is still accepted, from the outside. */
  static async isAccepted(baseUrl: string, token: string): Promise<boolean> {
    try {
      await new ShiplogApi(baseUrl, token).request('viewer', '{ viewer { id } }');
      return true;
    } catch (error) {
      if (error instanceof GraphQLRequestError && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED'))
        return false;
      throw error;
    }
  }
}
