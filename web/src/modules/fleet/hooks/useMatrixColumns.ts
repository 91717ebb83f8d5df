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
 * that runs on the loaded installations, by slug. Columns for applications nobody here runs and no release
 * asks for would only be empty.
 */
export function useMatrixColumns(installations: readonly WithRunning[], release: WithComponents | null): MatrixApplication[] {
  return useMemo(() => {
    const inRelease = [...(release?.components ?? [])]
      .sort((a, b) => a.stage - b.stage || a.application.slug.localeCompare(b.application.slug))
      .map((component) => component.application);
    const seen = new Set(inRelease.map((application) => application.id));
    const others = new Map<string, MatrixApplication>();
    for (const installation of installations)
      for (const { application } of installation.running) if (!seen.has(application.id)) others.set(application.id, application);
    return [...inRelease, ...[...others.values()].sort((a, b) => a.slug.localeCompare(b.slug))];
  }, [installations, release]);
}
