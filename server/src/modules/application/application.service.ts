import { versionSortKey } from '@shiplog/shared';
import { inject, injectable } from 'tsyringe';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, snapshot } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { EventService, EventType } from '../../events/event.service';
import { conflict, isUniqueViolation, notFound } from '../../common/errors';
import { paginate, type PageArgs } from '../../common/pagination';
import { Role } from '../../common/roles';
import type { Config } from '../../config';
import { CONFIG } from '../../tokens';
import { Application } from './application.entity';
import type { ApplicationSlugInput, CreateApplicationInput, RegisterArtifactInput } from './application.inputs';
import { Artifact } from './artifact.entity';

const CONTENT_FIELDS = ['imageRef', 'digest', 'commitSha', 'buildUrl'] as const;

@injectable()
export class ApplicationService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    private readonly audit: AuditService,
    private readonly events: EventService,
  ) {}

  async requireApplication(slug: string, manager: EntityManager = this.dataSource.manager): Promise<Application> {
    const application = await manager.getRepository(Application).findOneBy({ slug });
    if (!application) throw notFound('Application', slug);
    return application;
  }

  list(access: Access, args: PageArgs, includeArchived = false) {
    access.require(Role.VIEWER);
    const query = this.dataSource.getRepository(Application).createQueryBuilder('a');
    if (!includeArchived) query.where('a.archived_at IS NULL');
    return paginate(
      query,
      args,
      [
        { expression: 'a.slug', direction: 'ASC', value: (a) => a.slug },
        { expression: 'a.id', direction: 'ASC', value: (a) => a.id },
      ],
      this.config.maxPageSize,
    );
  }

  async findBySlug(access: Access, slug: string): Promise<Application | null> {
    access.require(Role.VIEWER);
    return this.dataSource.getRepository(Application).findOneBy({ slug });
  }

  /** Newest first. */
  artifacts(access: Access, application: Application, args: PageArgs) {
    access.require(Role.VIEWER);
    const query = this.dataSource
      .getRepository(Artifact)
      .createQueryBuilder('r')
      .where('r.application_id = :applicationId', { applicationId: application.id });
    return paginate(
      query,
      args,
      [
        { expression: 'r.created_at', direction: 'DESC', value: (r) => r.createdAt },
        { expression: 'r.id', direction: 'DESC', value: (r) => r.id },
      ],
      this.config.maxPageSize,
    );
  }

  async findArtifact(access: Access, applicationSlug: string, version: string): Promise<Artifact | null> {
    access.require(Role.VIEWER);
    return this.dataSource
      .getRepository(Artifact)
      .createQueryBuilder('r')
      .innerJoin('r.application', 'a')
      .where('a.slug = :applicationSlug AND r.version = :version', { applicationSlug, version })
      .getOne();
  }

  async create(access: Access, input: CreateApplicationInput): Promise<Application> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const applications = manager.getRepository(Application);
        if (await applications.existsBy({ slug: input.slug }))
          throw conflict(`An application with slug '${input.slug}' already exists`);
        const application = await applications.save(
          applications.create({ slug: input.slug, name: input.name, description: input.description ?? '' }),
        );
        await this.audit.record(manager, access, {
          action: 'application.create',
          subjectType: 'Application',
          subjectId: application.id,
          after: snapshot(application),
        });
        return application;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`An application with slug '${input.slug}' already exists`);
      throw error;
    }
  }

  /** Registering the same content again returns the artifact; different content under the same version is a CONFLICT. */
  async registerArtifact(access: Access, input: RegisterArtifactInput): Promise<Artifact> {
    access.requireUnscoped(Role.OPERATOR);
    const content = {
      imageRef: input.imageRef,
      digest: input.digest ?? null,
      commitSha: input.commitSha ?? null,
      buildUrl: input.buildUrl ?? null,
    };
    const attempt = () =>
      this.dataSource.transaction(async (manager) => {
        const application = await this.requireApplication(input.applicationSlug, manager);
        if (application.archivedAt) throw conflict(`Application '${application.slug}' is archived; restore it first`);
        const artifacts = manager.getRepository(Artifact);
        const existing = await artifacts.findOneBy({ applicationId: application.id, version: input.version });
        if (existing) return this.sameContentOrConflict(existing, content, application.slug);
        const artifact = await artifacts.save(
          artifacts.create({
            applicationId: application.id,
            version: input.version,
            sortKey: versionSortKey(input.version),
            registeredBy: access.actor,
            ...content,
          }),
        );
        await this.audit.record(manager, access, {
          action: 'artifact.register',
          subjectType: 'Artifact',
          subjectId: artifact.id,
          after: snapshot(artifact),
        });
        await this.events.append(manager, [
          {
            type: EventType.ARTIFACT_REGISTERED,
            data: { artifactId: artifact.id, applicationId: application.id, version: artifact.version },
          },
        ]);
        return artifact;
      });
    try {
      return await attempt();
    } catch (error) {
      // Two registrations of one version raced; the loser compares against the winner.
      if (isUniqueViolation(error)) return attempt();
      throw error;
    }
  }

  private sameContentOrConflict(
    existing: Artifact,
    content: Pick<Artifact, (typeof CONTENT_FIELDS)[number]>,
    slug: string,
  ): Artifact {
    const differing = CONTENT_FIELDS.filter((field) => existing[field] !== content[field]);
    if (differing.length > 0) {
      throw conflict(
        `${slug} ${existing.version} is already registered with a different ${differing.join(', ')}; artifacts are immutable, register a new version`,
        { differingFields: differing },
      );
    }
    return existing;
  }

  /** Archives an application: it leaves lists and takes no new artifacts; its releases and history stay. */
  archive(access: Access, input: ApplicationSlugInput): Promise<Application> {
    return this.setArchived(access, input, true);
  }

  restore(access: Access, input: ApplicationSlugInput): Promise<Application> {
    return this.setArchived(access, input, false);
  }

  private async setArchived(access: Access, input: ApplicationSlugInput, archive: boolean): Promise<Application> {
    access.requireUnscoped(Role.RELEASE_MANAGER);
    return this.dataSource.transaction(async (manager) => {
      const application = await this.requireApplication(input.slug, manager);
      if (Boolean(application.archivedAt) === archive) return application;
      const before = snapshot(application);
      application.archivedAt = archive ? new Date() : null;
      const saved = await manager.getRepository(Application).save(application);
      await this.audit.record(manager, access, {
        action: archive ? 'application.archive' : 'application.restore',
        subjectType: 'Application',
        subjectId: saved.id,
        reason: input.reason,
        before,
        after: snapshot(saved),
      });
      return saved;
    });
  }
}
