import { ArrayMaxSize, IsInt, IsNumber, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { LabelInput } from '../../common/labels';
import { IsReason } from '../../common/validation';
import { TargetStatus } from './rollout-target.entity';
import { FailurePolicy, RolloutStatus } from './rollout.entity';

@InputType({ description: 'Installations chosen by their tenant and tier; all given parts must match.' })
export class TargetSelectorInput {
  @Field(() => [String], { nullable: true })
  tenantSlugs?: string[] | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Tenants carrying all of these labels.' })
  tenantLabels?: LabelInput[] | null;

  @Field(() => [String], { nullable: true, description: 'Environment tier names.' })
  tiers?: string[] | null;
}

@InputType({
  description:
    'One wave: the remaining targets whose tenant carries these labels, or the next `count` (or `percent`) of them. Targets left after the last wave form a final wave.',
})
export class WaveInput {
  @Field(() => [LabelInput], { nullable: true })
  tenantLabels?: LabelInput[] | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'a wave count must be 1 or more' })
  count?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'a wave percent must be 1 to 100' })
  @Max(100, { message: 'a wave percent must be 1 to 100' })
  percent?: number | null;
}

@InputType()
export class RolloutPlanInput {
  @Field(() => ID)
  releaseId: string;

  @Field(() => [ID], { nullable: true, description: 'Installations chosen one by one.' })
  @IsOptional()
  @ArrayMaxSize(10_000)
  installationIds?: string[] | null;

  @Field(() => TargetSelectorInput, { nullable: true })
  @IsOptional()
  selector?: TargetSelectorInput | null;

  @Field(() => [WaveInput], { nullable: true, description: 'Leave out for a single wave.' })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  waves?: WaveInput[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Start even when a requested wave would take no installation (it is then left out); refused otherwise.',
  })
  @IsOptional()
  allowEmptyWaves?: boolean | null;
}

@InputType()
export class StartRolloutInput extends RolloutPlanInput {
  @Field(() => Int, { nullable: true, description: 'How many installations deploy at once (default 5).' })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'maxParallel must be 1 or more' })
  @Max(1000, { message: 'maxParallel must be at most 1000' })
  maxParallel?: number | null;

  @Field(() => FailurePolicy, { nullable: true, description: 'PAUSE when left out.' })
  @IsOptional()
  failurePolicy?: FailurePolicy | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Fail the rollout when more than this percentage of installations failed (e.g. 12.5).',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'errorBudgetPercent must be a number from 0 to 100' })
  @Min(0, { message: 'errorBudgetPercent must be 0 to 100' })
  @Max(100, { message: 'errorBudgetPercent must be 0 to 100' })
  errorBudgetPercent?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Promote each next wave by itself after this many seconds; otherwise wait for promoteRollout.',
  })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'promoteAfterSeconds must be 0 or more' })
  promoteAfterSeconds?: number | null;

  @Field({ description: 'Why; recorded on every deployment.' })
  @IsReason()
  reason: string;
}

@InputType()
export class RolloutIdInput {
  @Field(() => ID)
  rolloutId: string;
}

@InputType()
export class ResumeRolloutInput extends RolloutIdInput {
  @Field(() => [ID], {
    nullable: true,
    description:
      'Targets yet to start to leave out (SKIPPED, with the reason recorded) before resuming, e.g. those of pendingTargetsOnNewerRelease.',
  })
  @IsOptional()
  @ArrayMaxSize(10_000)
  skipTargetIds?: string[] | null;
}

@InputType()
export class AbortRolloutInput extends RolloutIdInput {
  @Field()
  @IsReason()
  reason: string;
}

@InputType()
export class PauseRolloutInput extends RolloutIdInput {
  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@InputType()
export class TargetIdInput {
  @Field(() => ID)
  targetId: string;
}

@InputType()
export class RetryRolloutTargetInput extends TargetIdInput {
  @Field(() => Boolean, {
    defaultValue: true,
    description:
      'When the rollout is PAUSED, resume it too (the default); false retries only this installation and the rollout stays paused.',
  })
  @IsOptional()
  resume: boolean = true;
}

@InputType()
export class RejectRolloutTargetInput extends TargetIdInput {
  @Field()
  @IsReason()
  reason: string;
}

@InputType()
export class ExcludeRolloutTargetInput extends TargetIdInput {
  @Field({ description: 'Why the installation is left out; recorded on it and in the audit log.' })
  @IsReason()
  reason: string;
}

@InputType()
export class RollbackInstallationInput {
  @Field(() => ID)
  installationId: string;

  @Field(() => [String], { nullable: true, description: 'Applications to roll back; all that can be when left out.' })
  applicationSlugs?: string[] | null;

  @Field()
  @IsReason()
  reason: string;
}

@InputType()
export class RolloutFilter {
  @Field(() => [RolloutStatus], { nullable: true })
  statuses?: RolloutStatus[] | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;
}

@InputType()
export class RolloutTargetFilter {
  @Field(() => [TargetStatus], { nullable: true })
  statuses?: TargetStatus[] | null;

  @Field(() => Int, { nullable: true })
  wave?: number | null;
}
