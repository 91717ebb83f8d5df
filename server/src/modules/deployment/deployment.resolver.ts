import { inject, injectable } from 'tsyringe';
import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { DataSource } from 'typeorm';
import { Connection, LIST_FIRST_DESCRIPTION, listLimit, MAX_LIST_ITEMS, PageArgs } from '../../common/pagination';
import type { Context } from '../../graphql/context';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { RollbackInstallationInput } from '../rollout/rollout.inputs';
import { RolloutTarget } from '../rollout/rollout-target.entity';
import { Rollout } from '../rollout/rollout.entity';
import { Installation } from '../tenant/installation.entity';
import { InstallationConnection } from '../tenant/tenant.resolver';
import { EnvironmentTier } from '../tier/environment-tier.entity';
import { Deployment } from './deployment.entity';
import { AppendDeploymentLogInput, DeploymentFilter, RecordVerificationInput, ReportDeploymentInput } from './deployment.inputs';
import { DeploymentService } from './deployment.service';
import { Verification } from './verification.entity';

@ObjectType()
export class DeploymentConnection extends Connection(Deployment) {}

@ObjectType()
export class LogLine {
  @Field()
  at: Date;

  @Field()
  line: string;
}

@ObjectType()
export class LogLineConnection extends Connection(LogLine) {}

/** Nested lists that grow slowly (a deployment's verifications, a target's attempts) default to this many items. */
const NESTED_LIST_DEFAULT = 100;

@ObjectType({ description: 'What runs on an installation for one application.' })
export class RunningApplication {
  @Field(() => Application)
  application: Application;

  @Field(() => Artifact)
  artifact: Artifact;

  @Field({ description: 'Running since.' })
  since: Date;

  @Field(() => Deployment, { description: 'The deployment that put it there.' })
  deployment: Deployment;
}

@ObjectType({ description: 'How many deployments finished on one day (UTC), by outcome.' })
export class DeploymentDayStat {
  @Field({ description: 'The UTC day, YYYY-MM-DD.' })
  day: string;

  @Field(() => Int)
  succeeded: number;

  @Field(() => Int)
  failed: number;
}

@injectable()
@Resolver(() => Deployment)
export class DeploymentResolver {
  constructor(
    private readonly service: DeploymentService,
    @inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @Query(() => Deployment, { nullable: true })
  deployment(@Ctx() { access }: Context, @Arg('id', () => ID) id: string) {
    return this.service.find(access, id);
  }

  @Query(() => DeploymentConnection, { description: 'The ledger, newest first.' })
  deployments(
    @Ctx() { access }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => DeploymentFilter, { nullable: true }) filter?: DeploymentFilter,
  ) {
    return this.service.list(access, page, filter);
  }

  @Query(() => [DeploymentDayStat], {
    description:
      'Deployments that finished SUCCEEDED or FAILED per UTC day, oldest first, ending today; days without any are zeros.',
  })
  deploymentStats(
    @Ctx() { access }: Context,
    @Arg('days', () => Int, { defaultValue: 28, description: 'How many days, today included (1 to 366).' }) days: number,
  ) {
    return this.service.dailyStats(access, days);
  }

  @Query(() => [Installation], { description: 'Installations running this artifact now, by tenant and installation.' })
  async whereIs(
    @Ctx() { access }: Context,
    @Arg('applicationSlug', () => String) applicationSlug: string,
    @Arg('version', () => String) version: string,
    @Arg('first', () => Int, { defaultValue: MAX_LIST_ITEMS, description: LIST_FIRST_DESCRIPTION }) first: number,
  ) {
    return (await this.service.whereIs(access, applicationSlug, version, { first: listLimit(first) }, MAX_LIST_ITEMS)).nodes;
  }

  @Query(() => InstallationConnection, { description: 'whereIs a page at a time.' })
  whereIsConnection(
    @Ctx() { access }: Context,
    @Arg('applicationSlug', () => String) applicationSlug: string,
    @Arg('version', () => String) version: string,
    @Args(() => PageArgs) page: PageArgs,
  ) {
    return this.service.whereIs(access, applicationSlug, version, page);
  }

  @Mutation(() => Deployment, { description: 'Idempotent: the same report again changes nothing.' })
  reportDeployment(@Ctx() { access }: Context, @Arg('input', () => ReportDeploymentInput) input: ReportDeploymentInput) {
    return this.service.report(access, input);
  }

