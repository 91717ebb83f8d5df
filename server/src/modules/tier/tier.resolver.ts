import { injectable } from 'tsyringe';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { EnvironmentTier } from './environment-tier.entity';
import { CreateEnvironmentTierInput } from './tier.inputs';
import { TierService } from './tier.service';

@injectable()
@Resolver(() => EnvironmentTier)
export class TierResolver {
  constructor(private readonly tiers: TierService) {}

  @Query(() => [EnvironmentTier], { description: 'The pipeline stages, in order.' })
  environmentTiers(@Ctx() { access }: Context) {
    return this.tiers.list(access);
  }

  @Mutation(() => EnvironmentTier)
  createEnvironmentTier(
    @Ctx() { access }: Context,
    @Arg('input', () => CreateEnvironmentTierInput) input: CreateEnvironmentTierInput,
  ) {
    return this.tiers.create(access, input);
  }
}
