/**
 * Release versions are ordered by semantic-version precedence when they are semver, and after that by
 * their text. The database cannot compare semver, so each version gets a sort key whose plain byte order
 * (COLLATE "C") equals semver precedence. Non-semver versions sort before every semver one.
 */
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

const NUMBER_WIDTH = 12;

function padNumber(value: string): string {
  // Numbers longer than the width keep their relative order through a length prefix.
  return value.length > NUMBER_WIDTH ? `~${value.length.toString().padStart(3, '0')}${value}` : value.padStart(NUMBER_WIDTH, '0');
}

export function isSemver(version: string): boolean {
  return SEMVER.test(version);
}

export function versionSortKey(version: string): string {
  const match = SEMVER.exec(version);
  if (!match) return `0${version}`;
  const [, major, minor, patch, prerelease] = match;
  const core = `1${padNumber(major)}.${padNumber(minor)}.${padNumber(patch)}`;
  if (prerelease === undefined) return `${core}~`;
  // ' ' sorts below every character allowed in an identifier, so a shorter list of identifiers comes first.
  const identifiers = prerelease
    .split('.')
    .map((identifier) => (/^\d+$/.test(identifier) ? `0${padNumber(identifier)}` : `1${identifier}`));
  return `${core}-${identifiers.join(' ')}`;
}

export function compareVersions(a: string, b: string): number {
  const ka = versionSortKey(a);
  const kb = versionSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
