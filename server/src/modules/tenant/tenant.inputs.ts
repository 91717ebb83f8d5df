import { GraphQLJSON } from 'graphql-scalars';
import { ArrayMaxSize, IsBoolean, IsOptional, MaxLength, ValidateBy, ValidateNested } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { LabelInput } from '../../common/labels';
import { IsName, IsSlug } from '../../common/validation';
import { DeploymentDriver } from './installation.entity';

/** Driver settings are a handful of keys; this bounds what every installation row and dispatch job carries. */
export const MAX_DRIVER_CONFIG_BYTES = 16 * 1024;

function DriverConfigSize(): PropertyDecorator {
  return ValidateBy({
    name: 'driverConfigSize',
    validator: {
      validate: (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? null), 'utf8') <= MAX_DRIVER_CONFIG_BYTES,
      defaultMessage: () => `must be at most ${MAX_DRIVER_CONFIG_BYTES / 1024} KB as JSON`,
    },
  });
}

@InputType()
export class CreateTenantInput {
  @Field()
  @IsSlug()
  slug: string;

  @Field()
  @IsName()
  name: string;

  @Field(() => [LabelInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  labels?: LabelInput[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @MaxLength(200, { each: true })
  contacts?: string[] | null;
}

@InputType({ description: 'Fields left out keep their value.' })
export class UpdateTenantInput {
  @Field({ description: 'Which tenant.' })
  slug: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsName()
  name?: string | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Replaces all labels.' })
  @IsOptional()
  @ArrayMaxSize(50)
  labels?: LabelInput[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @MaxLength(200, { each: true })
  contacts?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  blocked?: boolean | null;
}

@InputType()
export class CreateInstallationInput {
  @Field()
  tenantSlug: string;

  @Field({ description: 'Unique within the tenant.' })
  @IsSlug()
  slug: string;

  @Field()
  @IsName()
  name: string;

  @Field({ description: 'The name of an environment tier.' })
  tier: string;

  @Field(() => [LabelInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  labels?: LabelInput[] | null;

  @Field(() => DeploymentDriver, { nullable: true, description: 'SIMULATED when left out.' })
  @IsOptional()
  driver?: DeploymentDriver | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @IsOptional()
  @DriverConfigSize()
  driverConfig?: unknown;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  requiresApproval?: boolean | null;
}

@InputType({ description: 'Fields left out keep their value.' })
export class UpdateInstallationInput {
  @Field()
  tenantSlug: string;

  @Field({ description: 'Which installation of the tenant.' })
  slug: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsName()
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  tier?: string | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Replaces all labels.' })
  @IsOptional()
  @ArrayMaxSize(50)
  labels?: LabelInput[] | null;

  @Field(() => DeploymentDriver, { nullable: true })
  @IsOptional()
  driver?: DeploymentDriver | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Replaces the driver settings; required when the driver changes.' })
  @IsOptional()
  @DriverConfigSize()
  driverConfig?: unknown;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  requiresApproval?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  frozen?: boolean | null;
}

@InputType({ description: 'Which tenant to archive or restore.' })
export class TenantSlugInput {
  @Field()
  slug: string;

  @Field(() => String, { nullable: true, description: 'Why, for the audit log.' })
  @IsOptional()
  @MaxLength(1000)
  reason?: string | null;
}

@InputType({ description: 'Which installation to archive or restore.' })
export class InstallationSlugInput {
  @Field()
  tenantSlug: string;

  @Field()
  slug: string;

  @Field(() => String, { nullable: true, description: 'Why, for the audit log.' })
  @IsOptional()
  @MaxLength(1000)
  reason?: string | null;
}

@InputType()
export class TenantFilter {
  @Field(() => String, { nullable: true, description: 'Text in the slug or name.' })
  search?: string | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Tenants carrying all of these labels.' })
  labels?: LabelInput[] | null;

  @Field(() => Boolean, { nullable: true })
  blocked?: boolean | null;

  @Field(() => [String], { nullable: true, description: 'Tenants with an installation on one of these tiers.' })
  tiers?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Archived tenants too (to restore them); left out by default.' })
  includeArchived?: boolean | null;
}

/** How the version an installation runs of one application stands against a release's version of it. */
export enum ReleaseDrift {
  SAME = 'SAME',
  BEHIND = 'BEHIND',
  AHEAD = 'AHEAD',
  MISSING = 'MISSING',
}

registerEnumType(ReleaseDrift, {
  name: 'ReleaseDrift',
  description: 'How what runs stands against a release, per application.',
  valuesConfig: {
    SAME: { description: 'The release’s version runs.' },
    BEHIND: { description: 'An older version than the release’s runs.' },
    AHEAD: { description: 'A newer version than the release’s runs.' },
    MISSING: { description: 'The release has the application; nothing of it runs.' },
  },
});

export enum InstallationOrder {
  TENANT = 'TENANT',
  INSTALLATION = 'INSTALLATION',
  DRIFT = 'DRIFT',
}

registerEnumType(InstallationOrder, {
  name: 'InstallationOrder',
  description: 'The order of an installation list.',
  valuesConfig: {
    TENANT: { description: 'By tenant slug, then installation slug (the default).' },
    INSTALLATION: { description: 'By installation slug, then tenant slug.' },
    DRIFT: {
      description:
        'Most drifted first: by how many of the release’s components (of `filter.drift`) are in the chosen states (or differ from the release when no states are chosen), then by tenant and installation. Needs `filter.drift`.',
    },
  },
});

@InputType({ description: 'Installations compared with a release, application by application.' })
export class DriftFilter {
  @Field(() => ID, { description: 'The release to compare with.' })
  releaseId: string;

  @Field(() => [ReleaseDrift], {
    nullable: true,
    description:
      'Installations where at least one compared application is in one of these states; none or empty: no installation is left out (the comparison only orders).',
  })
  @IsOptional()
  @ArrayMaxSize(4)
  states?: ReleaseDrift[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Compare only these applications (slugs); default: every component of the release.',
  })
  @IsOptional()
  @ArrayMaxSize(100)
  applications?: string[] | null;
}

@InputType()
export class InstallationFilter {
  @Field(() => [String], { nullable: true })
  tenantSlugs?: string[] | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Installations whose tenant carries all of these labels.' })
  tenantLabels?: LabelInput[] | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Installations carrying all of these labels.' })
  labels?: LabelInput[] | null;

  @Field(() => [String], { nullable: true })
  tiers?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  frozen?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Installations whose tenant is (true) or is not (false) blocked.' })
  tenantBlocked?: boolean | null;

  @Field(() => [ID], { nullable: true })
  ids?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Text in the installation or tenant slug or name.' })
  search?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Archived installations (and those of archived tenants) too, to restore them; left out by default.',
  })
  includeArchived?: boolean | null;

  @Field(() => DriftFilter, { nullable: true, description: 'Installations whose versions stand against a release as chosen.' })
  @IsOptional()
  @ValidateNested()
  drift?: DriftFilter | null;
}
