import { compareVersions, isSemver, versionSortKey } from './version-order';

describe('versionSortKey', () => {
  it('orders versions by semantic-version precedence', () => {
    // The order given in the Semantic Versioning 2.0.0 specification, section 11, plus numeric cases.
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.2.0',
      '1.10.0',
      '2.0.0',
      '10.0.0',
    ];
    const shuffled = [...ordered].reverse();
    shuffled.sort(compareVersions);
    expect(shuffled).toEqual(ordered);
  });

  it('compares prerelease identifiers that differ only by punctuation as the specification does', () => {
    expect(compareVersions('1.0.0-alpha.1', '1.0.0-alpha-x')).toBeLessThan(0);
  });

  it('ignores build metadata and a leading v', () => {
    expect(versionSortKey('1.2.3+build.7')).toBe(versionSortKey('1.2.3'));
    expect(versionSortKey('v1.2.3')).toBe(versionSortKey('1.2.3'));
  });

  it('puts versions that are not semver before semver ones, ordered by text', () => {
    expect(isSemver('2024-06-release')).toBe(false);
    expect(compareVersions('2024-06-release', '0.0.1')).toBeLessThan(0);
    expect(compareVersions('alpha', 'beta')).toBeLessThan(0);
  });
});
