import { ArtifactSelection } from './release.entity';

export interface ComponentShape {
  applicationSlug: string;
  artifactId: string | null;
  stage: number;
}

/** What still stops a release from being locked, one sentence each; empty when it can be locked. */
export function lockBlockers(components: readonly ComponentShape[]): string[] {
  if (components.length === 0) return ['Add at least one component'];
  const blockers = components
    .filter((component) => component.artifactId === null)
    .map((component) => `Choose an artifact for ${component.applicationSlug}`);
  const stages = [...new Set(components.map((component) => component.stage))].sort((a, b) => a - b);
  const highest = stages[stages.length - 1];
  const missing = Array.from({ length: highest }, (_, i) => i + 1).filter((stage) => !stages.includes(stage));
  if (missing.length > 0) {
    blockers.push(
      `Stages must run from 1 without gaps: stage${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no component`,
    );
  }
  return blockers;
}

export function artifactSelection(components: readonly { artifactId: string | null }[]): ArtifactSelection {
  const chosen = components.filter((component) => component.artifactId !== null).length;
  if (chosen === 0) return ArtifactSelection.NONE;
  return chosen === components.length ? ArtifactSelection.ALL : ArtifactSelection.PARTIAL;
}
