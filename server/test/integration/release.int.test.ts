import { randomUUID } from 'node:crypto';
import {
  RELEASE_FIELDS,
  createApplicationWithArtifacts,
  createLockableRelease,
  createLockedRelease,
  createRelease,
  createTrack,
  createTrackWithRelease,
  setReleaseComponents,
  uniqueSlug,
  type ComponentInput,
  type ReleaseData,
} from '../factories/catalog';
import { createPrincipalsByRole, type RoleName, type TestPrincipal } from '../factories/principals';
import { dataOf, errorCode, startTestServer, type GraphQLResponse, type TestServer } from '../support/server';

let server: TestServer;
let principals: Record<RoleName, TestPrincipal>;

beforeAll(async () => {
  server = await startTestServer();
  principals = await createPrincipalsByRole(server);
});
afterAll(() => server.close());

const RELEASE = `query ($id: ID!) { release(id: $id) { ${RELEASE_FIELDS} } }`;
const TRACK_RELEASES = `
  query ($slug: String!, $first: Int, $after: String) {
    releaseTrack(slug: $slug) {
      releases(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id version }
      }
    }
  }
`;
const AUDIT = `
  query ($filter: AuditEventFilter) {
    auditEvents(filter: $filter, first: 100) { totalCount nodes { action actor subjectType subjectId reason before after at } }
  }
`;

interface AuditEventData {
  action: string;
  actor: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  before: Record<string, any> | null;
  after: Record<string, any> | null;
  at: string;
}

function mutate(name: string, inputType: string, input: Record<string, unknown>, token?: string) {
  return server.gql<Record<string, ReleaseData>>(
    `mutation ($input: ${inputType}!) { ${name}(input: $input) { ${RELEASE_FIELDS} } }`,
    { input },
    token,
  );
}

const createReleaseMutation = (input: Record<string, unknown>, token?: string) =>
  mutate('createRelease', 'CreateReleaseInput', input, token);
const setComponents = (releaseId: string, components: ComponentInput[], token?: string) =>
  mutate('setReleaseComponents', 'SetReleaseComponentsInput', { releaseId, components }, token);
const updateInstructions = (releaseId: string, instructions: string, token?: string) =>
  mutate('updateReleaseInstructions', 'UpdateReleaseInstructionsInput', { releaseId, instructions }, token);
const lock = (releaseId: string, token?: string) => mutate('lockRelease', 'LockReleaseInput', { releaseId }, token);
const unlock = (releaseId: string, reason: string, token?: string) =>
  mutate('unlockRelease', 'UnlockReleaseInput', { releaseId, reason }, token);
const rescind = (releaseId: string, reason: string, token?: string) =>
  mutate('rescindRelease', 'RescindReleaseInput', { releaseId, reason }, token);

const deleteRelease = (releaseId: string, token?: string) =>
  server.gql<{ deleteRelease: string }>(
    `mutation ($input: DeleteReleaseInput!) { deleteRelease(input: $input) }`,
    {
      input: { releaseId },
    },
    token,
  );

async function getRelease(id: string): Promise<ReleaseData | null> {
  return dataOf(await server.gql<{ release: ReleaseData | null }>(RELEASE, { id })).release;
}

async function auditOf(subjectId: string): Promise<AuditEventData[]> {
  const { auditEvents } = dataOf(
    await server.gql<{ auditEvents: { nodes: AuditEventData[] } }>(AUDIT, { filter: { subjectId } }),
  );
  return auditEvents.nodes;
}

interface ReleasePage {
  releaseTrack: {
    releases: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { version: string }[] };
  };
}

async function releaseVersionsOf(trackSlug: string, first?: number): Promise<string[]> {
  const versions: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const { releaseTrack }: ReleasePage = dataOf(
      await server.gql<ReleasePage>(TRACK_RELEASES, { slug: trackSlug, first, after }),
    );
    versions.push(...releaseTrack.releases.nodes.map((node) => node.version));
    if (!releaseTrack.releases.pageInfo.hasNextPage) return versions;
    after = releaseTrack.releases.pageInfo.endCursor;
  }
  throw new Error('the release list never ended');
}