  @Mutation(() => Deployment)
  appendDeploymentLog(@Ctx() { access }: Context, @Arg('input', () => AppendDeploymentLogInput) input: AppendDeploymentLogInput) {
    return this.service.appendLog(access, input.deploymentId, input.lines);
  }

  @Mutation(() => Verification)
  recordVerification(@Ctx() { access }: Context, @Arg('input', () => RecordVerificationInput) input: RecordVerificationInput) {
    return this.service.recordVerification(access, input);
  }

  @Mutation(() => [Deployment], { description: "Redeploys each application's last known good artifact on the installation." })
  rollbackInstallation(
    @Ctx() { access }: Context,
    @Arg('input', () => RollbackInstallationInput) input: RollbackInstallationInput,
  ) {
    return this.service.rollbackInstallation(access, input.installationId, input.applicationSlugs, input.reason);
  }

  @FieldResolver(() => Installation)
  installation(@Ctx() { loaders }: Context, @Root() deployment: Deployment) {
    return loaders.installation.load(deployment.installationId);
  }

  @FieldResolver(() => Application)
  application(@Ctx() { loaders }: Context, @Root() deployment: Deployment) {
    return loaders.application.load(deployment.applicationId);
  }

  @FieldResolver(() => Artifact)
  artifact(@Ctx() { loaders }: Context, @Root() deployment: Deployment) {
    return loaders.artifact.load(deployment.artifactId);
  }

  @FieldResolver(() => Rollout, { nullable: true })
  rollout(@Ctx() context: Context, @Root() deployment: Deployment) {
    return deployment.rolloutId ? context.loaders.ledger.rollout.load(deployment.rolloutId) : null;
  }

  @FieldResolver(() => RolloutTarget, { nullable: true })
  target(@Ctx() context: Context, @Root() deployment: Deployment) {
    return deployment.targetId ? context.loaders.ledger.target.load(deployment.targetId) : null;
  }

  @FieldResolver(() => Deployment, {
    nullable: true,
    description: 'The deployment this one retries (its attempt is one more) or rolls back; null for a first attempt.',
  })
  previousDeployment(@Ctx() context: Context, @Root() deployment: Deployment) {
    return deployment.previousDeploymentId ? context.loaders.ledger.deployment.load(deployment.previousDeploymentId) : null;
  }

  @FieldResolver(() => [LogLine], { description: 'The first lines of the log, in the order they arrived; logLines pages.' })
  log(
    @Ctx() context: Context,
    @Root() deployment: Deployment,
    @Arg('first', () => Int, { defaultValue: MAX_LIST_ITEMS, description: LIST_FIRST_DESCRIPTION }) first: number,
  ) {
    return context.loaders.ledger.logLines(listLimit(first)).load(deployment.id);
  }

  @FieldResolver(() => LogLineConnection, {
    description: `The log a page at a time, in the order the lines arrived (first: at most ${MAX_LIST_ITEMS}).`,
  })
  logLines(@Root() deployment: Deployment, @Args(() => PageArgs) page: PageArgs) {
    return this.service.logLines(deployment, page);
  }

  @FieldResolver(() => [Verification], { description: 'In the order they were recorded.' })
  verifications(
    @Ctx() context: Context,
    @Root() deployment: Deployment,
    @Arg('first', () => Int, {
      defaultValue: NESTED_LIST_DEFAULT,
      description: `How many (default ${NESTED_LIST_DEFAULT}, at most ${MAX_LIST_ITEMS}).`,
    })
    first: number,
  ) {
    return context.loaders.ledger.verifications(listLimit(first)).load(deployment.id);
  }
}

@Resolver(() => RunningApplication)
export class RunningApplicationResolver {
  @FieldResolver(() => Artifact, {
    nullable: true,
    description:
      'What rollbackInstallation would return this application to: the artifact that last ran here successfully before the current one; null when there is none.',
  })
  async rollbackTo(@Ctx() { loaders }: Context, @Root() running: RunningApplication): Promise<Artifact | null> {
    const options = await loaders.ledger.rollback.load(running.deployment.installationId);
    const artifactId = options.previous.get(running.application.id);
    return artifactId ? loaders.artifact.load(artifactId) : null;
  }

