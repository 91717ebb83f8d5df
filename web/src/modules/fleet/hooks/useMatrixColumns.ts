import { useMemo } from 'react';
import type { MatrixApplication } from '../components/VersionMatrix';

interface WithRunning {
  running: readonly { application: MatrixApplication }[];
}

interface WithComponents {
  components: readonly { stage: number; application: MatrixApplication }[];
}

/**
 * The matrix columns: the compared release's applications first (by stage), then every other application
 * that runs on the given installations, by name. Columns for applications nobody here runs and no release
 * asks for would only be empty. `only` (application slugs), when not empty, keeps just those columns.
 */
export function matrixColumns(
  installations: readonly WithRunning[],
  release: WithComponents | null,
  only: readonly string[] = [],
): MatrixApplication[] {
  const inRelease = [...(release?.components ?? [])]
    .sort((a, b) => a.stage - b.stage || a.application.name.localeCompare(b.application.name))
    .map((component) => component.application);
  const seen = new Set(inRelease.map((application) => application.id));
  const others = new Map<string, MatrixApplication>();
  for (const installation of installations)
    for (const { application } of installation.running) if (!seen.has(application.id)) others.set(application.id, application);
  const columns = [...inRelease, ...[...others.values()].sort((a, b) => a.name.localeCompare(b.name))];
  return only.length ? columns.filter((application) => only.includes(application.slug)) : columns;
}

export function useMatrixColumns(
  installations: readonly WithRunning[],
  release: WithComponents | null,
  only: readonly string[] = [],
): MatrixApplication[] {
  return useMemo(() => matrixColumns(installations, release, only), [installations, release, only]);
}