/** Ids that name no release: a well-formed one, and one that is not an id of ours at all. */
const UNKNOWN_RELEASE_IDS = [
  ['a UUID no release has', randomUUID()],
  ['not a UUID', 'not-a-release-id'],
] as const;

const BLANK_REASONS = [
  ['an empty', ''],
  ['a blank', '   '],
  ['a whitespace-only', '\n\t'],
] as const;

function expectRefused(response: GraphQLResponse, code: string): void {
  expect(errorCode(response)).toBe(code);
  expect(response.data).toBeNull();
}

describe('release tracks', () => {
  it('creates a track', async () => {
    const slug = uniqueSlug('platform');
    const response = await server.gql(
      `mutation ($input: CreateReleaseTrackInput!) { createReleaseTrack(input: $input) { slug name } }`,
      { input: { slug, name: 'Platform' } },
      principals.RELEASE_MANAGER.token,
    );
    expect(dataOf(response).createReleaseTrack).toEqual({ slug, name: 'Platform' });
  });

  it('refuses a slug that is already taken', async () => {
    const track = await createTrack(server);
    const response = await server.gql(
      `mutation ($input: CreateReleaseTrackInput!) { createReleaseTrack(input: $input) { id } }`,
      { input: { slug: track.slug, name: 'Again' } },
    );
    expectRefused(response, 'CONFLICT');
  });
});

