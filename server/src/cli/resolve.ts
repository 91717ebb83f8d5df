import { request, type Connection } from './client';
import { CliError, EXIT } from './exit-codes';

interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The id of release VERSION of track TRACK. */
export async function releaseId(connection: Connection, track: string, version: string): Promise<string> {
  let after: string | null = null;
  for (;;) {
    const { releaseTrack }: { releaseTrack: { releases: Page<{ id: string; version: string }> } | null } = await request(
      connection,
      `query ($slug: String!, $after: String) {
        releaseTrack(slug: $slug) { releases(first: 100, after: $after) { nodes { id version } pageInfo { hasNextPage endCursor } } }
      }`,
      { slug: track, after },
    );
    if (!releaseTrack) throw new CliError(`No release track '${track}'`, EXIT.REFUSED);
    const found = releaseTrack.releases.nodes.find((release) => release.version === version);
    if (found) return found.id;
    if (!releaseTrack.releases.pageInfo.hasNextPage) {
      throw new CliError(`No release '${version}' on track '${track}'`, EXIT.REFUSED);
    }
    after = releaseTrack.releases.pageInfo.endCursor;
  }
}

/** TENANT/SLUG split in two. */
export function installationKey(value: string): { tenant: string; slug: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value);
  if (!match) throw new Error(`'${value}' is not TENANT/INSTALLATION`);
  return { tenant: match[1], slug: match[2] };
}

/** The ids of installations named TENANT/SLUG, in the order given. */
export async function installationIds(connection: Connection, keys: string[]): Promise<string[]> {
  const byTenant = new Map<string, Map<string, string>>();
  for (const key of keys) {
    const { tenant } = installationKey(key);
    if (byTenant.has(tenant)) continue;
    const slugs = new Map<string, string>();
    let after: string | null = null;
    for (;;) {
      const { tenant: found }: { tenant: { installations: Page<{ id: string; slug: string }> } | null } = await request(
        connection,
        `query ($slug: String!, $after: String) {
          tenant(slug: $slug) { installations(first: 100, after: $after) { nodes { id slug } pageInfo { hasNextPage endCursor } } }
        }`,
        { slug: tenant, after },
      );
      if (!found) throw new CliError(`No tenant '${tenant}'`, EXIT.REFUSED);
      for (const installation of found.installations.nodes) slugs.set(installation.slug, installation.id);
      if (!found.installations.pageInfo.hasNextPage) break;
      after = found.installations.pageInfo.endCursor;
    }
    byTenant.set(tenant, slugs);
  }
  return keys.map((key) => {
    const { tenant, slug } = installationKey(key);
    const id = byTenant.get(tenant)?.get(slug);
    if (!id) throw new CliError(`No installation '${key}'`, EXIT.REFUSED);
    return id;
  });
}
