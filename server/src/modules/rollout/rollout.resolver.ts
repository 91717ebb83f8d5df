import { inject, injectable } from 'tsyringe';
import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { DataSource } from 'typeorm';
import { badInput } from '../../common/errors';
import { Connection, LIST_FIRST_DESCRIPTION, listLimit, MAX_LIST_ITEMS, PageArgs } from '../../common/pagination';
import type { Context } from '../../graphql/context';
import { rolloutReasonFor } from '../../auth/visibility';
import { Deployment } from '../deployment/deployment.entity';
import { Release } from '../release/release.entity';
import { Installation } from '../tenant/installation.entity';
import { RolloutTarget, TargetStatus } from './rollout-target.entity';
import { Rollout } from './rollout.entity';
import {
  AbortRolloutInput,
  PauseRolloutInput,
  ExcludeRolloutTargetInput,
  RejectRolloutTargetInput,
  ResumeRolloutInput,
  RetryRolloutTargetInput,
  RolloutFilter,
  RolloutIdInput,
  RolloutPlanInput,
  RolloutTargetFilter,
  StartRolloutInput,
  TargetIdInput,
} from './rollout.inputs';
import { ExcludedInstallation, PlannedTarget, RolloutOverlap, RolloutPlan, TargetOnNewerRelease } from './rollout.plan';
import { RolloutService } from './rollout.service';

@ObjectType()
export class RolloutConnection extends Connection(Rollout) {}

/** A target's deployments: one per component per attempt. */
const TARGET_DEPLOYMENTS_DEFAULT = 100;

@ObjectType()
export class RolloutTargetConnection extends Connection(RolloutTarget) {}

@ObjectType({ description: 'How far a rollout is: installations by status.' })
export class RolloutProgress {
  @Field(() => Int)
  total: number;

  @Field(() => Int)
  pending: number;

  @Field(() => Int)
  awaitingApproval: number;

  @Field(() => Int)
  running: number;

  @Field(() => Int)
  succeeded: number;

  @Field(() => Int)
  failed: number;

  @Field(() => Int)
  skipped: number;

  @Field(() => Int)
  rolledBack: number;

  @Field(() => Int)
  cancelled: number;

  @Field(() => Int)
  rejected: number;

  @Field(() => Int, { description: 'Installations a person left out of the rollout (excludeRolloutTarget).' })
  excluded: number;

  @Field(() => Int, { description: 'Installations that have finished, in any way.' })
  finished: number;

  @Field(() => Int, { description: 'finished / total, 0 to 100.' })
  percentComplete: number;
}

@injectable()
@Resolver(() => Rollout)
export class RolloutResolver {
  constructor(
    private readonly service: RolloutService,
    @inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Query(() => Rollout, { nullable: true })
  rollout(@Ctx() { access }: Context, @Arg('id', () => ID) id: string) {
    return this.service.find(access, id);
  }

  @Query(() => RolloutConnection, { description: 'Newest first.' })
  rollouts(
    @Ctx() { access }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => RolloutFilter, { nullable: true }) filter?: RolloutFilter,
  ) {
    return this.service.list(access, page, filter);
  }

  @Query(() => RolloutPlan, { description: 'What startRollout would do with this input; changes nothing.' })
  previewRollout(@Ctx() { access }: Context, @Arg('input', () => RolloutPlanInput) input: RolloutPlanInput) {
    return this.service.preview(access, input);
  }

  @Mutation(() => Rollout)
  startRollout(@Ctx() { access }: Context, @Arg('input', () => StartRolloutInput) input: StartRolloutInput) {
    return this.service.start(access, input);
  }

  @Mutation(() => Rollout)
  pauseRollout(@Ctx() { access }: Context, @Arg('input', () => PauseRolloutInput) input: PauseRolloutInput) {
    return this.service.pause(access, input);
  }

  @Mutation(() => Rollout)
  resumeRollout(@Ctx() { access }: Context, @Arg('input', () => ResumeRolloutInput) input: ResumeRolloutInput) {
    return this.service.resume(access, input.rolloutId, input.skipTargetIds ?? []);
  }

  @Mutation(() => Rollout)
  abortRollout(@Ctx() { access }: Context, @Arg('input', () => AbortRolloutInput) input: AbortRolloutInput) {
    return this.service.abort(access, input);
  }

  @Mutation(() => Rollout, { description: 'Starts the next wave of a rollout WAITING_FOR_PROMOTION.' })
  promoteRollout(@Ctx() { access }: Context, @Arg('input', () => RolloutIdInput) input: RolloutIdInput) {
    return this.service.promote(access, input.rolloutId);
  }

