import { versionSortKey } from '@shiplog/shared';
import { inject, injectable } from 'tsyringe';
import { DataSource, In, IsNull, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { AuditService, snapshot } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { EventService, EventType } from '../../events/event.service';
import { badInput, conflict, isUniqueViolation, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import { paginate, type PageArgs } from '../../common/pagination';
import { Role } from '../../common/roles';
import type { Config } from '../../config';
import type { Loaders } from '../../graphql/loaders';
import { CONFIG } from '../../tokens';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { Installation } from '../tenant/installation.entity';
import { ReleaseComponent } from './release-component.entity';
import { ReleaseTrack } from './release-track.entity';
import { Release, ReleaseStatus } from './release.entity';
import type {
  DeleteReleaseInput,
  CreateReleaseInput,
  CreateReleaseTrackInput,
  ReleaseTrackSlugInput,
  ReleaseFilter,
  RescindReleaseInput,
  SetReleaseComponentsInput,
  UnlockReleaseInput,
  UpdateReleaseInstructionsInput,
} from './release.inputs';
import { lockBlockers, type ComponentShape } from './release.rules';

/** Drafts are the vendor's work in progress: tenant-scoped callers (who can never edit one) see locked releases and later. */
function hideDraftsFromScoped(access: Access, query: SelectQueryBuilder<Release>): void {
  if (access.tenantScope() !== null) query.andWhere('r.status <> :draft', { draft: ReleaseStatus.DRAFT });
}

@injectable()
export class ReleaseService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    private readonly audit: AuditService,
    private readonly events: EventService,
  ) {}

  /** Announces a transition of the release (outbound webhooks send it on), in the transaction that made it. */
  private announce(manager: EntityManager, type: EventType, release: Release): Promise<void> {
    return this.events.append(manager, [
      {
        type,
        data: {
          releaseId: release.id,
          trackId: release.trackId,
          version: release.version,
          status: release.status,
          ...(release.statusReason ? { reason: release.statusReason } : {}),
        },
      },
    ]);
  }

  async listTracks(access: Access, includeArchived = false): Promise<ReleaseTrack[]> {
    access.require(Role.VIEWER);
    return this.dataSource
      .getRepository(ReleaseTrack)
      .find({ where: includeArchived ? {} : { archivedAt: IsNull() }, order: { slug: 'ASC' } });
  }

  /** Archives a track: it leaves lists and takes no new releases; its releases and history stay. */
  archiveTrack(access: Access, input: ReleaseTrackSlugInput): Promise<ReleaseTrack> {
    return this.setTrackArchived(access, input, true);
  }

  restoreTrack(access: Access, input: ReleaseTrackSlugInput): Promise<ReleaseTrack> {
    return this.setTrackArchived(access, input, false);
  }

  private async setTrackArchived(access: Access, input: ReleaseTrackSlugInput, archive: boolean): Promise<ReleaseTrack> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    return this.dataSource.transaction(async (manager) => {
      const tracks = manager.getRepository(ReleaseTrack);
      const track = await tracks.findOneBy({ slug: input.slug });
      if (!track) throw notFound('Release track', input.slug);
      if (Boolean(track.archivedAt) === archive) return track;
      const before = snapshot(track);
      track.archivedAt = archive ? new Date() : null;
      const saved = await tracks.save(track);
      await this.audit.record(manager, access, {
        action: archive ? 'track.archive' : 'track.restore',
        subjectType: 'ReleaseTrack',
        subjectId: saved.id,
        reason: input.reason,
        before,
        after: snapshot(saved),
      });
      return saved;
    });
  }

  /** The newest LOCKED release of the track that an installation the caller may see runs completely, or null. */
  async matchingRelease(
    access: Access,
    loaders: Loaders,
    installation: Installation,
    trackSlug: string,
  ): Promise<Release | null> {
    access.require(Role.VIEWER);
    if (!access.canSeeTenant(installation.tenantId)) return null;
    return loaders.matchingRelease(trackSlug).load(installation.id);
  }

  async findTrack(access: Access, slug: string): Promise<ReleaseTrack | null> {
    access.require(Role.VIEWER);
    return this.dataSource.getRepository(ReleaseTrack).findOneBy({ slug });
  }

  async createTrack(access: Access, input: CreateReleaseTrackInput): Promise<ReleaseTrack> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tracks = manager.getRepository(ReleaseTrack);
        if (await tracks.existsBy({ slug: input.slug }))
          throw conflict(`A release track with slug '${input.slug}' already exists`);
        const track = await tracks.save(
          tracks.create({ slug: input.slug, name: input.name, description: input.description ?? '' }),
        );
        await this.audit.record(manager, access, {
          action: 'track.create',
          subjectType: 'ReleaseTrack',
          subjectId: track.id,
          after: snapshot(track),
        });
        return track;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A release track with slug '${input.slug}' already exists`);
      throw error;
    }
  }

  /** Highest version first. */
  releases(access: Access, track: ReleaseTrack, args: PageArgs, filter?: ReleaseFilter | null) {
    access.require(Role.VIEWER);
    const query = this.dataSource
      .getRepository(Release)
      .createQueryBuilder('r')
      .where('r.track_id = :trackId', { trackId: track.id });
    hideDraftsFromScoped(access, query);
    if (filter?.statuses?.length) query.andWhere('r.status = ANY(:statuses)', { statuses: filter.statuses });
    return paginate(
      query,
      args,
      [
        { expression: 'r.sort_key', direction: 'DESC', value: (r) => r.sortKey },
        { expression: 'r.id', direction: 'DESC', value: (r) => r.id },
      ],
      this.config.maxPageSize,
    );
  }

  /** Releases of every track, the most recently changed first. */
  recentReleases(access: Access, args: PageArgs, filter?: ReleaseFilter | null) {
    access.require(Role.VIEWER);
    const query = this.dataSource.getRepository(Release).createQueryBuilder('r');
    hideDraftsFromScoped(access, query);
    if (filter?.statuses?.length) query.andWhere('r.status = ANY(:statuses)', { statuses: filter.statuses });
    return paginate(
      query,
      args,
      [
        // Milliseconds, as the cursor carries them: PostgreSQL keeps microseconds, which a JavaScript date drops.
        { expression: "date_trunc('milliseconds', r.updated_at)", direction: 'DESC', value: (r) => r.updatedAt.toISOString() },
        { expression: 'r.id', direction: 'DESC', value: (r) => r.id },
      ],
      this.config.maxPageSize,
    );
  }

  async find(access: Access, id: string): Promise<Release | null> {
    access.require(Role.VIEWER);
    if (!isId(id)) return null;
    const release = await this.dataSource.getRepository(Release).findOneBy({ id });
    // A draft is the vendor's work in progress: to a tenant-scoped caller it does not exist.
    if (release?.status === ReleaseStatus.DRAFT && access.tenantScope() !== null) return null;
    return release;
  }

  /** The release, locked for this transaction so that concurrent edits and transitions apply one after another. */
  private async lockForUpdate(manager: EntityManager, id: string): Promise<Release> {
    const release = isId(id)
      ? await manager.getRepository(Release).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!release) throw notFound('Release', id);
    return release;
  }

  private async componentView(manager: EntityManager, releaseId: string) {
    const components = await manager
      .getRepository(ReleaseComponent)
      .createQueryBuilder('c')
      .innerJoin(Application, 'a', 'a.id = c.application_id')
      .leftJoin(Artifact, 'r', 'r.id = c.artifact_id')
      .select([
        'a.slug AS "applicationSlug"',
        'r.version AS "artifactVersion"',
        'c.artifact_id AS "artifactId"',
        'c.stage AS stage',
        'c.instructions AS instructions',
      ])
      .where('c.release_id = :releaseId', { releaseId })
      .orderBy('c.stage')
      .addOrderBy('a.slug')
      .getRawMany<ComponentShape & { artifactVersion: string | null; instructions: string }>();
    return components;
  }

  async create(access: Access, input: CreateReleaseInput): Promise<Release> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const track = await manager.getRepository(ReleaseTrack).findOneBy({ slug: input.trackSlug });
        if (!track) throw notFound('Release track', input.trackSlug);
        if (track.archivedAt) throw conflict(`Release track '${track.slug}' is archived; restore it first`);
        const releases = manager.getRepository(Release);
        if (await releases.existsBy({ trackId: track.id, version: input.version })) {
          throw conflict(`Track '${track.slug}' already has a release ${input.version}`);
        }
        let source: Release | null = null;
        if (input.cloneFromReleaseId) {
          source = isId(input.cloneFromReleaseId) ? await releases.findOneBy({ id: input.cloneFromReleaseId }) : null;
          if (!source) throw notFound('Release', input.cloneFromReleaseId);
        }
        const release = await releases.save(
          releases.create({
            trackId: track.id,
            version: input.version,
            sortKey: versionSortKey(input.version),
            status: ReleaseStatus.DRAFT,
            instructions: input.instructions ?? source?.instructions ?? '',
            createdBy: access.actor,
          }),
        );
        if (source) {
          const components = await manager.getRepository(ReleaseComponent).findBy({ releaseId: source.id });
          await manager.getRepository(ReleaseComponent).insert(
            components.map(({ applicationId, artifactId, stage, instructions }) => ({
              releaseId: release.id,
              applicationId,
              artifactId,
              stage,
              instructions,
            })),
          );
        }
        await this.audit.record(manager, access, {
          action: source ? 'release.clone' : 'release.create',
          subjectType: 'Release',
          subjectId: release.id,
          after: {
            ...(snapshot(release) as object),
            clonedFrom: source?.id ?? null,
            components: await this.componentView(manager, release.id),
          },
        });
        return release;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Track '${input.trackSlug}' already has a release ${input.version}`);
      throw error;
    }
  }

  async setComponents(access: Access, input: SetReleaseComponentsInput): Promise<Release> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    const slugs = input.components.map((component) => component.applicationSlug);
    const repeated = slugs.filter((slug, index) => slugs.indexOf(slug) !== index);
    if (repeated.length > 0) throw badInput(`Each application may appear once; repeated: ${[...new Set(repeated)].join(', ')}`);
    return this.dataSource.transaction(async (manager) => {
      const release = await this.lockForUpdate(manager, input.releaseId);
      if (release.status !== ReleaseStatus.DRAFT) {
        throw conflict(`Release ${release.version} is ${release.status}; components can change only while it is a DRAFT`);
      }
      const applications = await manager.getRepository(Application).findBy({ slug: In(slugs) });
      const applicationBySlug = new Map(applications.map((application) => [application.slug, application]));
      const missing = slugs.filter((slug) => !applicationBySlug.has(slug));
      if (missing.length > 0) throw notFound('Application', missing.join("', '"));
      const wanted = input.components.filter((component) => component.artifactVersion);
      const artifacts = wanted.length
        ? await manager
            .getRepository(Artifact)
            .createQueryBuilder('r')
            .where('(r.application_id, r.version) IN (SELECT * FROM unnest(:applicationIds::uuid[], :versions::text[]))', {
              applicationIds: wanted.map((component) => applicationBySlug.get(component.applicationSlug)!.id),
              versions: wanted.map((component) => component.artifactVersion),
            })
            .getMany()
        : [];
      const artifactByKey = new Map(artifacts.map((artifact) => [`${artifact.applicationId}@${artifact.version}`, artifact]));
      const rows = input.components.map((component) => {
        const application = applicationBySlug.get(component.applicationSlug)!;
        let artifactId: string | null = null;
        if (component.artifactVersion) {
          const artifact = artifactByKey.get(`${application.id}@${component.artifactVersion}`);
          if (!artifact) throw notFound('Artifact', `${application.slug} ${component.artifactVersion}`);
          artifactId = artifact.id;
        }
        return {
          releaseId: release.id,
          applicationId: application.id,
          artifactId,
          stage: component.stage,
          instructions: component.instructions ?? '',
        };
      });
      const before = await this.componentView(manager, release.id);
      const components = manager.getRepository(ReleaseComponent);
      await components.delete({ releaseId: release.id });
      if (rows.length > 0) await components.insert(rows);
      await manager.getRepository(Release).update({ id: release.id }, { updatedAt: new Date() });
      await this.audit.record(manager, access, {
        action: 'release.components.set',
        subjectType: 'Release',
        subjectId: release.id,
        before: { components: before },
        after: { components: await this.componentView(manager, release.id) },
      });
      return manager.getRepository(Release).findOneByOrFail({ id: release.id });
    });
  }

  async updateInstructions(access: Access, input: UpdateReleaseInstructionsInput): Promise<Release> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    return this.dataSource.transaction(async (manager) => {
      const release = await this.lockForUpdate(manager, input.releaseId);
      if (release.status !== ReleaseStatus.DRAFT && release.status !== ReleaseStatus.ON_HOLD) {
        throw conflict(`Release ${release.version} is ${release.status}; instructions can change only until it is locked`);
      }
      const before = release.instructions;
      release.instructions = input.instructions;
      const saved = await manager.getRepository(Release).save(release);
      await this.audit.record(manager, access, {
        action: 'release.instructions.update',
        subjectType: 'Release',
        subjectId: release.id,
        before: { instructions: before },
        after: { instructions: saved.instructions },
      });
      return saved;
    });
  }

  async lock(access: Access, releaseId: string): Promise<Release> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    return this.dataSource.transaction(async (manager) => {
      const release = await this.lockForUpdate(manager, releaseId);
      if (release.status !== ReleaseStatus.DRAFT && release.status !== ReleaseStatus.ON_HOLD) {
        throw conflict(`Release ${release.version} is ${release.status}; only a DRAFT or ON_HOLD release can be locked`);
      }
      const components = await this.componentView(manager, release.id);
      const blockers = lockBlockers(components);
      if (blockers.length > 0) {
        throw badInput(`Release ${release.version} cannot be locked yet: ${blockers.join('; ')}`, { blockers });
      }
      // The components on both sides: locking does not change them, and a diff must compare like with like.
      const before = { ...(snapshot(release) as object), components };
      release.status = ReleaseStatus.LOCKED;
      release.lockedAt = new Date();
      release.firstLockedAt ??= release.lockedAt;
      release.lockedBy = access.actor;
      release.statusReason = null;
      const saved = await manager.getRepository(Release).save(release);
      await this.audit.record(manager, access, {
        action: 'release.lock',
        subjectType: 'Release',
        subjectId: release.id,
        before,
        after: { ...(snapshot(saved) as object), components },
      });
      await this.announce(manager, EventType.RELEASE_LOCKED, saved);
      return saved;
    });
  }

  /** Deletes a release that was never locked (its components go with it); answers its id. */
  async delete(access: Access, input: DeleteReleaseInput): Promise<string> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    return this.dataSource.transaction(async (manager) => {
      const release = await this.lockForUpdate(manager, input.releaseId);
      if (release.status !== ReleaseStatus.DRAFT || release.firstLockedAt !== null) {
        throw conflict(
          `Release ${release.version} has been locked before; only a release that was never locked can be deleted (rescind it instead)`,
        );
      }
      const before = { ...(snapshot(release) as object), components: await this.componentView(manager, release.id) };
      await manager.getRepository(ReleaseComponent).delete({ releaseId: release.id });
      await manager.getRepository(Release).delete({ id: release.id });
      await this.audit.record(manager, access, {
        action: 'release.delete',
        subjectType: 'Release',
        subjectId: release.id,
        before,
        after: null,
      });
      return release.id;
    });
  }

  /**
   * Whether the release is (partly) deployed: a deployment of one of its rollouts succeeded, or a rollout of it
   * is still under way (its components must not change under it).
   */
  private async isDeployed(manager: EntityManager, releaseId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM deployment d JOIN rollout r ON r.id = d.rollout_id WHERE r.release_id = $1 AND d.status = 'SUCCEEDED'
       UNION ALL
       SELECT 1 FROM rollout WHERE release_id = $1 AND status NOT IN ('SUCCEEDED', 'FAILED', 'ABORTED')
       LIMIT 1`,
      [releaseId],
    );
    return rows.length > 0;
  }

  /** Installations running at least one of the release's artifacts now, e.g. to roll back after a rescind; a page at a time. */
  installationsRunning(access: Access, release: Release, args: PageArgs, maxPageSize = this.config.maxPageSize) {
    const scope = access.tenantScope();
    const query = this.dataSource
      .getRepository(Installation)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.tenant', 't')
      .where(
        `EXISTS (SELECT 1 FROM running_artifact ra JOIN release_component rc
                   ON rc.artifact_id = ra.artifact_id AND rc.application_id = ra.application_id
                  WHERE ra.installation_id = i.id AND rc.release_id = :releaseId)`,
        { releaseId: release.id },
      );
    if (scope !== null) query.andWhere('i.tenant_id = ANY(:scope)', { scope });
    return paginate(
      query,
      args,
      [
        { expression: 't.slug', direction: 'ASC', value: (i) => i.tenant!.slug },
        { expression: 'i.slug', direction: 'ASC', value: (i) => i.slug },
      ],
      maxPageSize,
    );
  }

  /** LOCKED → DRAFT; a release that has been (partly) deployed goes ON_HOLD instead. */
  async unlock(access: Access, input: UnlockReleaseInput): Promise<Release> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    return this.dataSource.transaction(async (manager) => {
      const release = await this.lockForUpdate(manager, input.releaseId);
      if (release.status !== ReleaseStatus.LOCKED) {
        throw conflict(`Release ${release.version} is ${release.status}; only a LOCKED release can be unlocked`);
      }
      const before = snapshot(release);
      release.status = (await this.isDeployed(manager, release.id)) ? ReleaseStatus.ON_HOLD : ReleaseStatus.DRAFT;
      release.lockedAt = null;
      release.lockedBy = null;
      release.statusReason = input.reason;
      const saved = await manager.getRepository(Release).save(release);
      await this.audit.record(manager, access, {
        action: 'release.unlock',
        subjectType: 'Release',
        subjectId: release.id,
        reason: input.reason,
        before,
        after: snapshot(saved),
      });
      await this.announce(manager, EventType.RELEASE_UNLOCKED, saved);
      return saved;
    });
  }

  async rescind(access: Access, input: RescindReleaseInput): Promise<Release> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    return this.dataSource.transaction(async (manager) => {
      const release = await this.lockForUpdate(manager, input.releaseId);
      if (release.status !== ReleaseStatus.LOCKED && release.status !== ReleaseStatus.ON_HOLD) {
        throw conflict(
          release.status === ReleaseStatus.DRAFT
            ? `Release ${release.version} is a DRAFT and was never released; there is nothing to rescind`
            : `Release ${release.version} is already RESCINDED`,
        );
      }
      const before = snapshot(release);
      release.status = ReleaseStatus.RESCINDED;
      release.statusReason = input.reason;
      const saved = await manager.getRepository(Release).save(release);
      await this.audit.record(manager, access, {
        action: 'release.rescind',
        subjectType: 'Release',
        subjectId: release.id,
        reason: input.reason,
        before,
        after: snapshot(saved),
      });
      await this.announce(manager, EventType.RELEASE_RESCINDED, saved);
      return saved;
    });
  }
}