describe('releases', () => {
  it('creates a DRAFT release with its instructions', async () => {
    const track = await createTrack(server);
    const response = await createReleaseMutation(
      { trackSlug: track.slug, version: '1.0.0', instructions: '# Notes' },
      principals.RELEASE_MANAGER.token,
    );
    expect(dataOf(response).createRelease).toMatchObject({
      version: '1.0.0',
      status: 'DRAFT',
      instructions: '# Notes',
      createdBy: principals.RELEASE_MANAGER.actor,
      lockedAt: null,
      lockedBy: null,
      artifactSelection: 'NONE',
      track: { slug: track.slug },
      components: [],
    });
  });

  it('refuses a version the track already has, but allows it in another track', async () => {
    const { track, release } = await createTrackWithRelease(server, { version: '3.0.0' });
    expectRefused(await createReleaseMutation({ trackSlug: track.slug, version: '3.0.0' }), 'CONFLICT');
    expect(await releaseVersionsOf(track.slug)).toEqual(['3.0.0']);

    const other = await createTrack(server);
    const sameVersion = await createRelease(server, { trackSlug: other.slug, version: '3.0.0' });
    expect(sameVersion.id).not.toBe(release.id);
    expect(sameVersion.track.slug).toBe(other.slug);
  });

  it('lists the releases of a track by semantic version, highest first, across pages', async () => {
    const track = await createTrack(server);
    for (const version of ['1.10.0', '1.2.0', '2.0.0', '1.2.0-rc.1', '1.9.0', '1.2.0-rc.10', '1.2.0-rc.2'])
      await createRelease(server, { trackSlug: track.slug, version });
    const expected = ['2.0.0', '1.10.0', '1.9.0', '1.2.0', '1.2.0-rc.10', '1.2.0-rc.2', '1.2.0-rc.1'];

    expect(await releaseVersionsOf(track.slug)).toEqual(expected);
    expect(await releaseVersionsOf(track.slug, 2)).toEqual(expected);
    expect(await releaseVersionsOf(track.slug, 3)).toEqual(expected);

    const firstPage = dataOf(await server.gql(TRACK_RELEASES, { slug: track.slug, first: 3 }));
    expect(firstPage.releaseTrack.releases.totalCount).toBe(7);
    expect(firstPage.releaseTrack.releases.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses a page of more than 100 releases', async () => {
    const { track } = await createTrackWithRelease(server);
    expect(errorCode(await server.gql(TRACK_RELEASES, { slug: track.slug, first: 101 }))).toBe('BAD_USER_INPUT');
  });

  it('copies the components and instructions of the release it is cloned from', async () => {
    const api = await createApplicationWithArtifacts(server, ['1.0.0']);
    const web = await createApplicationWithArtifacts(server, ['2.0.0']);
    const { track, release: source } = await createTrackWithRelease(server, { version: '1.0.0', instructions: 'Run it' });
    const sourceWithComponents = await setReleaseComponents(server, source.id, [
      { applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 1, instructions: 'migrate first' },
      { applicationSlug: web.application.slug, stage: 2, instructions: 'then the web' },
    ]);

    const clone = await createRelease(server, { trackSlug: track.slug, version: '1.1.0', cloneFromReleaseId: source.id });
    expect(clone.id).not.toBe(source.id);
    expect(clone.status).toBe('DRAFT');
    expect(clone.instructions).toBe('Run it');
    expect(clone.components).toEqual(sourceWithComponents.components);
    expect(clone.components).toEqual([
      {
        stage: 1,
        instructions: 'migrate first',
        application: { slug: api.application.slug },
        artifact: { id: api.artifacts[0].id, version: '1.0.0' },
      },
      { stage: 2, instructions: 'then the web', application: { slug: web.application.slug }, artifact: null },
    ]);
    expect(clone.artifactSelection).toBe('PARTIAL');

    const withOwnInstructions = await createRelease(server, {
      trackSlug: track.slug,
      version: '1.2.0',
      cloneFromReleaseId: source.id,
      instructions: 'New notes',
    });
    expect(withOwnInstructions.instructions).toBe('New notes');
    expect(withOwnInstructions.components).toEqual(sourceWithComponents.components);

    // The clone is a copy: changing it leaves the source alone.
    await setReleaseComponents(server, clone.id, []);
    expect((await getRelease(source.id))!.components).toEqual(sourceWithComponents.components);
  });

  it.each(UNKNOWN_RELEASE_IDS)('refuses to clone the unknown release (%s)', async (_kind, cloneFromReleaseId) => {
    const track = await createTrack(server);
    expectRefused(await createReleaseMutation({ trackSlug: track.slug, version: '1.0.0', cloneFromReleaseId }), 'NOT_FOUND');
    expect(await releaseVersionsOf(track.slug)).toEqual([]);
  });

  it('refuses an unknown track', async () => {
    expectRefused(await createReleaseMutation({ trackSlug: uniqueSlug('missing'), version: '1.0.0' }), 'NOT_FOUND');
  });

  it.each(UNKNOWN_RELEASE_IDS)('answers null for the unknown release (%s)', async (_kind, id) => {
    expect(await getRelease(id)).toBeNull();
  });

  it.each(['VIEWER', 'OPERATOR'] as const)('refuses to create or change a release for the %s role', async (role) => {
    const { release } = await createLockableRelease(server);
    const { track } = release;
    const token = principals[role].token;
    expectRefused(await createReleaseMutation({ trackSlug: track.slug, version: '9.9.9' }, token), 'FORBIDDEN');
    expectRefused(await setComponents(release.id, [], token), 'FORBIDDEN');
    expectRefused(await updateInstructions(release.id, 'changed', token), 'FORBIDDEN');
    expectRefused(await lock(release.id, token), 'FORBIDDEN');
    expect(await getRelease(release.id)).toEqual(release);
  });
});

describe('release components', () => {
  it('replaces the whole list of components', async () => {
    const api = await createApplicationWithArtifacts(server, ['1.0.0', '1.1.0']);
    const web = await createApplicationWithArtifacts(server, ['2.0.0']);
    const worker = await createApplicationWithArtifacts(server, ['0.5.0']);
    const { release } = await createTrackWithRelease(server);

    const first = await setReleaseComponents(server, release.id, [
      { applicationSlug: web.application.slug, artifactVersion: '2.0.0', stage: 2 },
      { applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 1, instructions: 'api notes' },
    ]);
    expect(first.components).toEqual([
      {
        stage: 1,
        instructions: 'api notes',
        application: { slug: api.application.slug },
        artifact: { id: api.artifacts[0].id, version: '1.0.0' },
      },
      {
        stage: 2,
        instructions: '',
        application: { slug: web.application.slug },
        artifact: { id: web.artifacts[0].id, version: '2.0.0' },
      },
    ]);

    const second = await setReleaseComponents(server, release.id, [
      { applicationSlug: api.application.slug, artifactVersion: '1.1.0', stage: 1 },
      { applicationSlug: worker.application.slug, stage: 1 },
    ]);
    expect(second.components).toHaveLength(2);
    expect(second.components).toEqual(
      expect.arrayContaining([
        {
          stage: 1,
          instructions: '',
          application: { slug: api.application.slug },
          artifact: { id: api.artifacts[1].id, version: '1.1.0' },
        },
        { stage: 1, instructions: '', application: { slug: worker.application.slug }, artifact: null },
      ]),
    );
    expect((await getRelease(release.id))!.components).toEqual(second.components);

    const emptied = await setReleaseComponents(server, release.id, []);
    expect(emptied.components).toEqual([]);
  });

  it('reports whether no, some or all components have an artifact', async () => {
    const api = await createApplicationWithArtifacts(server, ['1.0.0']);
    const web = await createApplicationWithArtifacts(server, ['2.0.0']);
    const { release } = await createTrackWithRelease(server);
    expect(release.artifactSelection).toBe('NONE');

    const none = await setReleaseComponents(server, release.id, [
      { applicationSlug: api.application.slug, stage: 1 },
      { applicationSlug: web.application.slug, artifactVersion: null, stage: 1 },
    ]);
    expect(none.artifactSelection).toBe('NONE');

    const partial = await setReleaseComponents(server, release.id, [
      { applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 1 },
      { applicationSlug: web.application.slug, stage: 1 },
    ]);
    expect(partial.artifactSelection).toBe('PARTIAL');

    const all = await setReleaseComponents(server, release.id, [
      { applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 1 },
      { applicationSlug: web.application.slug, artifactVersion: '2.0.0', stage: 1 },
    ]);
    expect(all.artifactSelection).toBe('ALL');
    expect((await getRelease(release.id))!.artifactSelection).toBe('ALL');
  });

  describe('refusals leave the components as they were', () => {
    let release: ReleaseData;
    let apiSlug: string;

    beforeAll(async () => {
      const lockable = await createLockableRelease(server);
      release = lockable.release;
      apiSlug = lockable.applications[0].slug;
    });
    afterEach(async () => {
      expect(await getRelease(release.id)).toEqual(release);
    });

    it('refuses the same application twice', async () => {
      const response = await setComponents(release.id, [
        { applicationSlug: apiSlug, artifactVersion: '1.0.0', stage: 1 },
        { applicationSlug: apiSlug, stage: 2 },
      ]);
      expectRefused(response, 'BAD_USER_INPUT');
      expect(response.errors![0].message).toContain(apiSlug);
    });

    it.each([0, -1])('refuses stage %p', async (stage) => {
      const response = await setComponents(release.id, [{ applicationSlug: apiSlug, artifactVersion: '1.0.0', stage }]);
      expectRefused(response, 'BAD_USER_INPUT');
      expect(response.errors![0].message).toContain('stage must be 1 or more');
    });

    it('refuses an unknown application', async () => {
      const missing = uniqueSlug('missing');
      const response = await setComponents(release.id, [
        { applicationSlug: apiSlug, artifactVersion: '1.0.0', stage: 1 },
        { applicationSlug: missing, stage: 1 },
      ]);
      expectRefused(response, 'NOT_FOUND');
      expect(response.errors![0].message).toContain(missing);
    });

    it('refuses an artifact version the application does not have', async () => {
      const response = await setComponents(release.id, [{ applicationSlug: apiSlug, artifactVersion: '9.9.9', stage: 1 }]);
      expectRefused(response, 'NOT_FOUND');
      expect(response.errors![0].message).toContain('9.9.9');
    });
  });

  it.each(UNKNOWN_RELEASE_IDS)('refuses the unknown release (%s)', async (_kind, releaseId) => {
    const { application } = await createApplicationWithArtifacts(server, ['1.0.0']);
    expectRefused(await setComponents(releaseId, [{ applicationSlug: application.slug, stage: 1 }]), 'NOT_FOUND');
  });
});

describe('release instructions', () => {
  it('updates the instructions of a DRAFT release', async () => {
    const { release } = await createTrackWithRelease(server, { instructions: 'old' });
    const response = await updateInstructions(release.id, '## New steps', principals.RELEASE_MANAGER.token);
    expect(dataOf(response).updateReleaseInstructions).toMatchObject({
      id: release.id,
      status: 'DRAFT',
      instructions: '## New steps',
    });
    expect((await getRelease(release.id))!.instructions).toBe('## New steps');
  });

  it.each(UNKNOWN_RELEASE_IDS)('refuses the unknown release (%s)', async (_kind, releaseId) => {
    expectRefused(await updateInstructions(releaseId, 'x'), 'NOT_FOUND');
  });
});

describe('locking releases', () => {
  async function expectLockRefused(release: ReleaseData, blockers: string[]): Promise<void> {
    const auditBefore = await auditOf(release.id);
    const response = await lock(release.id);
    expectRefused(response, 'BAD_USER_INPUT');
    expect(response.errors![0].extensions!.blockers).toEqual(blockers);
    const after = await getRelease(release.id);
    expect(after).toMatchObject({ status: 'DRAFT', lockedAt: null, lockedBy: null, lockBlockers: blockers });
    expect(await auditOf(release.id)).toEqual(auditBefore);
  }

  it('refuses to lock a release without components', async () => {
    const { release } = await createTrackWithRelease(server);
    await expectLockRefused(release, ['Add at least one component']);
  });

  it('refuses to lock a release with a component that has no artifact', async () => {
    const api = await createApplicationWithArtifacts(server, ['1.0.0']);
    const web = await createApplicationWithArtifacts(server, ['2.0.0']);
    const { release } = await createTrackWithRelease(server);
    const draft = await setReleaseComponents(server, release.id, [
      { applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 1 },
      { applicationSlug: web.application.slug, stage: 2 },
    ]);
    await expectLockRefused(draft, [`Choose an artifact for ${web.application.slug}`]);
  });

  it('refuses to lock a release whose stages do not run from 1 without gaps', async () => {
    const api = await createApplicationWithArtifacts(server, ['1.0.0']);
    const web = await createApplicationWithArtifacts(server, ['2.0.0']);
    const { release } = await createTrackWithRelease(server);
    const gap = await setReleaseComponents(server, release.id, [
      { applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 1 },
      { applicationSlug: web.application.slug, artifactVersion: '2.0.0', stage: 3 },
    ]);
    await expectLockRefused(gap, ['Stages must run from 1 without gaps: stage 2 has no component']);

    const late = await setReleaseComponents(server, release.id, [
      { applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 2 },
    ]);
    await expectLockRefused(late, ['Stages must run from 1 without gaps: stage 1 has no component']);
  });

  it('lists every blocker at once', async () => {
    const api = await createApplicationWithArtifacts(server, ['1.0.0']);
    const { release } = await createTrackWithRelease(server);
    const draft = await setReleaseComponents(server, release.id, [{ applicationSlug: api.application.slug, stage: 2 }]);
    await expectLockRefused(draft, [
      `Choose an artifact for ${api.application.slug}`,
      'Stages must run from 1 without gaps: stage 1 has no component',
    ]);
  });

  it('locks a complete release and records who locked it and when', async () => {
    const { release } = await createLockableRelease(server);
    expect(release.lockBlockers).toEqual([]);
    const startedAt = Date.now();
    const response = await lock(release.id, principals.RELEASE_MANAGER.token);
    const locked = dataOf(response).lockRelease;
    expect(locked).toMatchObject({
      id: release.id,
      status: 'LOCKED',
      lockedBy: principals.RELEASE_MANAGER.actor,
      lockBlockers: [],
      components: release.components,
    });
    const lockedAt = Date.parse(locked.lockedAt!);
    expect(lockedAt).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(lockedAt).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await getRelease(release.id)).toEqual(locked);
  });

  it.each(UNKNOWN_RELEASE_IDS)('refuses the unknown release (%s)', async (_kind, releaseId) => {
    expectRefused(await lock(releaseId), 'NOT_FOUND');
  });

  describe('a LOCKED release', () => {
    let locked: ReleaseData;
    let apiSlug: string;

    beforeAll(async () => {
      const built = await createLockedRelease(server);
      locked = built.release;
      apiSlug = built.applications[0].slug;
      expect(locked.status).toBe('LOCKED');
    });
    afterEach(async () => {
      expect(await getRelease(locked.id)).toEqual(locked);
    });

    it('refuses to change components of a locked release', async () => {
      expectRefused(
        await setComponents(locked.id, [{ applicationSlug: apiSlug, artifactVersion: '1.0.0', stage: 1 }]),
        'CONFLICT',
      );
    });

    it('refuses to change the instructions of a locked release', async () => {
      expectRefused(await updateInstructions(locked.id, 'sneaky edit'), 'CONFLICT');
    });

    it('refuses to lock a locked release again', async () => {
      expectRefused(await lock(locked.id), 'CONFLICT');
    });
  });
});

