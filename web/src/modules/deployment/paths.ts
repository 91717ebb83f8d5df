/** The artifact journey page of one version of an application. */
export function journeyPath(applicationSlug: string, version: string): string {
  return `/artifacts/${encodeURIComponent(applicationSlug)}/${encodeURIComponent(version)}`;
}
