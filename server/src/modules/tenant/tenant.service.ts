import { labelsToRecord } from '@shiplog/shared';
import { inject, injectable } from 'tsyringe';
import { Brackets, DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { AuditService, snapshot } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { isId } from '../../common/ids';
import { assertValidLabels } from '../../common/labels';
import { badInput, conflict, isUniqueViolation, notFound } from '../../common/errors';
import { encodeCursor, pageInfoOf, paginate, pageSize, type Page, type PageArgs, type SortKey } from '../../common/pagination';
import type { Loaders } from '../../graphql/loaders';
import { Role } from '../../common/roles';
import type { Config } from '../../config';
import { CONFIG } from '../../tokens';
import { EnvironmentTier } from '../tier/environment-tier.entity';
import { assertNoOpenRollouts } from './archiving';
import { keepRedactedSecrets, redactDriverConfig, validateDriverConfig } from './driver-config';
import { DeploymentDriver, Installation } from './installation.entity';
import { Release, ReleaseStatus } from '../release/release.entity';
import {
  InstallationOrder,
  ReleaseDrift,
  type DriftFilter,
  type CreateInstallationInput,
  CreateTenantInput,
  type InstallationFilter,
  type InstallationSlugInput,
  type TenantFilter,
  type TenantSlugInput,
  type UpdateInstallationInput,
  type UpdateTenantInput,
} from './tenant.inputs';
import { Tenant } from './tenant.entity';

function likeTerm(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function installationSnapshot(installation: Installation): unknown {
  return snapshot({ ...installation, driverConfig: redactDriverConfig(installation.driverConfig) });
}

@injectable()
export class TenantService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    private readonly audit: AuditService,
  ) {}

  /** A tenant the caller may see, or NOT_FOUND exactly as for a tenant that does not exist. */
  async requireTenant(access: Access, slug: string, manager: EntityManager = this.dataSource.manager): Promise<Tenant> {
    const tenant = await manager.getRepository(Tenant).findOneBy({ slug });
    if (!tenant || !access.canSeeTenant(tenant.id)) throw notFound('Tenant', slug);
    return tenant;
  }

  async findBySlug(access: Access, slug: string): Promise<Tenant | null> {
    access.require(Role.VIEWER);
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
    return tenant && access.canSeeTenant(tenant.id) ? tenant : null;
  }

  /**
   * Labels in use, most used first, for forms that suggest existing values: of active tenants (or of their
   * installations), only those the caller may see, containing `search` when given.
   */
  async labelSuggestions(access: Access, of: 'TENANT' | 'INSTALLATION', search: string | null | undefined, first: number) {
    const scope = access.tenantScope();
    const source =
      of === 'TENANT'
        ? 'SELECT t.labels FROM tenant t WHERE t.archived_at IS NULL AND ($1::uuid[] IS NULL OR t.id = ANY($1))'
        : `SELECT i.labels FROM installation i JOIN tenant t ON t.id = i.tenant_id
            WHERE i.archived_at IS NULL AND t.archived_at IS NULL AND ($1::uuid[] IS NULL OR t.id = ANY($1))`;
    const rows: { key: string; value: string }[] = await this.dataSource.query(
      `SELECT l.key, l.value FROM (${source}) owner, jsonb_each_text(owner.labels) l
        WHERE $2::text IS NULL OR strpos(lower(l.key || '=' || l.value), lower($2)) > 0
        GROUP BY l.key, l.value
        ORDER BY count(*) DESC, l.key, l.value
        LIMIT $3`,
      [scope, search?.trim() || null, first],
    );
    return rows;
  }

  async list(access: Access, args: PageArgs, filter: TenantFilter | null | undefined) {
    const scope = access.tenantScope();
    const query = this.dataSource.getRepository(Tenant).createQueryBuilder('t');
    if (scope !== null) query.andWhere('t.id = ANY(:scope)', { scope });
    if (!filter?.includeArchived) query.andWhere('t.archived_at IS NULL');
    if (filter?.search) {
      const term = likeTerm(filter.search);
      query.andWhere(new Brackets((q) => q.where('t.slug ILIKE :term', { term }).orWhere('t.name ILIKE :term')));
    }
    if (filter?.labels?.length) query.andWhere('t.labels @> :labels', { labels: labelsToRecord(filter.labels) });
    if (filter?.blocked !== undefined && filter.blocked !== null)
      query.andWhere('t.blocked = :blocked', { blocked: filter.blocked });
    if (filter?.tiers?.length) {
      query.andWhere(
        'EXISTS (SELECT 1 FROM installation i JOIN environment_tier et ON et.id = i.tier_id WHERE i.tenant_id = t.id AND i.archived_at IS NULL AND et.name = ANY(:tiers))',
        { tiers: filter.tiers },
      );
    }
    return paginate(
      query,
      args,
      [
        { expression: 't.slug', direction: 'ASC', value: (t) => t.slug },
        { expression: 't.id', direction: 'ASC', value: (t) => t.id },
      ],
      this.config.maxPageSize,
    );
  }

  async create(access: Access, input: CreateTenantInput): Promise<Tenant> {
    access.requireUnscoped(Role.ADMIN);
    assertValidLabels(input.labels ?? []);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tenants = manager.getRepository(Tenant);
        if (await tenants.existsBy({ slug: input.slug })) throw conflict(`A tenant with slug '${input.slug}' already exists`);
        const tenant = await tenants.save(
          tenants.create({
            slug: input.slug,
            name: input.name,
            labels: labelsToRecord(input.labels ?? []),
            contacts: input.contacts ?? [],
          }),
        );
        await this.audit.record(manager, access, {
          action: 'tenant.create',
          subjectType: 'Tenant',
          subjectId: tenant.id,
          tenantId: tenant.id,
          after: snapshot(tenant),
        });
        return tenant;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A tenant with slug '${input.slug}' already exists`);
      throw error;
    }
  }

  async update(access: Access, input: UpdateTenantInput): Promise<Tenant> {
    access.require(Role.ADMIN);
    if (input.labels) assertValidLabels(input.labels);
    return this.dataSource.transaction(async (manager) => {
      const tenant = await this.requireTenant(access, input.slug, manager);
      const before = snapshot(tenant);
      if (input.name != null) tenant.name = input.name;
      if (input.labels != null) tenant.labels = labelsToRecord(input.labels);
      if (input.contacts != null) tenant.contacts = input.contacts;
      if (input.blocked != null) tenant.blocked = input.blocked;
      const saved = await manager.getRepository(Tenant).save(tenant);
      await this.audit.record(manager, access, {
        action:
          input.blocked != null && input.blocked !== (before as Tenant).blocked
            ? input.blocked
              ? 'tenant.block'
              : 'tenant.unblock'
            : 'tenant.update',
        subjectType: 'Tenant',
        subjectId: tenant.id,
        tenantId: tenant.id,
        before,
        after: snapshot(saved),
      });
      return saved;
    });
  }

  private async requireTier(manager: EntityManager, name: string): Promise<EnvironmentTier> {
    const tier = await manager.getRepository(EnvironmentTier).findOneBy({ name });
    if (!tier) throw notFound('Environment tier', name);
    return tier;
  }

  async findInstallation(access: Access, id: string): Promise<Installation | null> {
    access.require(Role.VIEWER);
    if (!isId(id)) return null;
    const installation = await this.dataSource
      .getRepository(Installation)
      .createQueryBuilder('i')
      .where('i.id = :id', { id })
      .getOne();
    return installation && access.canSeeTenant(installation.tenantId) ? installation : null;
  }

  async listInstallations(
    access: Access,
    args: PageArgs,
    filter: InstallationFilter | null | undefined,
    orderBy: InstallationOrder = InstallationOrder.TENANT,
  ) {
    const scope = access.tenantScope();
    const query = this.dataSource
      .getRepository(Installation)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.tenant', 't')
      .innerJoin('i.tier', 'tier');
    if (scope !== null) query.andWhere('i.tenant_id = ANY(:scope)', { scope });
    this.applyInstallationFilter(query, filter);
    const drift = filter?.drift ? await this.driftCount(access, filter.drift) : null;
    if (drift && filter?.drift?.states?.length) query.andWhere(`${drift.expression} > 0`, drift.parameters);
    else if (drift) query.setParameters(drift.parameters);
    const tenantThenInstallation: SortKey<Installation>[] = [
      { expression: 't.slug', direction: 'ASC', value: (i) => i.tenant!.slug },
      { expression: 'i.slug', direction: 'ASC', value: (i) => i.slug },
      { expression: 'i.id', direction: 'ASC', value: (i) => i.id },
    ];
    let sort = tenantThenInstallation;
    if (orderBy === InstallationOrder.INSTALLATION) {
      sort = [
        { expression: 'i.slug', direction: 'ASC', value: (i) => i.slug },
        { expression: 't.slug', direction: 'ASC', value: (i) => i.tenant!.slug },
        { expression: 'i.id', direction: 'ASC', value: (i) => i.id },
      ];
    } else if (orderBy === InstallationOrder.DRIFT) {
      if (!drift) throw badInput(`Ordering by DRIFT needs 'filter.drift': the release to compare with`);
      sort = [
        {
          expression: drift.expression,
          direction: 'DESC',
          alias: 'drift_count',
          value: (_, computed) => Number(computed.drift_count),
        },
        ...tenantThenInstallation,
      ];
    }
    return paginate(query, args, sort, this.config.maxPageSize);
  }

  /**
   * The SQL that counts, for the installation `i`, the compared components of a release that stand in the chosen
   * states (without states: that differ from the release). Versions compare by their sort keys (semver order).
   */
  private async driftCount(access: Access, drift: DriftFilter) {
    access.require(Role.VIEWER);
    const release = isId(drift.releaseId)
      ? await this.dataSource.getRepository(Release).findOneBy({ id: drift.releaseId })
      : null;
    // A tenant's contact sees releases once they are locked; a draft answers as if it did not exist.
    if (!release || (access.tenantScope() !== null && release.status === ReleaseStatus.DRAFT))
      throw notFound('Release', drift.releaseId);
    const states = drift.states?.length ? drift.states : [ReleaseDrift.BEHIND, ReleaseDrift.AHEAD, ReleaseDrift.MISSING];
    const applications = drift.applications?.length ? 'AND app.slug = ANY(:driftApplications)' : '';
    return {
      expression: `(SELECT count(*)::int FROM release_component rc
          JOIN artifact wanted ON wanted.id = rc.artifact_id
          JOIN application app ON app.id = rc.application_id ${applications}
          LEFT JOIN running_artifact ra ON ra.installation_id = i.id AND ra.application_id = rc.application_id
          LEFT JOIN artifact running ON running.id = ra.artifact_id
         WHERE rc.release_id = :driftRelease
           AND CASE WHEN running.id IS NULL THEN 'MISSING'
                    WHEN running.sort_key < wanted.sort_key THEN 'BEHIND'
                    WHEN running.sort_key > wanted.sort_key THEN 'AHEAD'
                    ELSE 'SAME' END = ANY(:driftStates))`,
      parameters: { driftRelease: release.id, driftStates: states, driftApplications: drift.applications ?? [] },
    };
  }

  private applyInstallationFilter(query: SelectQueryBuilder<Installation>, filter: InstallationFilter | null | undefined) {
    if (!filter?.includeArchived) query.andWhere('i.archived_at IS NULL AND t.archived_at IS NULL');
    if (!filter) return;
    if (filter.tenantSlugs?.length) query.andWhere('t.slug = ANY(:tenantSlugs)', { tenantSlugs: filter.tenantSlugs });
    if (filter.tenantLabels?.length)
      query.andWhere('t.labels @> :tenantLabels', { tenantLabels: labelsToRecord(filter.tenantLabels) });
    if (filter.labels?.length) query.andWhere('i.labels @> :labels', { labels: labelsToRecord(filter.labels) });
    if (filter.tiers?.length) query.andWhere('tier.name = ANY(:tiers)', { tiers: filter.tiers });
    if (filter.frozen !== undefined && filter.frozen !== null) query.andWhere('i.frozen = :frozen', { frozen: filter.frozen });
    if (filter.tenantBlocked !== undefined && filter.tenantBlocked !== null)
      query.andWhere('t.blocked = :tenantBlocked', { tenantBlocked: filter.tenantBlocked });
    if (filter.ids) query.andWhere('i.id = ANY(:ids)', { ids: filter.ids.filter(isId) });
    if (filter.search) {
      const term = likeTerm(filter.search);
      query.andWhere(
        new Brackets((q) =>
          q
            .where('i.slug ILIKE :term', { term })
            .orWhere('i.name ILIKE :term')
            .orWhere('t.slug ILIKE :term')
            .orWhere('t.name ILIKE :term'),
        ),
      );
    }
  }

  /**
   * One tenant's installations, for the Tenant.installations field. A first page is batched across all the
   * tenants of a response; later pages are one query each.
   */
  async tenantInstallations(access: Access, loaders: Loaders, tenant: Tenant, args: PageArgs): Promise<Page<Installation>> {
    if (!access.canSeeTenant(tenant.id)) throw notFound('Tenant', tenant.slug);
    if (!args.after) {
      const limit = pageSize(args.first, this.config.maxPageSize);
      const rows = limit === 0 ? [] : await loaders.firstInstallationsByTenant(limit).load(tenant.id);
      const nodes = rows.slice(0, limit);
      const edges = nodes.map((node) => ({ node, cursor: encodeCursor([node.slug, node.id]) }));
      return {
        nodes,
        edges,
        pageInfo: pageInfoOf(edges, rows.length > limit, args.after),
        totalCount: () => loaders.installationCountByTenant.load(tenant.id),
      };
    }
    const query = this.dataSource
      .getRepository(Installation)
      .createQueryBuilder('i')
      .where('i.tenant_id = :tenantId AND i.archived_at IS NULL', { tenantId: tenant.id });
    return paginate(
      query,
      args,
      [
        { expression: 'i.slug', direction: 'ASC', value: (i) => i.slug },
        { expression: 'i.id', direction: 'ASC', value: (i) => i.id },
      ],
      this.config.maxPageSize,
    );
  }

  async createInstallation(access: Access, input: CreateInstallationInput): Promise<Installation> {
    access.require(Role.RELEASE_MANAGER);
    assertValidLabels(input.labels ?? []);
    const driver = input.driver ?? DeploymentDriver.SIMULATED;
    const driverConfig = validateDriverConfig(driver, input.driverConfig, this.config.webhookTargets);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tenant = await this.requireTenant(access, input.tenantSlug, manager);
        const tier = await this.requireTier(manager, input.tier);
        const installations = manager.getRepository(Installation);
        if (await installations.existsBy({ tenantId: tenant.id, slug: input.slug })) {
          throw conflict(`Tenant '${tenant.slug}' already has an installation '${input.slug}'`);
        }
        const installation = await installations.save(
          installations.create({
            tenantId: tenant.id,
            slug: input.slug,
            name: input.name,
            tierId: tier.id,
            labels: labelsToRecord(input.labels ?? []),
            driver,
            driverConfig,
            requiresApproval: input.requiresApproval ?? false,
          }),
        );
        await this.audit.record(manager, access, {
          action: 'installation.create',
          subjectType: 'Installation',
          subjectId: installation.id,
          tenantId: tenant.id,
          after: installationSnapshot(installation),
        });
        return installation;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Tenant '${input.tenantSlug}' already has an installation '${input.slug}'`);
      throw error;
    }
  }

  async updateInstallation(access: Access, input: UpdateInstallationInput): Promise<Installation> {
    access.require(Role.RELEASE_MANAGER);
    if (input.labels) assertValidLabels(input.labels);
    return this.dataSource.transaction(async (manager) => {
      const tenant = await this.requireTenant(access, input.tenantSlug, manager);
      const installations = manager.getRepository(Installation);
      const installation = await installations.findOneBy({ tenantId: tenant.id, slug: input.slug });
      if (!installation) throw notFound('Installation', `${tenant.slug}/${input.slug}`);
      const before = installationSnapshot(installation);
      const wasFrozen = installation.frozen;
      if (input.name != null) installation.name = input.name;
      if (input.tier != null) installation.tierId = (await this.requireTier(manager, input.tier)).id;
      if (input.labels != null) installation.labels = labelsToRecord(input.labels);
      if (input.driver != null || input.driverConfig !== undefined) {
        const driver = input.driver ?? installation.driver;
        const sameDriver = driver === installation.driver;
        const config =
          input.driverConfig !== undefined && input.driverConfig !== null
            ? sameDriver
              ? keepRedactedSecrets(input.driverConfig, installation.driverConfig)
              : input.driverConfig
            : sameDriver
              ? installation.driverConfig
              : {};
        installation.driverConfig = validateDriverConfig(driver, config, this.config.webhookTargets);
        installation.driver = driver;
      }
      if (input.requiresApproval != null) installation.requiresApproval = input.requiresApproval;
      if (input.frozen != null) installation.frozen = input.frozen;
      const saved = await installations.save(installation);
      await this.audit.record(manager, access, {
        action:
          saved.frozen !== wasFrozen ? (saved.frozen ? 'installation.freeze' : 'installation.unfreeze') : 'installation.update',
        subjectType: 'Installation',
        subjectId: saved.id,
        tenantId: tenant.id,
        before,
        after: installationSnapshot(saved),
      });
      return saved;
    });
  }

  /** Archives a tenant: it and its installations leave lists, selectors and rollouts; history stays. */
  async archiveTenant(access: Access, input: TenantSlugInput): Promise<Tenant> {
    access.requireUnscoped(Role.ADMIN);
    return this.dataSource.transaction(async (manager) => {
      const tenant = await this.requireTenant(access, input.slug, manager);
      if (tenant.archivedAt) return tenant;
      const installations = await manager.getRepository(Installation).findBy({ tenantId: tenant.id });
      await assertNoOpenRollouts(
        manager,
        installations.map((i) => i.id),
        `tenant '${tenant.slug}'`,
      );
      return this.setArchived(manager, access, tenant, new Date(), input.reason);
    });
  }

  async restoreTenant(access: Access, input: TenantSlugInput): Promise<Tenant> {
    access.requireUnscoped(Role.ADMIN);
    return this.dataSource.transaction(async (manager) => {
      const tenant = await this.requireTenant(access, input.slug, manager);
      if (!tenant.archivedAt) return tenant;
      return this.setArchived(manager, access, tenant, null, input.reason);
    });
  }

  private async setArchived(
    manager: EntityManager,
    access: Access,
    tenant: Tenant,
    archivedAt: Date | null,
    reason: string | null | undefined,
  ): Promise<Tenant> {
    const before = snapshot(tenant);
    tenant.archivedAt = archivedAt;
    const saved = await manager.getRepository(Tenant).save(tenant);
    await this.audit.record(manager, access, {
      action: archivedAt ? 'tenant.archive' : 'tenant.restore',
      subjectType: 'Tenant',
      subjectId: tenant.id,
      tenantId: tenant.id,
      reason,
      before,
      after: snapshot(saved),
    });
    return saved;
  }

  /** Archives an installation: it leaves lists, selectors and rollouts; its history stays. */
  async archiveInstallation(access: Access, input: InstallationSlugInput): Promise<Installation> {
    access.require(Role.RELEASE_MANAGER);
    return this.dataSource.transaction(async (manager) => {
      const installation = await this.requireInstallation(manager, access, input);
      if (installation.archivedAt) return installation;
      await assertNoOpenRollouts(manager, [installation.id], `installation '${input.tenantSlug}/${installation.slug}'`);
      return this.setInstallationArchived(manager, access, installation, new Date(), input.reason);
    });
  }

  async restoreInstallation(access: Access, input: InstallationSlugInput): Promise<Installation> {
    access.require(Role.RELEASE_MANAGER);
    return this.dataSource.transaction(async (manager) => {
      const installation = await this.requireInstallation(manager, access, input);
      if (!installation.archivedAt) return installation;
      return this.setInstallationArchived(manager, access, installation, null, input.reason);
    });
  }

  private async requireInstallation(
    manager: EntityManager,
    access: Access,
    input: { tenantSlug: string; slug: string },
  ): Promise<Installation> {
    const tenant = await this.requireTenant(access, input.tenantSlug, manager);
    const installation = await manager.getRepository(Installation).findOneBy({ tenantId: tenant.id, slug: input.slug });
    if (!installation) throw notFound('Installation', `${tenant.slug}/${input.slug}`);
    return installation;
  }

  private async setInstallationArchived(
    manager: EntityManager,
    access: Access,
    installation: Installation,
    archivedAt: Date | null,
    reason: string | null | undefined,
  ): Promise<Installation> {
    const before = installationSnapshot(installation);
    installation.archivedAt = archivedAt;
    const saved = await manager.getRepository(Installation).save(installation);
    await this.audit.record(manager, access, {
      action: archivedAt ? 'installation.archive' : 'installation.restore',
      subjectType: 'Installation',
      subjectId: saved.id,
      tenantId: saved.tenantId,
      reason,
      before,
      after: installationSnapshot(saved),
    });
    return saved;
  }
}