  @FieldResolver(() => Boolean, {
    description: 'A deployment of this application is queued or in progress here; a rollback must wait for it.',
  })
  async deploying(@Ctx() { loaders }: Context, @Root() running: RunningApplication): Promise<boolean> {
    return (await loaders.ledger.rollback.load(running.deployment.installationId)).busy.has(running.application.id);
  }
}

@injectable()
@Resolver(() => Installation)
export class InstallationLedgerResolver {
  constructor(@inject(DataSource) private readonly dataSource: DataSource) {}

  @FieldResolver(() => [RunningApplication], {
    description: "Each application's current artifact, since when, by which deployment.",
  })
  async running(@Ctx() context: Context, @Root() installation: Installation): Promise<RunningApplication[]> {
    const rows = await context.loaders.ledger.running.load(installation.id);
    const { loaders } = context;
    const deployments = await Promise.all(rows.map((row) => context.loaders.ledger.deployment.load(row.deploymentId)));
    // All look-ups at once, so a page of installations shares one batch per kind instead of one per row.
    const [applications, artifacts] = await Promise.all([
      Promise.all(rows.map((row) => loaders.application.load(row.applicationId))),
      Promise.all(rows.map((row) => loaders.artifact.load(row.artifactId))),
    ]);
    const result: RunningApplication[] = [];
    for (const [index, row] of rows.entries()) {
      const application = applications[index];
      const artifact = artifacts[index];
      const deployment = deployments[index];
      if (application && artifact && deployment) result.push({ application, artifact, since: row.since, deployment });
    }
    return result.sort((a, b) => a.application.slug.localeCompare(b.application.slug));
  }
}

@ObjectType({ description: 'One place an artifact reached: a successful deployment, with its tier and verifications.' })
export class JourneyStep {
  @Field(() => Deployment)
  deployment: Deployment;

  @Field(() => Installation)
  installation: Installation;

  @Field(() => EnvironmentTier)
  tier: EnvironmentTier;

  @Field({ description: 'When it got there.' })
  at: Date;
}

@ObjectType()
export class JourneyStepConnection extends Connection(JourneyStep) {}

@injectable()
@Resolver(() => JourneyStep)
export class JourneyStepResolver {
  constructor(@inject(DataSource) private readonly dataSource: DataSource) {}

  @FieldResolver(() => [Verification], { description: 'In the order they were recorded.' })
  verifications(
    @Ctx() context: Context,
    @Root() step: JourneyStep,
    @Arg('first', () => Int, {
      defaultValue: NESTED_LIST_DEFAULT,
      description: `How many (default ${NESTED_LIST_DEFAULT}, at most ${MAX_LIST_ITEMS}).`,
    })
    first: number,
  ) {
    return context.loaders.ledger.verifications(listLimit(first)).load(step.deployment.id);
  }
}

@injectable()
@Resolver(() => Artifact)
export class ArtifactJourneyResolver {
  constructor(private readonly service: DeploymentService) {}

  @FieldResolver(() => [JourneyStep], {
    description:
      'Every installation and tier the artifact reached, in time order, with verifications: "was it verified before prod?"',
  })
  async journey(
    @Ctx() context: Context,
    @Root() artifact: Artifact,
    @Arg('first', () => Int, { defaultValue: MAX_LIST_ITEMS, description: LIST_FIRST_DESCRIPTION }) first: number,
  ): Promise<JourneyStep[]> {
    const page = await this.service.journey(context.access, artifact.id, { first: listLimit(first) }, MAX_LIST_ITEMS);
    return this.steps(context, page.nodes);
  }

  @FieldResolver(() => JourneyStepConnection, { description: 'The journey a page at a time.' })
  async journeyConnection(@Ctx() context: Context, @Root() artifact: Artifact, @Args(() => PageArgs) args: PageArgs) {
    const page = await this.service.journey(context.access, artifact.id, args);
    const steps = await this.steps(context, page.nodes);
    return {
      ...page,
      nodes: steps,
      edges: page.edges.map((edge, index) => ({ cursor: edge.cursor, node: steps[index] })),
    };
  }

  /** Every deployment has its installation and tier (foreign keys), so each one becomes a step. */
  private async steps(context: Context, deployments: Deployment[]): Promise<JourneyStep[]> {
    return Promise.all(
      deployments.map(async (deployment) => {
        const installation = (await context.loaders.installation.load(deployment.installationId))!;
        const tier = (await context.loaders.tier.load(installation.tierId))!;
        return { deployment, installation, tier, at: deployment.finishedAt! };
      }),
    );
  }
}
