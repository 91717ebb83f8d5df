import { createHash, randomBytes } from 'node:crypto';
import { dataOf, type TestServer } from '../support/server';

/** A slug no other test in the same database uses. */
export function uniqueSlug(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export interface ApplicationData {
  id: string;
  slug: string;
  name: string;
}

export interface ArtifactData {
  id: string;
  version: string;
  imageRef: string;
  digest: string | null;
  commitSha: string | null;
  buildUrl: string | null;
  registeredBy: string;
  createdAt: string;
}

export interface ArtifactInput {
  applicationSlug: string;
  version: string;
  imageRef: string;
  digest?: string | null;
  commitSha?: string | null;
  buildUrl?: string | null;
}

export const ARTIFACT_FIELDS = 'id version imageRef digest commitSha buildUrl registeredBy createdAt';

export const RELEASE_FIELDS = `
  id version status instructions lockedAt lockedBy statusReason createdBy artifactSelection lockBlockers
  track { slug }
  components { stage instructions application { slug } artifact { id version } }
`;

export interface ReleaseComponentData {
  stage: number;
  instructions: string;
  application: { slug: string };
  artifact: { id: string; version: string } | null;
}

export interface ReleaseData {
  id: string;
  version: string;
  status: 'DRAFT' | 'LOCKED' | 'ON_HOLD' | 'RESCINDED';
  instructions: string;
  lockedAt: string | null;
  lockedBy: string | null;
  statusReason: string | null;
  createdBy: string;
  artifactSelection: 'NONE' | 'PARTIAL' | 'ALL';
  lockBlockers: string[];
  track: { slug: string };
  components: ReleaseComponentData[];
}

export interface ComponentInput {
  applicationSlug: string;
  artifactVersion?: string | null;
  stage: number;
  instructions?: string | null;
}

/** Valid artifact content, the same every time for the same application and version. */
export function artifactInput(applicationSlug: string, version: string, overrides: Partial<ArtifactInput> = {}): ArtifactInput {
  const hash = createHash('sha256').update(`${applicationSlug}@${version}`).digest('hex');
  return {
    applicationSlug,
    version,
    imageRef: `registry.example/${applicationSlug}:${version}`,
    digest: `sha256:${hash}`,
    commitSha: hash.slice(0, 40),
    buildUrl: `https://ci.example/job/${applicationSlug}/${version}`,
    ...overrides,
  };
}

export async function createApplication(
  server: TestServer,
  input: { slug?: string; name?: string; description?: string } = {},
  token?: string,
): Promise<ApplicationData> {
  const slug = input.slug ?? uniqueSlug('app');
  const response = await server.gql<{ createApplication: ApplicationData }>(
    `mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { id slug name } }`,
    { input: { name: `Application ${slug}`, ...input, slug } },
    token,
  );
  return dataOf(response).createApplication;
}

export async function registerArtifact(server: TestServer, input: ArtifactInput, token?: string): Promise<ArtifactData> {
  const response = await server.gql<{ registerArtifact: ArtifactData }>(
    `mutation ($input: RegisterArtifactInput!) { registerArtifact(input: $input) { ${ARTIFACT_FIELDS} } }`,
    { input },
    token,
  );
  return dataOf(response).registerArtifact;
}

/** An application and one artifact per version, registered one after another in the given order. */
export async function createApplicationWithArtifacts(
  server: TestServer,
  versions: string[],
  input: { slug?: string } = {},
): Promise<{ application: ApplicationData; artifacts: ArtifactData[] }> {
  const application = await createApplication(server, input);
  const artifacts: ArtifactData[] = [];
  for (const version of versions) artifacts.push(await registerArtifact(server, artifactInput(application.slug, version)));
  return { application, artifacts };
}

export async function createTrack(
  server: TestServer,
  input: { slug?: string; name?: string } = {},
  token?: string,
): Promise<{ id: string; slug: string }> {
  const slug = input.slug ?? uniqueSlug('track');
  const response = await server.gql<{ createReleaseTrack: { id: string; slug: string } }>(
    `mutation ($input: CreateReleaseTrackInput!) { createReleaseTrack(input: $input) { id slug } }`,
    { input: { name: `Track ${slug}`, ...input, slug } },
    token,
  );
  return dataOf(response).createReleaseTrack;
}

export async function createRelease(
  server: TestServer,
  input: { trackSlug: string; version: string; instructions?: string; cloneFromReleaseId?: string },
  token?: string,
): Promise<ReleaseData> {
  const response = await server.gql<{ createRelease: ReleaseData }>(
    `mutation ($input: CreateReleaseInput!) { createRelease(input: $input) { ${RELEASE_FIELDS} } }`,
    { input },
    token,
  );
  return dataOf(response).createRelease;
}

/** A new track with one DRAFT release in it. */
export async function createTrackWithRelease(
  server: TestServer,
  input: { version?: string; instructions?: string } = {},
  token?: string,
): Promise<{ track: { id: string; slug: string }; release: ReleaseData }> {
  const track = await createTrack(server, {}, token);
  const release = await createRelease(
    server,
    { trackSlug: track.slug, version: input.version ?? '1.0.0', instructions: input.instructions },
    token,
  );
  return { track, release };
}

export async function setReleaseComponents(
  server: TestServer,
  releaseId: string,
  components: ComponentInput[],
  token?: string,
): Promise<ReleaseData> {
  const response = await server.gql<{ setReleaseComponents: ReleaseData }>(
    `mutation ($input: SetReleaseComponentsInput!) { setReleaseComponents(input: $input) { ${RELEASE_FIELDS} } }`,
    { input: { releaseId, components } },
    token,
  );
  return dataOf(response).setReleaseComponents;
}

/**
 * A DRAFT release that can be locked: two applications with an artifact each, in stages 1 and 2.
 */
export async function createLockableRelease(
  server: TestServer,
  token?: string,
): Promise<{ release: ReleaseData; applications: ApplicationData[]; artifacts: ArtifactData[] }> {
  const api = await createApplicationWithArtifacts(server, ['1.0.0']);
  const web = await createApplicationWithArtifacts(server, ['2.0.0']);
  const { release } = await createTrackWithRelease(server, {}, token);
  const withComponents = await setReleaseComponents(
    server,
    release.id,
    [
      { applicationSlug: api.application.slug, artifactVersion: '1.0.0', stage: 1 },
      { applicationSlug: web.application.slug, artifactVersion: '2.0.0', stage: 2 },
    ],
    token,
  );
  return {
    release: withComponents,
    applications: [api.application, web.application],
    artifacts: [...api.artifacts, ...web.artifacts],
  };
}

/** A LOCKED release, built as by createLockableRelease. */
export async function createLockedRelease(
  server: TestServer,
  token?: string,
): Promise<{ release: ReleaseData; applications: ApplicationData[]; artifacts: ArtifactData[] }> {
  const lockable = await createLockableRelease(server, token);
  const response = await server.gql<{ lockRelease: ReleaseData }>(
    `mutation ($input: LockReleaseInput!) { lockRelease(input: $input) { ${RELEASE_FIELDS} } }`,
    { input: { releaseId: lockable.release.id } },
    token,
  );
  return { ...lockable, release: dataOf(response).lockRelease };
}
