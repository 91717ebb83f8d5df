import { IsNotEmpty } from 'class-validator';
import { inject, injectable } from 'tsyringe';
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../common/pagination';
import type { Context } from '../../graphql/context';
import { Deployment } from '../deployment/deployment.entity';
import { Rollout } from '../rollout/rollout.entity';
import { Installation } from '../tenant/installation.entity';
import { AttentionAcknowledgement } from './attention-acknowledgement.entity';
import { AttentionService } from './attention.service';
import { AttentionItem, AttentionItemConnection } from './attention.types';

@InputType()
export class AcknowledgeAttentionItemInput {
  @Field({ description: 'The item’s key (AttentionItem.key).' })
  @IsNotEmpty({ message: 'key must name an attention item' })
  key: string;
}

@injectable()
@Resolver(() => AttentionItem)
export class AttentionResolver {
  constructor(@inject(AttentionService) private readonly service: AttentionService) {}

  @Query(() => AttentionItemConnection, {
    description:
      'What needs attention since `since`, latest first: failures grouped by installation, paused and failed rollouts. Acknowledged items are left out unless includeAcknowledged.',
  })
  attention(
    @Ctx() { access }: Context,
    @Arg('since', () => Date) since: Date,
    @Arg('includeAcknowledged', () => Boolean, { defaultValue: false }) includeAcknowledged: boolean,
    @Args(() => PageArgs) page: PageArgs,
  ) {
    return this.service.list(access, since, includeAcknowledged, page);
  }

  @Mutation(() => AttentionAcknowledgement, {
    description: 'Takes an item off "Needs attention" for everyone until it occurs again; recorded with who and when.',
  })
  acknowledgeAttentionItem(
    @Ctx() { access }: Context,
    @Arg('input', () => AcknowledgeAttentionItemInput) input: AcknowledgeAttentionItemInput,
  ) {
    return this.service.acknowledge(access, input.key);
  }

  @FieldResolver(() => Installation, { nullable: true })
  installation(@Ctx() { loaders }: Context, @Root() item: AttentionItem) {
    return item.installationId ? loaders.installation.load(item.installationId) : null;
  }

  @FieldResolver(() => Rollout, { nullable: true })
  rollout(@Ctx() { loaders }: Context, @Root() item: AttentionItem) {
    return item.rolloutId ? loaders.ledger.rollout.load(item.rolloutId) : null;
  }

  @FieldResolver(() => Deployment, { nullable: true, description: 'INSTALLATION: the latest failed deployment.' })
  latestDeployment(@Ctx() { loaders }: Context, @Root() item: AttentionItem) {
    return item.latestDeploymentId ? loaders.ledger.deployment.load(item.latestDeploymentId) : null;
  }
}
