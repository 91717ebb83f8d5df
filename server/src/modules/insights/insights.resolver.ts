import { injectable } from 'tsyringe';
import { Arg, Ctx, Field, Float, FieldResolver, Int, ObjectType, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { listLimit, MAX_LIST_ITEMS } from '../../common/pagination';
import type { Context } from '../../graphql/context';
import { Application } from '../application/application.entity';
import { Release } from '../release/release.entity';
import { Tenant } from '../tenant/tenant.entity';
import { EnvironmentTier } from '../tier/environment-tier.entity';
import { InsightsPeriod, InsightsService } from './insights.service';

registerEnumType(InsightsPeriod, {
  name: 'InsightsPeriod',
  description: 'How far back insights look, ending now.',
  valuesConfig: {
    LAST_7_DAYS: { description: 'The last 7 days (7 × 24 hours).' },
    LAST_30_DAYS: { description: 'The last 30 days.' },
    LAST_90_DAYS: { description: 'The last 90 days.' },
  },
});

const INSIGHTS_DEFAULT = 100;
const INSIGHTS_FIRST = `How many rows (default ${INSIGHTS_DEFAULT}, at most ${MAX_LIST_ITEMS}).`;
const SUCCESS_RATE =
  'SUCCEEDED / (SUCCEEDED + FAILED) over ROLLOUT deployments (every attempt; rollbacks, skipped and cancelled ones left out) that finished in the period, from 0 to 1.';

@ObjectType({ description: `A tenant's deployment outcomes over the period. successRate: ${SUCCESS_RATE}` })
export class TenantSuccessRate {
  tenantId: string;

  @Field(() => Float, { description: SUCCESS_RATE })
  successRate: number;

  @Field(() => Int, { description: 'ROLLOUT deployments that finished SUCCEEDED in the period.' })
  succeeded: number;

  @Field(() => Int, { description: 'ROLLOUT deployments that finished FAILED in the period.' })
  failed: number;
}

@ObjectType({ description: `An application's deployment outcomes over the period. successRate: ${SUCCESS_RATE}` })
export class ApplicationSuccessRate {
  applicationId: string;

  @Field(() => Float, { description: SUCCESS_RATE })
  successRate: number;

  @Field(() => Int, { description: 'ROLLOUT deployments of the application that finished SUCCEEDED in the period.' })
  succeeded: number;

  @Field(() => Int, { description: 'ROLLOUT deployments of the application that finished FAILED in the period.' })
  failed: number;
}

@ObjectType({
  description:
    "Lock to arrival for one release in one tier: from the release's first lock to the moment each installation of the tier had all of it (the last SUCCEEDED deployment of a SUCCEEDED rollout target), over the installations it first reached in the period.",
})
export class ReleaseArrival {
  releaseId: string;
  tierId: string;

  @Field(() => Int, { description: 'Installations of the tier the release reached in the period.' })
  installationsReached: number;

  @Field(() => Float, { description: 'The median lock-to-arrival time over those installations, in seconds.' })
  medianSeconds: number;

  @Field(() => Float, { description: 'The longest lock-to-arrival time over those installations, in seconds.' })
  maxSeconds: number;
}

@ObjectType({
  description:
    'Success rates and lock-to-arrival times over a period ending now, counted only within the tenants the caller may see.',
})
export class Insights {
  @Field(() => InsightsPeriod)
  period: InsightsPeriod;

  @Field({ description: 'The start of the period.' })
  since: Date;

  @Field({ description: 'The end of the period: when the answer was computed.' })
  until: Date;
}

@injectable()
@Resolver(() => Insights)
export class InsightsResolver {
  constructor(private readonly service: InsightsService) {}

  @Query(() => Insights, { description: 'Success rates per tenant and application, and lock-to-arrival per release and tier.' })
  insights(
    @Ctx() { access }: Context,
    @Arg('period', () => InsightsPeriod, { defaultValue: InsightsPeriod.LAST_30_DAYS }) period: InsightsPeriod,
  ): Insights {
    access.tenantScope();
    const until = new Date();
    return { period, since: this.service.since(period, until), until };
  }

  @FieldResolver(() => [TenantSuccessRate], {
    description:
      'Per tenant with a finished ROLLOUT deployment in the period: lowest success rate first, then most failures, then by name.',
  })
  async tenants(
    @Ctx() { access }: Context,
    @Root() insights: Insights,
    @Arg('first', () => Int, { defaultValue: INSIGHTS_DEFAULT, description: INSIGHTS_FIRST }) first: number,
  ): Promise<TenantSuccessRate[]> {
    const rows = await this.service.tenantRates(access, insights.since, listLimit(first));
    return rows.map(({ id, ...rest }) => ({ tenantId: id, ...rest }));
  }

  @FieldResolver(() => [ApplicationSuccessRate], {
    description:
      'Per application with a finished ROLLOUT deployment in the period: lowest success rate first, then most failures, then by name.',
  })
  async applications(
    @Ctx() { access }: Context,
    @Root() insights: Insights,
    @Arg('first', () => Int, { defaultValue: INSIGHTS_DEFAULT, description: INSIGHTS_FIRST }) first: number,
  ): Promise<ApplicationSuccessRate[]> {
    const rows = await this.service.applicationRates(access, insights.since, listLimit(first));
    return rows.map(({ id, ...rest }) => ({ applicationId: id, ...rest }));
  }

  @FieldResolver(() => [ReleaseArrival], {
    description: 'Per release and tier reached in the period: newest first locked release first, then by tier rank.',
  })
  arrivals(
    @Ctx() { access }: Context,
    @Root() insights: Insights,
    @Arg('first', () => Int, { defaultValue: INSIGHTS_DEFAULT, description: INSIGHTS_FIRST }) first: number,
  ): Promise<ReleaseArrival[]> {
    return this.service.arrivals(access, insights.since, listLimit(first));
  }
}

@Resolver(() => TenantSuccessRate)
export class TenantSuccessRateResolver {
  @FieldResolver(() => Tenant)
  async tenant(@Ctx() { loaders }: Context, @Root() row: TenantSuccessRate): Promise<Tenant> {
    return (await loaders.tenant.load(row.tenantId))!;
  }
}

@Resolver(() => ApplicationSuccessRate)
export class ApplicationSuccessRateResolver {
  @FieldResolver(() => Application)
  async application(@Ctx() { loaders }: Context, @Root() row: ApplicationSuccessRate): Promise<Application> {
    return (await loaders.application.load(row.applicationId))!;
  }
}

@Resolver(() => ReleaseArrival)
export class ReleaseArrivalResolver {
  @FieldResolver(() => Release)
  async release(@Ctx() { loaders }: Context, @Root() row: ReleaseArrival): Promise<Release> {
    return (await loaders.release.load(row.releaseId))!;
  }

  @FieldResolver(() => EnvironmentTier)
  async tier(@Ctx() { loaders }: Context, @Root() row: ReleaseArrival): Promise<EnvironmentTier> {
    return (await loaders.tier.load(row.tierId))!;
  }
}
