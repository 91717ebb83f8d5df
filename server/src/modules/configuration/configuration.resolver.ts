import { GraphQLJSON } from 'graphql-scalars';
import { injectable } from 'tsyringe';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { ConfigurationInput } from './configuration.inputs';
import { ConfigurationPlan } from './configuration.plan';
import { ConfigurationService } from './configuration.service';

@injectable()
@Resolver()
export class ConfigurationResolver {
  constructor(private readonly service: ConfigurationService) {}

  @Query(() => ConfigurationPlan, {
    description:
      'What applying these configuration documents would create, update and (with prune) archive; changes nothing. ADMIN with access to every tenant.',
  })
  planConfiguration(@Ctx() { access }: Context, @Arg('input', () => ConfigurationInput) input: ConfigurationInput) {
    return this.service.plan(access, input);
  }

  @Mutation(() => ConfigurationPlan, {
    description:
      'Applies the plan of these documents in one transaction, audited as one change set; the same documents again change nothing.',
  })
  applyConfiguration(@Ctx() { access }: Context, @Arg('input', () => ConfigurationInput) input: ConfigurationInput) {
    return this.service.apply(access, input);
  }

  @Query(() => GraphQLJSON, {
    description:
      'The current configuration as documents (tiers, applications, release tracks, tenants with their installations; archived ones left out). Secrets read back as ********, which an apply reads as "keep the stored secret". ADMIN with access to every tenant.',
  })
  exportConfiguration(@Ctx() { access }: Context) {
    return this.service.export(access);
  }
}
