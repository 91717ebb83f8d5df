import {
  ARTIFACT_FIELDS,
  artifactInput,
  createApplication,
  createApplicationWithArtifacts,
  registerArtifact,
  uniqueSlug,
  type ArtifactData,
} from '../factories/catalog';
import { createPrincipalsByRole, type RoleName, type TestPrincipal } from '../factories/principals';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

const CREATE_APPLICATION = `mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { id slug name description } }`;
const REGISTER_ARTIFACT = `mutation ($input: RegisterArtifactInput!) { registerArtifact(input: $input) { ${ARTIFACT_FIELDS} } }`;
const APPLICATION = `query ($slug: String!) { application(slug: $slug) { id slug name } }`;
const ARTIFACT_PAGE = `
  query ($slug: String!, $first: Int, $after: String) {
    application(slug: $slug) {
      artifacts(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id version }
      }
    }
  }
`;
interface ArtifactPage {
  application: {
    artifacts: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: { id: string; version: string }[];
    };
  };
}
const AUDIT_COUNT = `
  query ($filter: AuditEventFilter) { auditEvents(filter: $filter) { totalCount nodes { action actor subjectId } } }
`;

let server: TestServer;
let principals: Record<RoleName, TestPrincipal>;

beforeAll(async () => {
  server = await startTestServer();
  principals = await createPrincipalsByRole(server);
});
afterAll(() => server.close());

async function applicationExists(slug: string): Promise<boolean> {
  const { application } = dataOf(await server.gql<{ application: unknown }>(APPLICATION, { slug }));
  return application !== null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('applications', () => {
  it('creates an application for a release manager and finds it by slug', async () => {
    const slug = uniqueSlug('billing');
    const response = await server.gql(
      CREATE_APPLICATION,
      { input: { slug, name: 'Billing', description: 'Invoices' } },
      principals.RELEASE_MANAGER.token,
    );
    expect(dataOf(response).createApplication).toEqual({
      id: expect.any(String),
      slug,
      name: 'Billing',
      description: 'Invoices',
    });
    const found = dataOf(await server.gql(APPLICATION, { slug }, principals.VIEWER.token));
    expect(found.application).toEqual({ id: response.data!.createApplication.id, slug, name: 'Billing' });
  });

  it('refuses a slug that is already taken', async () => {
    const existing = await createApplication(server);
    const response = await server.gql(CREATE_APPLICATION, { input: { slug: existing.slug, name: 'Another' } });
    expect(errorCode(response)).toBe('CONFLICT');
    expect(response.errors![0].message).toContain(existing.slug);
  });

  it.each(['Billing', 'billing service', '-billing', 'billing-', 'billing_service', '', 'a'.repeat(64)])(
    'refuses the malformed slug %p',
    async (slug) => {
      const response = await server.gql(CREATE_APPLICATION, { input: { slug, name: 'Billing' } });
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.data).toBeNull();
      if (slug) expect(await applicationExists(slug)).toBe(false);
    },
  );

  it.each(['VIEWER', 'OPERATOR'] as const)('refuses to create an application for the %s role', async (role) => {
    const slug = uniqueSlug('forbidden');
    const response = await server.gql(CREATE_APPLICATION, { input: { slug, name: 'Nope' } }, principals[role].token);
    expect(errorCode(response)).toBe('FORBIDDEN');
    expect(await applicationExists(slug)).toBe(false);
  });

  it('refuses a caller without a token', async () => {
    const slug = uniqueSlug('anonymous');
    const response = await server.gql(CREATE_APPLICATION, { input: { slug, name: 'Nope' } }, null);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(await applicationExists(slug)).toBe(false);
  });
});