describe('unlocking and rescinding releases', () => {
  it.each(BLANK_REASONS)('refuses to unlock with %s reason', async (_kind, reason) => {
    const { release } = await createLockedRelease(server);
    expectRefused(await unlock(release.id, reason), 'BAD_USER_INPUT');
    expect((await getRelease(release.id))!.status).toBe('LOCKED');
  });

  it('refuses to unlock when the reason is left out', async () => {
    const { release } = await createLockedRelease(server);
    const response = await server.gql(`mutation ($input: UnlockReleaseInput!) { unlockRelease(input: $input) { id } }`, {
      input: { releaseId: release.id },
    });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toContain('"reason"');
    expect((await getRelease(release.id))!.status).toBe('LOCKED');
  });

  it('returns an undeployed LOCKED release to DRAFT, keeping the reason', async () => {
    const { release, applications } = await createLockedRelease(server);
    const response = await unlock(release.id, 'wrong api build', principals.RELEASE_MANAGER.token);
    expect(dataOf(response).unlockRelease).toMatchObject({
      id: release.id,
      status: 'DRAFT',
      lockedAt: null,
      lockedBy: null,
      statusReason: 'wrong api build',
      components: release.components,
    });
    // A DRAFT again: editable.
    const edited = await setReleaseComponents(server, release.id, [
      { applicationSlug: applications[0].slug, artifactVersion: '1.0.0', stage: 1 },
    ]);
    expect(edited.components).toHaveLength(1);
  });

  it('refuses to unlock a DRAFT release', async () => {
    const { release } = await createLockableRelease(server);
    expectRefused(await unlock(release.id, 'why not'), 'CONFLICT');
    expect((await getRelease(release.id))!.status).toBe('DRAFT');
  });

  it.each(BLANK_REASONS)('refuses to rescind with %s reason', async (_kind, reason) => {
    const { release } = await createLockedRelease(server);
    expectRefused(await rescind(release.id, reason), 'BAD_USER_INPUT');
    expect((await getRelease(release.id))!.status).toBe('LOCKED');
  });

  it('rescinds a LOCKED release, keeping the reason', async () => {
    const { release } = await createLockedRelease(server);
    const response = await rescind(release.id, 'data loss bug', principals.RELEASE_MANAGER.token);
    expect(dataOf(response).rescindRelease).toMatchObject({ id: release.id, status: 'RESCINDED', statusReason: 'data loss bug' });
    expect((await getRelease(release.id))!.status).toBe('RESCINDED');
  });

  it('refuses to rescind a DRAFT release', async () => {
    const { release } = await createLockableRelease(server);
    expectRefused(await rescind(release.id, 'never shipped'), 'CONFLICT');
    expect((await getRelease(release.id))!.status).toBe('DRAFT');
  });

  describe('a RESCINDED release', () => {
    let rescinded: ReleaseData;

    beforeAll(async () => {
      const { release } = await createLockedRelease(server);
      rescinded = dataOf(await rescind(release.id, 'withdrawn')).rescindRelease;
    });
    afterEach(async () => {
      expect(await getRelease(rescinded.id)).toEqual(rescinded);
    });

    it('refuses to rescind it again', async () => {
      expectRefused(await rescind(rescinded.id, 'again'), 'CONFLICT');
    });

    it('refuses to lock it', async () => {
      expectRefused(await lock(rescinded.id), 'CONFLICT');
    });

    it('refuses to unlock it', async () => {
      expectRefused(await unlock(rescinded.id, 'bring it back'), 'CONFLICT');
    });

    it('refuses to change its components or instructions', async () => {
      expectRefused(await setComponents(rescinded.id, []), 'CONFLICT');
      expectRefused(await updateInstructions(rescinded.id, 'edit'), 'CONFLICT');
    });
  });

  it.each(UNKNOWN_RELEASE_IDS)('refuses to unlock or rescind the unknown release (%s)', async (_kind, releaseId) => {
    expectRefused(await unlock(releaseId, 'reason'), 'NOT_FOUND');
    expectRefused(await rescind(releaseId, 'reason'), 'NOT_FOUND');
  });
});

