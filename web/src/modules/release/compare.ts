import type { ReleaseCompare_ReleaseFragment } from '../../generated/graphql';

type Component = ReleaseCompare_ReleaseFragment['components'][number];

export interface ComponentSide {
  slug: string;
  name: string;
  version: string | null;
  commitSha: string | null;
  stage: number;
}

export interface ReleaseDiff {
  added: ComponentSide[];
  removed: ComponentSide[];
  /** Same application, another artifact (or one chosen where there was none). */
  changed: { base: ComponentSide; head: ComponentSide }[];
  /** Same application and artifact, another stage. */
  moved: { base: ComponentSide; head: ComponentSide }[];
  unchanged: ComponentSide[];
}

function side(component: Component): ComponentSide {
  return {
    slug: component.application.slug,
    name: component.application.name,
    version: component.artifact?.version ?? null,
    commitSha: component.artifact?.commitSha ?? null,
    stage: component.stage,
  };
}

const bySlug = (a: ComponentSide, b: ComponentSide) => a.slug.localeCompare(b.slug);

/** What changes from `base` to `head`, application by application, each list by application slug. */
export function compareReleases(
  base: Pick<ReleaseCompare_ReleaseFragment, 'components'>,
  head: Pick<ReleaseCompare_ReleaseFragment, 'components'>,
): ReleaseDiff {
  const before = new Map(base.components.map((component) => [component.application.slug, side(component)]));
  const after = new Map(head.components.map((component) => [component.application.slug, side(component)]));
  const diff: ReleaseDiff = { added: [], removed: [], changed: [], moved: [], unchanged: [] };
  for (const [slug, headSide] of after) {
    const baseSide = before.get(slug);
    if (!baseSide) diff.added.push(headSide);
    else if (baseSide.version !== headSide.version) diff.changed.push({ base: baseSide, head: headSide });
    else if (baseSide.stage !== headSide.stage) diff.moved.push({ base: baseSide, head: headSide });
    else diff.unchanged.push(headSide);
  }
  for (const [slug, baseSide] of before) if (!after.has(slug)) diff.removed.push(baseSide);
  diff.added.sort(bySlug);
  diff.removed.sort(bySlug);
  diff.unchanged.sort(bySlug);
  diff.changed.sort((a, b) => bySlug(a.head, b.head));
  diff.moved.sort((a, b) => bySlug(a.head, b.head));
  return diff;
}