describe('artifacts', () => {
  it('lets an operator register an artifact and records who did', async () => {
    const application = await createApplication(server);
    const input = artifactInput(application.slug, '1.4.2');
    const response = await server.gql(REGISTER_ARTIFACT, { input }, principals.OPERATOR.token);
    expect(dataOf(response).registerArtifact).toEqual({
      id: expect.any(String),
      version: '1.4.2',
      imageRef: input.imageRef,
      digest: input.digest,
      commitSha: input.commitSha,
      buildUrl: input.buildUrl,
      registeredBy: principals.OPERATOR.actor,
      createdAt: expect.any(String),
    });
  });

  it('returns the same artifact when the same content is registered again, without a second audit event', async () => {
    const application = await createApplication(server);
    const input = artifactInput(application.slug, '2.0.0');
    const first = await registerArtifact(server, input, principals.OPERATOR.token);
    const again = await registerArtifact(server, input, principals.OPERATOR.token);
    expect(again).toEqual(first);

    const audit = dataOf(await server.gql(AUDIT_COUNT, { filter: { action: 'artifact.register', subjectId: first.id } }));
    expect(audit.auditEvents.totalCount).toBe(1);
    expect(audit.auditEvents.nodes[0]).toEqual({
      action: 'artifact.register',
      actor: principals.OPERATOR.actor,
      subjectId: first.id,
    });
  });

  it.each([
    ['another imageRef', 'imageRef', { imageRef: 'registry.example/other:2.0.0' }],
    ['another digest', 'digest', { digest: `sha256:${'0'.repeat(64)}` }],
    ['another commitSha', 'commitSha', { commitSha: 'abcdef0' }],
    ['another buildUrl', 'buildUrl', { buildUrl: 'https://ci.example/job/other/1' }],
    ['no digest', 'digest', { digest: null }],
  ])('refuses %s for a version that is already registered', async (_label, field, change) => {
    const application = await createApplication(server);
    const input = artifactInput(application.slug, '3.1.0');
    const original = await registerArtifact(server, input);

    const response = await server.gql(REGISTER_ARTIFACT, { input: { ...input, ...change } });
    expect(errorCode(response)).toBe('CONFLICT');
    expect(response.errors![0].extensions!.differingFields).toEqual([field]);

    const stored = dataOf(
      await server.gql(
        `query ($slug: String!, $version: String!) { artifact(applicationSlug: $slug, version: $version) { ${ARTIFACT_FIELDS} } }`,
        {
          slug: application.slug,
          version: '3.1.0',
        },
      ),
    );
    expect(stored.artifact).toEqual(original);
  });

  it('allows the same version in another application', async () => {
    const first = await createApplication(server);
    const second = await createApplication(server);
    const a = await registerArtifact(server, artifactInput(first.slug, '1.0.0'));
    const b = await registerArtifact(server, artifactInput(second.slug, '1.0.0'));
    expect(b.id).not.toBe(a.id);
  });

  it('refuses an unknown application', async () => {
    const response = await server.gql(REGISTER_ARTIFACT, { input: artifactInput(uniqueSlug('missing'), '1.0.0') });
    expect(errorCode(response)).toBe('NOT_FOUND');
  });

  it.each([
    ['digest', { digest: 'md5-not-a-digest' }],
    ['digest', { digest: 'sha256:XYZ' }],
    ['commitSha', { commitSha: 'ABCDEF0123' }],
    ['commitSha', { commitSha: 'abc12' }],
    ['buildUrl', { buildUrl: 'not a url' }],
    ['buildUrl', { buildUrl: 'ftp://ci.example/job/1' }],
    ['version', { version: '-1.0.0' }],
    ['imageRef', { imageRef: 'has spaces in it' }],
  ])('refuses a malformed %s (%p)', async (field, change) => {
    const application = await createApplication(server);
    const response = await server.gql(REGISTER_ARTIFACT, { input: { ...artifactInput(application.slug, '1.0.0'), ...change } });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toContain(field);
    const page = dataOf(await server.gql(ARTIFACT_PAGE, { slug: application.slug }));
    expect(page.application.artifacts.totalCount).toBe(0);
  });

  it('refuses to let a viewer register an artifact', async () => {
    const application = await createApplication(server);
    const response = await server.gql(
      REGISTER_ARTIFACT,
      { input: artifactInput(application.slug, '1.0.0') },
      principals.VIEWER.token,
    );
    expect(errorCode(response)).toBe('FORBIDDEN');
    const page = dataOf(await server.gql(ARTIFACT_PAGE, { slug: application.slug }));
    expect(page.application.artifacts.totalCount).toBe(0);
  });

  it('lists the artifacts of an application newest first, page by page', async () => {
    const application = await createApplication(server);
    const registered: ArtifactData[] = [];
    // Registered in an order unrelated to the versions, so the list follows time, not version.
    for (const version of ['1.0.0', '0.9.0', '2.0.0', '1.1.0', '1.0.1']) {
      registered.push(await registerArtifact(server, artifactInput(application.slug, version)));
      await sleep(5);
    }
    const newestFirst = registered.map(({ id, version }) => ({ id, version })).reverse();

    const pages: { id: string; version: string }[][] = [];
    let after: string | null = null;
    for (;;) {
      const { application: found }: ArtifactPage = dataOf(
        await server.gql<ArtifactPage>(ARTIFACT_PAGE, { slug: application.slug, first: 2, after }),
      );
      expect(found.artifacts.totalCount).toBe(5);
      pages.push(found.artifacts.nodes);
      if (!found.artifacts.pageInfo.hasNextPage) break;
      after = found.artifacts.pageInfo.endCursor;
      expect(pages.length).toBeLessThan(5);
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(newestFirst);

    const all = dataOf(await server.gql(ARTIFACT_PAGE, { slug: application.slug, first: 100 }));
    expect(all.application.artifacts.nodes).toEqual(newestFirst);
    expect(all.application.artifacts.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a page of more than 100 artifacts', async () => {
    const { application } = await createApplicationWithArtifacts(server, ['1.0.0']);
    const response = await server.gql(ARTIFACT_PAGE, { slug: application.slug, first: 101 });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });
});