describe('release audit trail', () => {
  it('records every change with its actor, reason and before/after', async () => {
    const manager = principals.RELEASE_MANAGER;
    const api = await createApplicationWithArtifacts(server, ['1.0.0']);
    const track = await createTrack(server);
    const created = await createRelease(server, { trackSlug: track.slug, version: '4.0.0', instructions: 'v1' }, manager.token);
    await setReleaseComponents(
      server,
      created.id,
      [{ applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 1 }],
      manager.token,
    );
    dataOf(await updateInstructions(created.id, 'v2', manager.token));
    dataOf(await lock(created.id, manager.token));
    dataOf(await unlock(created.id, 'forgot a migration', manager.token));
    dataOf(await lock(created.id, manager.token));
    dataOf(await rescind(created.id, 'breaks logins', manager.token));

    const events = await auditOf(created.id);
    expect(events.map((event) => event.action)).toEqual([
      'release.rescind',
      'release.lock',
      'release.unlock',
      'release.lock',
      'release.instructions.update',
      'release.components.set',
      'release.create',
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ actor: manager.actor, subjectType: 'Release', subjectId: created.id });
      expect(event.after).not.toBeNull();
    }
    const [rescinded, relocked, unlocked, locked, instructions, components, creation] = events;

    expect(creation.before).toBeNull();
    expect(creation.after).toMatchObject({
      id: created.id,
      version: '4.0.0',
      status: 'DRAFT',
      instructions: 'v1',
      components: [],
    });

    expect(components.before).toEqual({ components: [] });
    expect(components.after).toEqual({
      components: [expect.objectContaining({ applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 1 })],
    });

    expect(instructions.before).toEqual({ instructions: 'v1' });
    expect(instructions.after).toEqual({ instructions: 'v2' });

    expect(locked.before).toMatchObject({ status: 'DRAFT', lockedAt: null });
    expect(locked.after).toMatchObject({ status: 'LOCKED', lockedBy: manager.actor });
    // Locking leaves the components as they were: both sides carry them, so a diff shows them unchanged.
    expect(locked.before?.components).toEqual(locked.after?.components);
    expect(locked.after?.components).toEqual([expect.objectContaining({ applicationSlug: api.application.slug, stage: 1 })]);

    expect(unlocked.reason).toBe('forgot a migration');
    expect(unlocked.before).toMatchObject({ status: 'LOCKED' });
    expect(unlocked.after).toMatchObject({ status: 'DRAFT', lockedAt: null, statusReason: 'forgot a migration' });

    expect(relocked.before).toMatchObject({ status: 'DRAFT' });
    expect(relocked.after).toMatchObject({ status: 'LOCKED' });

    expect(rescinded.reason).toBe('breaks logins');
    expect(rescinded.before).toMatchObject({ status: 'LOCKED' });
    expect(rescinded.after).toMatchObject({ status: 'RESCINDED', statusReason: 'breaks logins' });
  });

  it('records a clone as release.clone naming its source', async () => {
    const { track, release: source } = await createTrackWithRelease(server);
    const clone = await createRelease(server, { trackSlug: track.slug, version: '1.0.1', cloneFromReleaseId: source.id });
    const [event] = await auditOf(clone.id);
    expect(event).toMatchObject({ action: 'release.clone', before: null, after: { clonedFrom: source.id, version: '1.0.1' } });
  });

  it('records nothing for a refused change', async () => {
    const { release: draft } = await createTrackWithRelease(server);
    const { release: locked } = await createLockedRelease(server);
    const draftEvents = await auditOf(draft.id);
    const lockedEvents = await auditOf(locked.id);

    expectRefused(await lock(draft.id), 'BAD_USER_INPUT');
    expectRefused(await unlock(draft.id, 'not locked'), 'CONFLICT');
    expectRefused(await rescind(draft.id, 'not locked'), 'CONFLICT');
    expectRefused(await setComponents(draft.id, [{ applicationSlug: uniqueSlug('missing'), stage: 1 }]), 'NOT_FOUND');
    expectRefused(await lock(locked.id), 'CONFLICT');
    expectRefused(await setComponents(locked.id, []), 'CONFLICT');
    expectRefused(await updateInstructions(locked.id, 'edit'), 'CONFLICT');
    expectRefused(await unlock(locked.id, ' '), 'BAD_USER_INPUT');

    expect(await auditOf(draft.id)).toEqual(draftEvents);
    expect(await auditOf(locked.id)).toEqual(lockedEvents);
  });
});

