import { inject, injectable } from 'tsyringe';
import { Brackets, DataSource } from 'typeorm';
import type { Access } from '../../auth/access';
import { badInput } from '../../common/errors';
import { pageSize } from '../../common/pagination';
import { Role } from '../../common/roles';
import { Artifact } from '../application/artifact.entity';
import { Release, ReleaseStatus } from '../release/release.entity';
import { Installation } from '../tenant/installation.entity';
import { Tenant } from '../tenant/tenant.entity';

export const MAX_SEARCH_RESULTS = 50;
export const DEFAULT_SEARCH_RESULTS = 10;
const MAX_QUERY_LENGTH = 200;

export type SearchHit = Tenant | Installation | Release | Artifact;

function likeTerm(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function prefixTerm(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Takes from each kind's best matches in turn until `limit` are taken, so one kind with many matches does not hide
 * the others; returns them grouped by kind in the order given.
 */
function fairShare(groups: SearchHit[][], limit: number): SearchHit[] {
  const taken = groups.map(() => 0);
  let total = 0;
  for (let round = 0; total < limit; round += 1) {
    let progressed = false;
    for (const [index, group] of groups.entries()) {
      if (total >= limit) break;
      if (round < group.length) {
        taken[index] += 1;
        total += 1;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return groups.flatMap((group, index) => group.slice(0, taken[index]));
}

/**
 * One search box over tenants, installations, releases and artifacts (by version, image or digest). A caller
 * limited to some tenants finds only their tenants and installations, and no draft releases.
 */
@injectable()
export class SearchService {
  constructor(@inject(DataSource) private readonly dataSource: DataSource) {}

  async search(access: Access, text: string, first: number | null | undefined): Promise<SearchHit[]> {
    access.require(Role.VIEWER);
    const scope = access.tenantScope();
    const limit = pageSize(first ?? DEFAULT_SEARCH_RESULTS, MAX_SEARCH_RESULTS);
    const query = text.trim();
    if (query.length > MAX_QUERY_LENGTH) throw badInput(`Search for at most ${MAX_QUERY_LENGTH} characters`);
    if (query.length === 0 || limit === 0) return [];
    const term = likeTerm(query);
    const prefix = prefixTerm(query);
    const exact = query.toLowerCase();

    const tenants = this.dataSource
      .getRepository(Tenant)
      .createQueryBuilder('t')
      .where(new Brackets((q) => q.where('t.slug ILIKE :term', { term }).orWhere('t.name ILIKE :term')))
      .orderBy('(lower(t.slug) = :exact OR lower(t.name) = :exact)', 'DESC')
      .addOrderBy('t.slug', 'ASC')
      .setParameter('exact', exact)
      .limit(limit);
    if (scope !== null) tenants.andWhere('t.id = ANY(:scope)', { scope });

    const installations = this.dataSource
      .getRepository(Installation)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.tenant', 't')
      .where(
        new Brackets((q) =>
          q
            .where('i.slug ILIKE :term', { term })
            .orWhere('i.name ILIKE :term')
            .orWhere("t.slug || '/' || i.slug ILIKE :term")
            .orWhere("t.name || ' ' || i.name ILIKE :term"),
        ),
      )
      .orderBy('(lower(i.slug) = :exact OR lower(i.name) = :exact)', 'DESC')
      .addOrderBy('t.slug', 'ASC')
      .addOrderBy('i.slug', 'ASC')
      .setParameter('exact', exact)
      .limit(limit);
    if (scope !== null) installations.andWhere('i.tenant_id = ANY(:scope)', { scope });

    const releases = this.dataSource
      .getRepository(Release)
      .createQueryBuilder('r')
      .innerJoinAndSelect('r.track', 'tr')
      .where(
        new Brackets((q) =>
          q
            .where('r.version ILIKE :prefix', { prefix })
            .orWhere("tr.name || ' ' || r.version ILIKE :term", { term })
            .orWhere("tr.slug || ' ' || r.version ILIKE :term"),
        ),
      )
      .orderBy('(lower(r.version) = :exact)', 'DESC')
      .addOrderBy('r.created_at', 'DESC')
      .setParameter('exact', exact)
      .limit(limit);
    if (scope !== null) releases.andWhere('r.status <> :draft', { draft: ReleaseStatus.DRAFT });

    const artifacts = this.dataSource
      .getRepository(Artifact)
      .createQueryBuilder('a')
      .innerJoinAndSelect('a.application', 'app')
      .where(
        new Brackets((q) =>
          q
            .where('a.version ILIKE :prefix', { prefix })
            .orWhere("app.slug || ' ' || a.version ILIKE :term", { term })
            .orWhere("app.name || ' ' || a.version ILIKE :term")
            .orWhere('a.digest ILIKE :digest', { digest: query.includes(':') ? prefix : `%:${prefix}` })
            .orWhere('a.image_ref ILIKE :term'),
        ),
      )
      .orderBy('(lower(a.version) = :exact)', 'DESC')
      .addOrderBy('a.created_at', 'DESC')
      .setParameter('exact', exact)
      .limit(limit);

    const groups = await Promise.all([tenants.getMany(), installations.getMany(), releases.getMany(), artifacts.getMany()]);
    return fairShare(groups, limit);
  }
}