  @Mutation(() => RolloutTarget)
  approveRolloutTarget(@Ctx() { access }: Context, @Arg('input', () => TargetIdInput) input: TargetIdInput) {
    return this.service.approve(access, input.targetId);
  }

  @Mutation(() => RolloutTarget)
  rejectRolloutTarget(@Ctx() { access }: Context, @Arg('input', () => RejectRolloutTargetInput) input: RejectRolloutTargetInput) {
    return this.service.reject(access, input);
  }

  @Mutation(() => RolloutTarget, {
    description:
      'Leaves a FAILED or not yet started installation out of a PAUSED rollout (EXCLUDED, with the reason); nothing more is deployed there by this rollout, which can then be resumed.',
  })
  excludeRolloutTarget(
    @Ctx() { access }: Context,
    @Arg('input', () => ExcludeRolloutTargetInput) input: ExcludeRolloutTargetInput,
  ) {
    return this.service.exclude(access, input);
  }

  @Mutation(() => RolloutTarget, {
    description:
      'Redeploys what failed on a FAILED installation and goes on from there; a PAUSED rollout resumes unless resume is false, and a rollout WAITING_FOR_PROMOTION of that wave runs again until the installation finishes.',
  })
  retryRolloutTarget(@Ctx() { access }: Context, @Arg('input', () => RetryRolloutTargetInput) input: RetryRolloutTargetInput) {
    return this.service.retry(access, input.targetId, input.resume ?? true);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Why it is paused, failed or aborted; a caller who cannot see every tenant it reaches reads what the status means.',
  })
  async statusReason(@Ctx() context: Context, @Root() rollout: Rollout): Promise<string | null> {
    if (rollout.statusReason === null || context.access.tenantScope() === null) return rollout.statusReason;
    const reachesOthers = await context.loaders.ledger.reachesOtherTenants.load(rollout.id);
    return rolloutReasonFor(context.access, rollout.status, rollout.statusReason, reachesOthers);
  }

  @FieldResolver(() => [TargetOnNewerRelease], {
    description:
      'Targets yet to start (PENDING or AWAITING_APPROVAL) whose installation already runs an artifact of a newer release of the track: resuming would downgrade them. In wave order; a tenant-scoped caller sees its own installations.',
  })
  pendingTargetsOnNewerRelease(
    @Ctx() { access }: Context,
    @Root() rollout: Rollout,
    @Arg('first', () => Int, { defaultValue: MAX_LIST_ITEMS, description: LIST_FIRST_DESCRIPTION }) first: number,
  ) {
    return this.service.pendingTargetsOnNewerRelease(access, rollout, listLimit(first));
  }

  @FieldResolver(() => Release)
  release(@Ctx() { loaders }: Context, @Root() rollout: Rollout) {
    return loaders.release.load(rollout.releaseId);
  }

  @FieldResolver(() => [RolloutTarget], { description: 'In wave order; a tenant-scoped caller sees its own installations.' })
  async targets(
    @Ctx() { access }: Context,
    @Root() rollout: Rollout,
    @Arg('first', () => Int, { defaultValue: MAX_LIST_ITEMS, description: LIST_FIRST_DESCRIPTION }) first: number,
    @Arg('filter', () => RolloutTargetFilter, { nullable: true }) filter?: RolloutTargetFilter,
  ) {
    return (await this.service.targets(access, rollout, filter, { first: listLimit(first) })).nodes;
  }

  @FieldResolver(() => RolloutTargetConnection, {
    description: `The targets a page at a time (first: at most ${MAX_LIST_ITEMS}).`,
  })
  targetConnection(
    @Ctx() { access }: Context,
    @Root() rollout: Rollout,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => RolloutTargetFilter, { nullable: true }) filter?: RolloutTargetFilter,
  ) {
    return this.service.targets(access, rollout, filter, page);
  }

  @FieldResolver(() => RolloutProgress)
  async progress(@Ctx() context: Context, @Root() rollout: Rollout): Promise<RolloutProgress> {
    const { total, byStatus } = await context.loaders.ledger.targetCounts.load(rollout.id);
    const count = (status: TargetStatus) => byStatus[status] ?? 0;
    const finished =
      count(TargetStatus.SUCCEEDED) +
      count(TargetStatus.FAILED) +
      count(TargetStatus.SKIPPED) +
      count(TargetStatus.ROLLED_BACK) +
      count(TargetStatus.CANCELLED) +
      count(TargetStatus.REJECTED) +
      count(TargetStatus.EXCLUDED);
    return {
      total,
      pending: count(TargetStatus.PENDING),
      awaitingApproval: count(TargetStatus.AWAITING_APPROVAL),
      running: count(TargetStatus.RUNNING),
      succeeded: count(TargetStatus.SUCCEEDED),
      failed: count(TargetStatus.FAILED),
      skipped: count(TargetStatus.SKIPPED),
      rolledBack: count(TargetStatus.ROLLED_BACK),
      cancelled: count(TargetStatus.CANCELLED),
      rejected: count(TargetStatus.REJECTED),
      excluded: count(TargetStatus.EXCLUDED),
      finished,
      percentComplete: total === 0 ? 100 : Math.floor((finished * 100) / total),
    };
  }
}

