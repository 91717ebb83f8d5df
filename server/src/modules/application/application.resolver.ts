import { injectable } from 'tsyringe';
import { Arg, Args, Ctx, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, PageArgs } from '../../common/pagination';
import type { Context } from '../../graphql/context';
import { Application } from './application.entity';
import { ApplicationSlugInput, CreateApplicationInput, RegisterArtifactInput } from './application.inputs';
import { ApplicationService } from './application.service';
import { Artifact } from './artifact.entity';

@ObjectType()
export class ApplicationConnection extends Connection(Application) {}

@ObjectType()
export class ArtifactConnection extends Connection(Artifact) {}

@injectable()
@Resolver(() => Application)
export class ApplicationResolver {
  constructor(private readonly service: ApplicationService) {}

  @Query(() => ApplicationConnection)
  applications(
    @Ctx() { access }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('includeArchived', () => Boolean, {
      nullable: true,
      description: 'Archived applications too (to restore them); left out by default.',
    })
    includeArchived?: boolean | null,
  ) {
    return this.service.list(access, page, includeArchived ?? false);
  }

  @Query(() => Application, { nullable: true })
  application(@Ctx() { access }: Context, @Arg('slug', () => String) slug: string) {
    return this.service.findBySlug(access, slug);
  }

  @Query(() => Artifact, { nullable: true })
  artifact(
    @Ctx() { access }: Context,
    @Arg('applicationSlug', () => String) applicationSlug: string,
    @Arg('version', () => String) version: string,
  ) {
    return this.service.findArtifact(access, applicationSlug, version);
  }

  @Mutation(() => Application)
  createApplication(@Ctx() { access }: Context, @Arg('input', () => CreateApplicationInput) input: CreateApplicationInput) {
    return this.service.create(access, input);
  }

  @Mutation(() => Artifact, { description: 'Idempotent for the same content; a CONFLICT for different content.' })
  registerArtifact(@Ctx() { access }: Context, @Arg('input', () => RegisterArtifactInput) input: RegisterArtifactInput) {
    return this.service.registerArtifact(access, input);
  }

  @Mutation(() => Application, {
    description: 'Archives an application: it leaves lists and takes no new artifacts; history stays.',
  })
  archiveApplication(@Ctx() { access }: Context, @Arg('input', () => ApplicationSlugInput) input: ApplicationSlugInput) {
    return this.service.archive(access, input);
  }

  @Mutation(() => Application, { description: 'Brings an archived application back.' })
  restoreApplication(@Ctx() { access }: Context, @Arg('input', () => ApplicationSlugInput) input: ApplicationSlugInput) {
    return this.service.restore(access, input);
  }

  @FieldResolver(() => ArtifactConnection, { description: 'Newest first.' })
  artifacts(@Ctx() { access }: Context, @Root() application: Application, @Args(() => PageArgs) page: PageArgs) {
    return this.service.artifacts(access, application, page);
  }
}

@injectable()
@Resolver(() => Artifact)
export class ArtifactResolver {
  @FieldResolver(() => Application)
  application(@Ctx() { loaders }: Context, @Root() artifact: Artifact) {
    return loaders.application.load(artifact.applicationId);
  }
}
