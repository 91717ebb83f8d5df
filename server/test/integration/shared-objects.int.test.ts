import {
  artifactInput,
  createApplication,
  createApplicationWithArtifacts,
  createLockableRelease,
  createLockedRelease,
  createTrack,
  createTrackWithRelease,
  RELEASE_FIELDS,
  uniqueSlug,
} from '../factories/catalog';
import { createApiToken, createSignedInUser, createTenant, createTier, CREATE_TIER, type Caller } from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

/**
 * Tiers, applications, artifacts, tracks and releases belong to every tenant at once: a caller limited to some
 * tenants may read them but not change them, whatever its role.
 */

let server: TestServer;
const scoped: Record<'ADMIN' | 'RELEASE_MANAGER' | 'OPERATOR', Caller> = {} as never;
const unscoped: Record<'ADMIN' | 'RELEASE_MANAGER' | 'OPERATOR', Caller> = {} as never;

beforeAll(async () => {
  server = await startTestServer();
  await createTier(server, { name: 'dev', rank: 10 });
  await createTenant(server, { slug: 'acme', name: 'Acme' });
  for (const role of ['ADMIN', 'RELEASE_MANAGER', 'OPERATOR'] as const) {
    scoped[role] = await createApiToken(server, { role, tenantSlugs: ['acme'] });
    unscoped[role] = await createSignedInUser(server, { role });
  }
});
afterAll(() => server.close());

async function auditCount(): Promise<number> {
  return dataOf(await server.gql('{ auditEvents(first: 1) { totalCount } }')).auditEvents.totalCount as number;
}

const RELEASE = `query ($id: ID!) { release(id: $id) { ${RELEASE_FIELDS} } }`;

async function releaseState(id: string) {
  return dataOf(await server.gql(RELEASE, { id })).release as Record<string, unknown>;
}

interface Change {
  /** The operation, run once by the tenant-scoped caller and once by the unscoped one. */
  mutation: string;
  variables: Record<string, unknown>;
  /** What a reader sees of the shared object; the refused change must leave it as it was. */
  state: () => Promise<unknown>;
}

