import { recordToLabels } from '@shiplog/shared';
import { GraphQLJSON } from 'graphql-scalars';
import { injectable } from 'tsyringe';
import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
  Root,
} from 'type-graphql';
import { Label } from '../../common/labels';
import { Connection, listLimit, PageArgs } from '../../common/pagination';
import type { Context } from '../../graphql/context';
import { EnvironmentTier } from '../tier/environment-tier.entity';
import { redactDriverConfig } from './driver-config';
import { Installation } from './installation.entity';
import {
  CreateInstallationInput,
  CreateTenantInput,
  InstallationFilter,
  InstallationOrder,
  InstallationSlugInput,
  TenantFilter,
  TenantSlugInput,
  UpdateInstallationInput,
  UpdateTenantInput,
} from './tenant.inputs';
import { Tenant } from './tenant.entity';
import { TenantService } from './tenant.service';

@ObjectType()
export class TenantConnection extends Connection(Tenant) {}

@ObjectType()
export class InstallationConnection extends Connection(Installation) {}

export enum LabelOwner {
  TENANT = 'TENANT',
  INSTALLATION = 'INSTALLATION',
}
registerEnumType(LabelOwner, { name: 'LabelOwner', description: 'What carries the labels.' });

@injectable()
@Resolver(() => Tenant)
export class TenantResolver {
  constructor(private readonly service: TenantService) {}

  @Query(() => TenantConnection, { description: 'Tenants by slug; a tenant-scoped caller sees only its own.' })
  tenants(
    @Ctx() { access }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => TenantFilter, { nullable: true }) filter?: TenantFilter,
  ) {
    return this.service.list(access, page, filter);
  }

  @Query(() => [Label], {
    description:
      'key=value labels in use on tenants (or installations), most used first, for suggesting existing values; a tenant-scoped caller sees its own.',
  })
  labelSuggestions(
    @Ctx() { access }: Context,
    @Arg('of', () => LabelOwner, { defaultValue: LabelOwner.TENANT }) of: LabelOwner,
    @Arg('search', () => String, { nullable: true, description: 'Part of key=value.' }) search: string | null,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many (default 20, at most 1000).' }) first: number,
  ) {
    return this.service.labelSuggestions(access, of, search, listLimit(first));
  }

  @Query(() => Tenant, { nullable: true })
  tenant(@Ctx() { access }: Context, @Arg('slug', () => String) slug: string) {
    return this.service.findBySlug(access, slug);
  }

  @Mutation(() => Tenant)
  createTenant(@Ctx() { access }: Context, @Arg('input', () => CreateTenantInput) input: CreateTenantInput) {
    return this.service.create(access, input);
  }

  @Mutation(() => Tenant)
  updateTenant(@Ctx() { access }: Context, @Arg('input', () => UpdateTenantInput) input: UpdateTenantInput) {
    return this.service.update(access, input);
  }

  @Mutation(() => Tenant, {
    description:
      'Archives a tenant: it and its installations leave lists, selectors and rollouts (history stays). Refused with CONFLICT while an unfinished rollout has work on one of its installations.',
  })
  archiveTenant(@Ctx() { access }: Context, @Arg('input', () => TenantSlugInput) input: TenantSlugInput) {
    return this.service.archiveTenant(access, input);
  }

  @Mutation(() => Tenant, {
    description: 'Brings an archived tenant back, with its installations that were not archived themselves.',
  })
  restoreTenant(@Ctx() { access }: Context, @Arg('input', () => TenantSlugInput) input: TenantSlugInput) {
    return this.service.restoreTenant(access, input);
  }

  @FieldResolver(() => [Label])
  labels(@Root() tenant: Tenant): Label[] {
    return recordToLabels(tenant.labels);
  }

  @FieldResolver(() => InstallationConnection)
  installations(@Ctx() { access, loaders }: Context, @Root() tenant: Tenant, @Args(() => PageArgs) page: PageArgs) {
    return this.service.tenantInstallations(access, loaders, tenant, page);
  }

  @FieldResolver(() => Int)
  installationCount(@Ctx() { loaders }: Context, @Root() tenant: Tenant) {
    return loaders.installationCountByTenant.load(tenant.id);
  }
}

@injectable()
@Resolver(() => Installation)
export class InstallationResolver {
  constructor(private readonly service: TenantService) {}

  @Query(() => InstallationConnection, {
    description: 'Installations by tenant and slug, across the tenants the caller may see.',
  })
  installations(
    @Ctx() { access }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => InstallationFilter, { nullable: true }) filter?: InstallationFilter,
    @Arg('orderBy', () => InstallationOrder, { nullable: true, defaultValue: InstallationOrder.TENANT })
    orderBy?: InstallationOrder,
  ) {
    return this.service.listInstallations(access, page, filter, orderBy ?? InstallationOrder.TENANT);
  }

  @Query(() => Installation, { nullable: true })
  installation(@Ctx() { access }: Context, @Arg('id', () => ID) id: string) {
    return this.service.findInstallation(access, id);
  }

  @Mutation(() => Installation)
  createInstallation(@Ctx() { access }: Context, @Arg('input', () => CreateInstallationInput) input: CreateInstallationInput) {
    return this.service.createInstallation(access, input);
  }

  @Mutation(() => Installation)
  updateInstallation(@Ctx() { access }: Context, @Arg('input', () => UpdateInstallationInput) input: UpdateInstallationInput) {
    return this.service.updateInstallation(access, input);
  }

  @Mutation(() => Installation, {
    description:
      'Archives an installation: it leaves lists, selectors and rollouts (history stays). Refused with CONFLICT while an unfinished rollout has work on it.',
  })
  archiveInstallation(@Ctx() { access }: Context, @Arg('input', () => InstallationSlugInput) input: InstallationSlugInput) {
    return this.service.archiveInstallation(access, input);
  }

  @Mutation(() => Installation, { description: 'Brings an archived installation back.' })
  restoreInstallation(@Ctx() { access }: Context, @Arg('input', () => InstallationSlugInput) input: InstallationSlugInput) {
    return this.service.restoreInstallation(access, input);
  }

  @FieldResolver(() => Tenant)
  async tenant(@Ctx() { loaders }: Context, @Root() installation: Installation) {
    return installation.tenant ?? loaders.tenant.load(installation.tenantId);
  }

  @FieldResolver(() => EnvironmentTier)
  tier(@Ctx() { loaders }: Context, @Root() installation: Installation) {
    return loaders.tier.load(installation.tierId);
  }

  @FieldResolver(() => [Label])
  labels(@Root() installation: Installation): Label[] {
    return recordToLabels(installation.labels);
  }

  @FieldResolver(() => GraphQLJSON, { description: 'Driver settings; secrets read back as ********.' })
  driverConfig(@Root() installation: Installation) {
    return redactDriverConfig(installation.driverConfig);
  }
}
