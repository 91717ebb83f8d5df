import type { ReleaseComponentInput, ReleaseComponents_ReleaseFragment } from '../../../generated/graphql';

/** One application in the release being edited. */
export interface DraftComponent {
  applicationSlug: string;
  applicationName: string;
  /** null while no artifact is chosen (allowed in a draft, blocks locking). */
  artifactVersion: string | null;
  stage: number;
  instructions: string;
}

/** The requirements as the editor holds them until they are saved. */
export interface ReleaseDraft {
  components: DraftComponent[];
  /** Stages shown, 1…stageCount; may exceed the highest used stage while a new stage is still empty. */
  stageCount: number;
  instructions: string;
}

export function draftFromRelease(release: ReleaseComponents_ReleaseFragment & { instructions: string }): ReleaseDraft {
  const components = release.components.map((component) => ({
    applicationSlug: component.application.slug,
    applicationName: component.application.name,
    artifactVersion: component.artifact?.version ?? null,
    stage: component.stage,
    instructions: component.instructions,
  }));
  return { components, stageCount: highestStage(components), instructions: release.instructions };
}

function highestStage(components: readonly DraftComponent[]): number {
  return components.reduce((highest, component) => Math.max(highest, component.stage), 1);
}

function componentKey(component: DraftComponent): string {
  return JSON.stringify([component.applicationSlug, component.artifactVersion, component.stage, component.instructions]);
}

/** Whether two drafts would save the same components (order and empty stages do not matter). */
export function sameComponents(a: ReleaseDraft, b: ReleaseDraft): boolean {
  const keys = (draft: ReleaseDraft) => draft.components.map(componentKey).sort();
  const left = keys(a);
  const right = keys(b);
  return left.length === right.length && left.every((key, index) => key === right[index]);
}

export function componentInputs(draft: ReleaseDraft): ReleaseComponentInput[] {
  return draft.components.map((component) => ({
    applicationSlug: component.applicationSlug,
    artifactVersion: component.artifactVersion,
    stage: component.stage,
    instructions: component.instructions,
  }));
}

export function componentsInStage(draft: ReleaseDraft, stage: number): DraftComponent[] {
  return draft.components.filter((component) => component.stage === stage);
}

function update(draft: ReleaseDraft, slug: string, change: Partial<DraftComponent>): ReleaseDraft {
  return {
    ...draft,
    components: draft.components.map((component) =>
      component.applicationSlug === slug ? { ...component, ...change } : component,
    ),
  };
}

export function moveToStage(draft: ReleaseDraft, slug: string, stage: number): ReleaseDraft {
  const moved = update(draft, slug, { stage });
  return { ...moved, stageCount: Math.max(draft.stageCount, stage) };
}

export function chooseArtifact(draft: ReleaseDraft, slug: string, artifactVersion: string | null): ReleaseDraft {
  return update(draft, slug, { artifactVersion });
}

export function setComponentInstructions(draft: ReleaseDraft, slug: string, instructions: string): ReleaseDraft {
  return update(draft, slug, { instructions });
}

/** Adds an application, with no artifact yet, to the last stage. */
export function addApplication(draft: ReleaseDraft, application: { slug: string; name: string }): ReleaseDraft {
  if (draft.components.some((component) => component.applicationSlug === application.slug)) return draft;
  return {
    ...draft,
    components: [
      ...draft.components,
      {
        applicationSlug: application.slug,
        applicationName: application.name,
        artifactVersion: null,
        stage: draft.stageCount,
        instructions: '',
      },
    ],
  };
}

export function removeApplication(draft: ReleaseDraft, slug: string): ReleaseDraft {
  return { ...draft, components: draft.components.filter((component) => component.applicationSlug !== slug) };
}

export function addStage(draft: ReleaseDraft): ReleaseDraft {
  return { ...draft, stageCount: draft.stageCount + 1 };
}

/** Removes an empty stage; the stages after it move up one, so stages stay contiguous. */
export function removeStage(draft: ReleaseDraft, stage: number): ReleaseDraft {
  if (draft.stageCount <= 1 || componentsInStage(draft, stage).length > 0) return draft;
  return {
    ...draft,
    stageCount: draft.stageCount - 1,
    components: draft.components.map((component) =>
      component.stage > stage ? { ...component, stage: component.stage - 1 } : component,
    ),
  };
}

/**
 * Sets every component to its application's newest registered artifact (`newest`: version by application slug);
 * components of applications with no artifact are left as they are. Returns how many changed.
 */
export function withNewestArtifacts(
  draft: ReleaseDraft,
  newest: ReadonlyMap<string, string>,
): { draft: ReleaseDraft; changed: number } {
  let changed = 0;
  const components = draft.components.map((component) => {
    const version = newest.get(component.applicationSlug);
    if (version === undefined || version === component.artifactVersion) return component;
    changed += 1;
    return { ...component, artifactVersion: version };
  });
  return { draft: { ...draft, components }, changed };
}