const cases: [string, 'ADMIN' | 'RELEASE_MANAGER' | 'OPERATOR', () => Promise<Change>][] = [
  [
    'createEnvironmentTier',
    'ADMIN',
    async () => ({
      mutation: CREATE_TIER,
      variables: { input: { name: 'qa', rank: 15 } },
      state: async () => dataOf(await server.gql('{ environmentTiers { name } }')).environmentTiers,
    }),
  ],
  [
    'createApplication',
    'RELEASE_MANAGER',
    async () => {
      const slug = uniqueSlug('app');
      return {
        mutation: 'mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { slug } }',
        variables: { input: { slug, name: 'Shared app' } },
        state: async () => dataOf(await server.gql('query ($slug: String!) { application(slug: $slug) { slug } }', { slug })),
      };
    },
  ],
  [
    'registerArtifact',
    'OPERATOR',
    async () => {
      const { slug } = await createApplication(server);
      return {
        mutation: 'mutation ($input: RegisterArtifactInput!) { registerArtifact(input: $input) { version } }',
        variables: { input: artifactInput(slug, '9.9.9') },
        state: async () =>
          dataOf(await server.gql('query ($slug: String!) { application(slug: $slug) { artifacts { totalCount } } }', { slug })),
      };
    },
  ],
  [
    'createReleaseTrack',
    'RELEASE_MANAGER',
    async () => {
      const slug = uniqueSlug('track');
      return {
        mutation: 'mutation ($input: CreateReleaseTrackInput!) { createReleaseTrack(input: $input) { slug } }',
        variables: { input: { slug, name: 'Shared track' } },
        state: async () => dataOf(await server.gql('query ($slug: String!) { releaseTrack(slug: $slug) { slug } }', { slug })),
      };
    },
  ],
  [
    'createRelease',
    'RELEASE_MANAGER',
    async () => {
      const track = await createTrack(server);
      return {
        mutation: 'mutation ($input: CreateReleaseInput!) { createRelease(input: $input) { version } }',
        variables: { input: { trackSlug: track.slug, version: '2.0.0' } },
        state: async () =>
          dataOf(
            await server.gql('query ($slug: String!) { releaseTrack(slug: $slug) { releases { totalCount } } }', {
              slug: track.slug,
            }),
          ),
      };
    },
  ],
  [
    'createRelease cloning another release',
    'RELEASE_MANAGER',
    async () => {
      const { release } = await createLockedRelease(server);
      const trackSlug = release.track.slug;
      return {
        mutation: 'mutation ($input: CreateReleaseInput!) { createRelease(input: $input) { version } }',
        variables: { input: { trackSlug, version: '1.1.0', cloneFromReleaseId: release.id } },
        state: async () =>
          dataOf(
            await server.gql('query ($slug: String!) { releaseTrack(slug: $slug) { releases { totalCount } } }', {
              slug: trackSlug,
            }),
          ),
      };
    },
  ],
  [
    'setReleaseComponents',
    'RELEASE_MANAGER',
    async () => {
      const { release } = await createTrackWithRelease(server);
      const { application } = await createApplicationWithArtifacts(server, ['1.0.0']);
      return {
        mutation: 'mutation ($input: SetReleaseComponentsInput!) { setReleaseComponents(input: $input) { id } }',
        variables: {
          input: {
            releaseId: release.id,
            components: [{ applicationSlug: application.slug, artifactVersion: '1.0.0', stage: 1 }],
          },
        },
        state: () => releaseState(release.id),
      };
    },
  ],
  [
    'updateReleaseInstructions',
    'RELEASE_MANAGER',
    async () => {
      const { release } = await createTrackWithRelease(server, { instructions: 'Before' });
      return {
        mutation: 'mutation ($input: UpdateReleaseInstructionsInput!) { updateReleaseInstructions(input: $input) { id } }',
        variables: { input: { releaseId: release.id, instructions: 'After' } },
        state: () => releaseState(release.id),
      };
    },
  ],
  [
    'lockRelease',
    'RELEASE_MANAGER',
    async () => {
      const { release } = await createLockableRelease(server);
      return {
        mutation: 'mutation ($input: LockReleaseInput!) { lockRelease(input: $input) { id } }',
        variables: { input: { releaseId: release.id } },
        state: () => releaseState(release.id),
      };
    },
  ],
  [
    'deleteRelease',
    'RELEASE_MANAGER',
    async () => {
      const { release } = await createLockableRelease(server);
      return {
        mutation: 'mutation ($input: DeleteReleaseInput!) { deleteRelease(input: $input) }',
        variables: { input: { releaseId: release.id } },
        state: () => releaseState(release.id),
      };
    },
  ],
  [
    'unlockRelease',
    'RELEASE_MANAGER',
    async () => {
      const { release } = await createLockedRelease(server);
      return {
        mutation: 'mutation ($input: UnlockReleaseInput!) { unlockRelease(input: $input) { id } }',
        variables: { input: { releaseId: release.id, reason: 'Fix a component' } },
        state: () => releaseState(release.id),
      };
    },
  ],
  [
    'rescindRelease',
    'RELEASE_MANAGER',
    async () => {
      const { release } = await createLockedRelease(server);
      return {
        mutation: 'mutation ($input: RescindReleaseInput!) { rescindRelease(input: $input) { id } }',
        variables: { input: { releaseId: release.id, reason: 'Broken build' } },
        state: () => releaseState(release.id),
      };
    },
  ],
];

describe('changing what all tenants share', () => {
  it.each(cases)(
    '%s: refused FORBIDDEN to a %s limited to one tenant, changing nothing and writing no audit event; allowed unscoped',
    async (_, role, prepare) => {
      const change = await prepare();
      const before = await change.state();
      const audited = await auditCount();

      const refused = await server.gql(change.mutation, change.variables, scoped[role].token);
      expect(errorCode(refused)).toBe('FORBIDDEN');
      expect(refused.errors![0].message).toMatch(/every tenant/);
      expect(await change.state()).toEqual(before);
      expect(await auditCount()).toBe(audited);

      dataOf(await server.gql(change.mutation, change.variables, unscoped[role].token));
      expect(await change.state()).not.toEqual(before);
      expect(await auditCount()).toBe(audited + 1);
    },
  );
});