@injectable()
@Resolver(() => RolloutTarget)
export class RolloutTargetResolver {
  constructor(@inject(DataSource) private readonly dataSource: DataSource) {}

  @FieldResolver(() => Installation)
  installation(@Ctx() { loaders }: Context, @Root() target: RolloutTarget) {
    return loaders.installation.load(target.installationId);
  }

  @FieldResolver(() => Rollout)
  rollout(@Ctx() context: Context, @Root() target: RolloutTarget) {
    return context.loaders.ledger.rollout.load(target.rolloutId);
  }

  @FieldResolver(() => [Deployment], {
    description: 'The deployments of this installation in the rollout, retries included, in order.',
  })
  deployments(
    @Ctx() context: Context,
    @Root() target: RolloutTarget,
    @Arg('first', () => Int, {
      defaultValue: TARGET_DEPLOYMENTS_DEFAULT,
      description: `How many (default ${TARGET_DEPLOYMENTS_DEFAULT}, at most ${MAX_LIST_ITEMS}).`,
    })
    first: number,
  ) {
    return context.loaders.ledger.deploymentsByTarget(listLimit(first)).load(target.id);
  }
}

/** The plan is computed whole (its blockers and counts need every target); its lists are answered a part at a time. */
@Resolver(() => RolloutPlan)
export class RolloutPlanResolver {
  @FieldResolver(() => [PlannedTarget], {
    description: 'In wave order; page with after: the installation id of the last target of the previous page.',
  })
  targets(
    @Root() plan: RolloutPlan,
    @Arg('first', () => Int, { defaultValue: MAX_LIST_ITEMS, description: LIST_FIRST_DESCRIPTION }) first: number,
    @Arg('after', () => ID, { nullable: true }) after?: string | null,
  ): PlannedTarget[] {
    const limit = listLimit(first);
    let start = 0;
    if (after) {
      const index = plan.targets.findIndex((target) => target.installation.id === after);
      if (index < 0) throw badInput(`'after' is not the installation of a target of this plan`);
      start = index + 1;
    }
    return plan.targets.slice(start, start + limit);
  }

  @FieldResolver(() => Int, { description: 'How many installations the rollout would reach.' })
  targetCount(@Root() plan: RolloutPlan): number {
    return plan.targets.length;
  }

  @FieldResolver(() => [ExcludedInstallation], { description: 'Installations the selector matched but no rollout may touch.' })
  excluded(
    @Root() plan: RolloutPlan,
    @Arg('first', () => Int, { defaultValue: MAX_LIST_ITEMS, description: LIST_FIRST_DESCRIPTION }) first: number,
  ): ExcludedInstallation[] {
    return plan.excluded.slice(0, listLimit(first));
  }

  @FieldResolver(() => Int)
  excludedCount(@Root() plan: RolloutPlan): number {
    return plan.excluded.length;
  }

  @FieldResolver(() => [RolloutOverlap], {
    description: 'Installations of the plan that another unfinished rollout also targets and has not finished there.',
  })
  overlaps(
    @Root() plan: RolloutPlan,
    @Arg('first', () => Int, { defaultValue: MAX_LIST_ITEMS, description: LIST_FIRST_DESCRIPTION }) first: number,
  ): RolloutOverlap[] {
    return plan.overlaps.slice(0, listLimit(first));
  }

  @FieldResolver(() => Int)
  overlapCount(@Root() plan: RolloutPlan): number {
    return plan.overlaps.length;
  }
}

@injectable()
@Resolver(() => Installation)
export class InstallationRolloutsResolver {
  constructor(private readonly service: RolloutService) {}

  @FieldResolver(() => RolloutTargetConnection, {
    description: 'The rollouts that touched this installation, as its targets in them, newest rollout first.',
  })
  rolloutTargets(@Ctx() { access }: Context, @Root() installation: Installation, @Args(() => PageArgs) page: PageArgs) {
    return this.service.installationTargets(access, installation, page);
  }
}
