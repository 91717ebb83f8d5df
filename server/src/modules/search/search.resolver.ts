import { injectable } from 'tsyringe';
import { Arg, createUnionType, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { Artifact } from '../application/artifact.entity';
import { Release } from '../release/release.entity';
import { Installation } from '../tenant/installation.entity';
import { Tenant } from '../tenant/tenant.entity';
import { DEFAULT_SEARCH_RESULTS, MAX_SEARCH_RESULTS, SearchService } from './search.service';

export const SearchResult = createUnionType({
  name: 'SearchResult',
  description: 'Something the search found.',
  types: () => [Tenant, Installation, Release, Artifact] as const,
  resolveType: (value) => {
    if (value instanceof Tenant) return Tenant;
    if (value instanceof Installation) return Installation;
    if (value instanceof Release) return Release;
    return Artifact;
  },
});

@injectable()
@Resolver()
export class SearchResolver {
  constructor(private readonly service: SearchService) {}

  @Query(() => [SearchResult], {
    description:
      'Tenants, installations, releases and artifacts (by version, image or digest) matching the text, grouped in that ' +
      'order, each kind taking its share of `first`. A tenant-scoped caller finds only its own tenants and installations.',
  })
  search(
    @Ctx() { access }: Context,
    @Arg('query', () => String) query: string,
    @Arg('first', () => Int, {
      defaultValue: DEFAULT_SEARCH_RESULTS,
      description: `How many results (default ${DEFAULT_SEARCH_RESULTS}, at most ${MAX_SEARCH_RESULTS}).`,
    })
    first: number,
  ) {
    return this.service.search(access, query, first);
  }
}
