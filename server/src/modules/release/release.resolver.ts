import { injectable } from 'tsyringe';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, LIST_FIRST_DESCRIPTION, listLimit, MAX_LIST_ITEMS, PageArgs } from '../../common/pagination';
import type { Context } from '../../graphql/context';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { Installation } from '../tenant/installation.entity';
import { InstallationConnection } from '../tenant/tenant.resolver';
import { ReleaseComponent } from './release-component.entity';
import { ReleaseTrack } from './release-track.entity';
import { ArtifactSelection, Release, ReleaseStatus } from './release.entity';
import {
  CreateReleaseInput,
  CreateReleaseTrackInput,
  ReleaseTrackSlugInput,
  LockReleaseInput,
  ReleaseFilter,
  RescindReleaseInput,
  SetReleaseComponentsInput,
  UnlockReleaseInput,
  DeleteReleaseInput,
  UpdateReleaseInstructionsInput,
} from './release.inputs';
import { artifactSelection, lockBlockers } from './release.rules';
import { ReleaseService } from './release.service';

@ObjectType()
export class ReleaseConnection extends Connection(Release) {}

@injectable()
@Resolver(() => ReleaseTrack)
export class ReleaseTrackResolver {
  constructor(private readonly service: ReleaseService) {}

  @Query(() => [ReleaseTrack], { description: 'Release tracks by slug.' })
  releaseTracks(
    @Ctx() { access }: Context,
    @Arg('includeArchived', () => Boolean, {
      nullable: true,
      description: 'Archived tracks too (to restore them); left out by default.',
    })
    includeArchived?: boolean | null,
  ) {
    return this.service.listTracks(access, includeArchived ?? false);
  }

  @Query(() => ReleaseTrack, { nullable: true })
  releaseTrack(@Ctx() { access }: Context, @Arg('slug', () => String) slug: string) {
    return this.service.findTrack(access, slug);
  }

  @Mutation(() => ReleaseTrack)
  createReleaseTrack(@Ctx() { access }: Context, @Arg('input', () => CreateReleaseTrackInput) input: CreateReleaseTrackInput) {
    return this.service.createTrack(access, input);
  }

  @Mutation(() => ReleaseTrack, {
    description: 'Archives a release track: it leaves lists and takes no new releases; history stays.',
  })
  archiveReleaseTrack(@Ctx() { access }: Context, @Arg('input', () => ReleaseTrackSlugInput) input: ReleaseTrackSlugInput) {
    return this.service.archiveTrack(access, input);
  }

  @Mutation(() => ReleaseTrack, { description: 'Brings an archived release track back.' })
  restoreReleaseTrack(@Ctx() { access }: Context, @Arg('input', () => ReleaseTrackSlugInput) input: ReleaseTrackSlugInput) {
    return this.service.restoreTrack(access, input);
  }

  @FieldResolver(() => ReleaseConnection, { description: 'Highest version first.' })
  releases(
    @Ctx() { access }: Context,
    @Root() track: ReleaseTrack,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ReleaseFilter, { nullable: true }) filter?: ReleaseFilter,
  ) {
    return this.service.releases(access, track, page, filter);
  }
}

@injectable()
@Resolver(() => Release)
export class ReleaseResolver {
  constructor(private readonly service: ReleaseService) {}

