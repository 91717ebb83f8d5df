import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ConfigurationKind {
  TIER = 'TIER',
  APPLICATION = 'APPLICATION',
  RELEASE_TRACK = 'RELEASE_TRACK',
  TENANT = 'TENANT',
  INSTALLATION = 'INSTALLATION',
}
registerEnumType(ConfigurationKind, {
  name: 'ConfigurationKind',
  description: 'A kind of object configuration as code declares.',
});

@ObjectType({ description: 'One field that changes; secrets read only as (set), (changed) or (removed).' })
export class ConfigurationFieldChange {
  @Field({ description: 'e.g. labels, driverConfig.url' })
  field: string;

  @Field(() => String, { nullable: true })
  before: string | null;

  @Field(() => String, { nullable: true })
  after: string | null;
}

@ObjectType({ description: 'An object that is created, updated or archived.' })
export class ConfigurationChange {
  @Field({ description: 'The slug (tenant/slug for an installation, the name for a tier).' })
  key: string;

  @Field(() => [ConfigurationFieldChange], { description: 'For an update, what changes.' })
  fields: ConfigurationFieldChange[];
}

@ObjectType({ description: 'What a plan does to one kind of object.' })
export class ConfigurationKindPlan {
  @Field(() => ConfigurationKind)
  kind: ConfigurationKind;

  @Field(() => [ConfigurationChange])
  creates: ConfigurationChange[];

  @Field(() => [ConfigurationChange])
  updates: ConfigurationChange[];

  @Field(() => [ConfigurationChange], { description: 'Archived by prune (never deleted).' })
  archives: ConfigurationChange[];

  @Field(() => Int, { description: 'Declared objects that already are as declared.' })
  unchangedCount: number;
}

@ObjectType({ description: 'What applying configuration documents does (or did).' })
export class ConfigurationPlan {
  @Field(() => Int, { description: 'Creates, updates and archives over all kinds; 0 when everything is as declared.' })
  changeCount: number;

  @Field(() => [ConfigurationKindPlan], { description: 'One per kind, in the order they are applied.' })
  kinds: ConfigurationKindPlan[];

  @Field(() => String, {
    nullable: true,
    description: 'For an apply that changed something: the change set its audit events share (auditEvents filter changeSetId).',
  })
  changeSetId: string | null;
}
