import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { Release } from '../release/release.entity';
import { Installation } from '../tenant/installation.entity';
import { RolloutTarget, TargetStatus } from './rollout-target.entity';
import { Rollout } from './rollout.entity';

export enum PlannedAction {
  DEPLOY = 'DEPLOY',
  SKIP = 'SKIP',
}
registerEnumType(PlannedAction, {
  name: 'PlannedAction',
  valuesConfig: { SKIP: { description: 'The installation already runs this artifact.' } },
});

@ObjectType()
export class PlannedDeployment {
  @Field(() => Application)
  application: Application;

  @Field(() => Artifact)
  artifact: Artifact;

  @Field(() => PlannedAction)
  action: PlannedAction;

  @Field(() => Artifact, { nullable: true, description: 'What runs there now.' })
  running: Artifact | null;
}

@ObjectType()
export class PlannedStage {
  @Field(() => Int)
  stage: number;

  @Field(() => [PlannedDeployment])
  deployments: PlannedDeployment[];
}

@ObjectType()
export class PlannedTarget {
  @Field(() => Installation)
  installation: Installation;

  @Field(() => Int)
  wave: number;

  @Field({ description: 'Waits for approval before deploying.' })
  requiresApproval: boolean;

  @Field(() => [PlannedStage])
  stages: PlannedStage[];
}

@ObjectType()
export class ExcludedInstallation {
  @Field(() => Installation)
  installation: Installation;

  @Field()
  reason: string;
}

@ObjectType({ description: 'One wave as requested (and the last wave that takes the rest), with how many it would take.' })
export class PlannedWave {
  @Field(() => Int, { description: 'Its position in the request, from 1; the wave of the rest comes last.' })
  index: number;

  @Field({ description: 'What it takes, in words: "tenants labelled cohort=early", "first 3", "25 %", "the rest", "all".' })
  label: string;

  @Field(() => Int, { description: 'How many installations it would take; 0 for a wave that would be empty.' })
  targetCount: number;
}

@ObjectType({ description: 'An installation of the plan that another unfinished rollout also targets and has not finished.' })
export class RolloutOverlap {
  @Field(() => Installation)
  installation: Installation;

  @Field(() => Rollout, { description: 'The other rollout.' })
  rollout: Rollout;

  @Field(() => TargetStatus, { description: "The installation's status in the other rollout." })
  targetStatus: TargetStatus;
}

@ObjectType({ description: 'A target yet to start whose installation already runs a newer release of the same track.' })
export class TargetOnNewerRelease {
  @Field(() => RolloutTarget)
  target: RolloutTarget;

  @Field(() => Release, { description: 'The newest release of the track with an artifact running there.' })
  newerRelease: Release;
}

export enum PromotionMissing {
  SUCCESS = 'SUCCESS',
  VERIFICATION = 'VERIFICATION',
}
registerEnumType(PromotionMissing, {
  name: 'PromotionMissing',
  description:
    'What a tier promotion rule still waits for: the release to succeed on the required tier, or a passed verification there.',
});

@ObjectType({ description: "A tier's promotion rule the release does not meet yet, as data: one blocker each." })
export class PromotionGap {
  @Field(() => String, { description: 'The tier being rolled out to.' })
  tier: string;

  @Field(() => String, { description: 'The tier its rule names.' })
  requiredTier: string;

  @Field(() => PromotionMissing)
  missing: PromotionMissing;
}

@ObjectType({ description: 'What a rollout would do; nothing is changed.' })
export class RolloutPlan {
  @Field(() => Release)
  release: Release;

  @Field(() => Int, { description: 'How many waves would run; empty waves do not run.' })
  waveCount: number;

  @Field(() => [PlannedWave], { description: 'Every requested wave, empty ones included, then the wave of the rest.' })
  waves: PlannedWave[];

  /** Answered by RolloutPlanResolver, a part at a time. */
  targets: PlannedTarget[];

  excluded: ExcludedInstallation[];

  /** Answered by RolloutPlanResolver, a part at a time. */
  overlaps: RolloutOverlap[];

  @Field(() => [String], { description: 'Why startRollout would be refused; empty when it can start.' })
  blockers: string[];

  @Field(() => [PromotionGap], {
    description: 'The promotion rules among the blockers, as data, so a client can link to what would meet them.',
  })
  promotionGaps: PromotionGap[];

  @Field(() => Int)
  deploymentCount: number;

  @Field(() => Int)
  skipCount: number;
}
