import { ArtifactSelection } from './release.entity';
import { artifactSelection, lockBlockers } from './release.rules';

describe('lockBlockers', () => {
  it('asks for a component when there is none', () => {
    expect(lockBlockers([])).toEqual(['Add at least one component']);
  });

  it('names each component without an artifact and each missing stage', () => {
    expect(
      lockBlockers([
        { applicationSlug: 'api', artifactId: null, stage: 1 },
        { applicationSlug: 'web', artifactId: 'a1', stage: 3 },
        { applicationSlug: 'db', artifactId: 'a2', stage: 4 },
      ]),
    ).toEqual(['Choose an artifact for api', 'Stages must run from 1 without gaps: stage 2 has no component']);
    expect(lockBlockers([{ applicationSlug: 'web', artifactId: 'a1', stage: 3 }])[0]).toBe(
      'Stages must run from 1 without gaps: stages 1, 2 have no component',
    );
  });

  it('is empty for a complete release with contiguous stages', () => {
    expect(
      lockBlockers([
        { applicationSlug: 'api', artifactId: 'a0', stage: 1 },
        { applicationSlug: 'web', artifactId: 'a1', stage: 2 },
        { applicationSlug: 'db', artifactId: 'a2', stage: 1 },
      ]),
    ).toEqual([]);
  });
});

describe('artifactSelection', () => {
  it('is NONE, PARTIAL or ALL by how many components have an artifact', () => {
    expect(artifactSelection([])).toBe(ArtifactSelection.NONE);
    expect(artifactSelection([{ artifactId: null }])).toBe(ArtifactSelection.NONE);
    expect(artifactSelection([{ artifactId: null }, { artifactId: 'x' }])).toBe(ArtifactSelection.PARTIAL);
    expect(artifactSelection([{ artifactId: 'x' }])).toBe(ArtifactSelection.ALL);
  });
});