  @Query(() => ReleaseConnection, { description: 'Releases of every track, the most recently changed first.' })
  releases(
    @Ctx() { access }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ReleaseFilter, { nullable: true }) filter?: ReleaseFilter,
  ) {
    return this.service.recentReleases(access, page, filter);
  }

  @Query(() => Release, { nullable: true })
  release(@Ctx() { access }: Context, @Arg('id', () => ID) id: string) {
    return this.service.find(access, id);
  }

  @Mutation(() => Release)
  createRelease(@Ctx() { access }: Context, @Arg('input', () => CreateReleaseInput) input: CreateReleaseInput) {
    return this.service.create(access, input);
  }

  @Mutation(() => Release, { description: 'Replaces the components of a DRAFT release.' })
  setReleaseComponents(
    @Ctx() { access }: Context,
    @Arg('input', () => SetReleaseComponentsInput) input: SetReleaseComponentsInput,
  ) {
    return this.service.setComponents(access, input);
  }

  @Mutation(() => Release)
  updateReleaseInstructions(
    @Ctx() { access }: Context,
    @Arg('input', () => UpdateReleaseInstructionsInput) input: UpdateReleaseInstructionsInput,
  ) {
    return this.service.updateInstructions(access, input);
  }

  @Mutation(() => Release, { description: 'Locks the requirements; refused with the list of what still blocks it.' })
  lockRelease(@Ctx() { access }: Context, @Arg('input', () => LockReleaseInput) input: LockReleaseInput) {
    return this.service.lock(access, input.releaseId);
  }

  @Mutation(() => ID, {
    description:
      'Deletes a release that was never locked (a draft created by mistake); answers its id. CONFLICT once it has been locked.',
  })
  deleteRelease(@Ctx() { access }: Context, @Arg('input', () => DeleteReleaseInput) input: DeleteReleaseInput) {
    return this.service.delete(access, input);
  }

  @Mutation(() => Release)
  unlockRelease(@Ctx() { access }: Context, @Arg('input', () => UnlockReleaseInput) input: UnlockReleaseInput) {
    return this.service.unlock(access, input);
  }

  @Mutation(() => Release)
  rescindRelease(@Ctx() { access }: Context, @Arg('input', () => RescindReleaseInput) input: RescindReleaseInput) {
    return this.service.rescind(access, input);
  }

  @FieldResolver(() => [Installation], {
    description: 'Installations running at least one of its artifacts now; after a rescind, the ones to roll back.',
  })
  async installationsRunning(
    @Ctx() { access }: Context,
    @Root() release: Release,
    @Arg('first', () => Int, { defaultValue: MAX_LIST_ITEMS, description: LIST_FIRST_DESCRIPTION }) first: number,
  ) {
    return (await this.service.installationsRunning(access, release, { first: listLimit(first) }, MAX_LIST_ITEMS)).nodes;
  }

  @FieldResolver(() => InstallationConnection, { description: 'installationsRunning a page at a time.' })
  installationsRunningConnection(@Ctx() { access }: Context, @Root() release: Release, @Args(() => PageArgs) page: PageArgs) {
    return this.service.installationsRunning(access, release, page);
  }

  @FieldResolver(() => ReleaseTrack)
  track(@Ctx() { loaders }: Context, @Root() release: Release) {
    return loaders.track.load(release.trackId);
  }

  @FieldResolver(() => [ReleaseComponent], { description: 'In stage order.' })
  components(@Ctx() { loaders }: Context, @Root() release: Release) {
    return loaders.componentsByRelease.load(release.id);
  }

  @FieldResolver(() => ArtifactSelection)
  async artifactSelection(@Ctx() { loaders }: Context, @Root() release: Release) {
    return artifactSelection(await loaders.componentsByRelease.load(release.id));
  }

  @FieldResolver(() => [String], {
    description: 'What still stops locking this release; empty when it can be locked or is not editable.',
  })
  async lockBlockers(@Ctx() { loaders }: Context, @Root() release: Release) {
    if (release.status !== ReleaseStatus.DRAFT && release.status !== ReleaseStatus.ON_HOLD) return [];
    const components = await loaders.componentsByRelease.load(release.id);
    const applications = await loaders.application.loadMany(components.map((component) => component.applicationId));
    return lockBlockers(
      components.map((component, index) => {
        const application = applications[index];
        return { ...component, applicationSlug: application instanceof Application ? application.slug : component.applicationId };
      }),
    );
  }
}

@injectable()
@Resolver(() => ReleaseComponent)
export class ReleaseComponentResolver {
  @FieldResolver(() => Application)
  application(@Ctx() { loaders }: Context, @Root() component: ReleaseComponent) {
    return loaders.application.load(component.applicationId);
  }

  @FieldResolver(() => Artifact, { nullable: true })
  artifact(@Ctx() { loaders }: Context, @Root() component: ReleaseComponent) {
    return component.artifactId ? loaders.artifact.load(component.artifactId) : null;
  }
}

@injectable()
@Resolver(() => Installation)
export class InstallationReleaseResolver {
  constructor(private readonly service: ReleaseService) {}

  @FieldResolver(() => Release, {
    nullable: true,
    description:
      'The newest LOCKED release of the track whose every component runs here now (same artifact per application); null when none does.',
  })
  matchingRelease(
    @Ctx() { access, loaders }: Context,
    @Root() installation: Installation,
    @Arg('track', () => String, { description: 'The release track slug.' }) track: string,
  ) {
    return this.service.matchingRelease(access, loaders, installation, track);
  }
}