describe('deleting releases', () => {
  it('deletes a draft that was never locked, with its components, and records it in the audit log', async () => {
    const { release } = await createLockableRelease(server);
    const deleted = await deleteRelease(release.id, principals.RELEASE_MANAGER.token);
    expect(dataOf(deleted).deleteRelease).toBe(release.id);
    expect(await getRelease(release.id)).toBeNull();
    expect(await releaseVersionsOf(release.track.slug)).not.toContain(release.version);
    const [event] = (await auditOf(release.id)).filter((e) => e.action === 'release.delete');
    expect(event).toMatchObject({ subjectType: 'Release', subjectId: release.id, after: null });
    expect(event.before).toMatchObject({ version: release.version, status: 'DRAFT' });
    expect(event.before!.components).toHaveLength(2);
    // The version is free again in its track.
    const again = await createRelease(server, { trackSlug: release.track.slug, version: release.version });
    expect(again.status).toBe('DRAFT');
  });

  it('refuses a LOCKED release, and one that is a DRAFT again after an unlock, changing nothing', async () => {
    const { release } = await createLockedRelease(server);
    expectRefused(await deleteRelease(release.id), 'CONFLICT');
    dataOf(await unlock(release.id, 'one more fix'));
    const refused = await deleteRelease(release.id);
    expectRefused(refused, 'CONFLICT');
    expect(refused.errors![0].message).toContain('has been locked before');
    expect(await getRelease(release.id)).toMatchObject({ status: 'DRAFT', components: release.components });
    expect((await auditOf(release.id)).map((e) => e.action)).not.toContain('release.delete');
  });

  it('refuses a RESCINDED release', async () => {
    const { release } = await createLockedRelease(server);
    dataOf(await rescind(release.id, 'broken'));
    expectRefused(await deleteRelease(release.id), 'CONFLICT');
    expect((await getRelease(release.id))!.status).toBe('RESCINDED');
  });

  it.each(['VIEWER', 'OPERATOR'] as const)('refuses a %s, keeping the draft', async (role) => {
    const { release } = await createLockableRelease(server);
    expectRefused(await deleteRelease(release.id, principals[role].token), 'FORBIDDEN');
    expect(await getRelease(release.id)).not.toBeNull();
  });

  it.each(UNKNOWN_RELEASE_IDS)('answers NOT_FOUND for %s', async (_kind, id) => {
    expectRefused(await deleteRelease(id), 'NOT_FOUND');
  });
});
