import { FailurePolicy } from '../modules/rollout/rollout.entity';

/*
 * The engine's decisions that depend on nothing but their inputs, kept apart so they can be read and tested
 * on their own. The state machine (rollout-engine.ts) gathers the inputs from the database and applies the result.
 */

export interface StageComponent {
  applicationId: string;
  artifactId: string | null;
  stage: number;
}

/** The release's stages at or after `from`, in order. */
export function stagesFrom(components: readonly StageComponent[], from: number): number[] {
  return [...new Set(components.map((component) => component.stage))].filter((stage) => stage >= from).sort((a, b) => a - b);
}

/** A stage's components on an installation: each is deployed, or skipped when its artifact already runs there. */
export function planStage(
  components: readonly StageComponent[],
  stage: number,
  runningArtifact: (applicationId: string) => string | undefined,
): { component: StageComponent; skip: boolean }[] {
  return components
    .filter((component) => component.stage === stage)
    .map((component) => ({ component, skip: runningArtifact(component.applicationId) === component.artifactId }));
}

/** How many more installations of the wave may start now. */
export function freeSlots(maxParallel: number, running: number): number {
  return Math.max(0, maxParallel - running);
}

/** The error budget is spent when more than `budgetPercent` of the rollout's installations failed. */
export function errorBudgetExceeded(budgetPercent: number | null, failed: number, total: number): boolean {
  if (budgetPercent === null || total === 0) return false;
  return (failed * 100) / total > budgetPercent;
}

/** What happens to an installation whose stage failed. */
export function onTargetFailure(policy: FailurePolicy): 'ROLL_BACK' | 'FAIL' {
  return policy === FailurePolicy.ROLLBACK ? 'ROLL_BACK' : 'FAIL';
}

/** Whether a failed installation stops the whole rollout until a person looks (PAUSE), beyond the error budget. */
export function pausesOnFailure(policy: FailurePolicy): boolean {
  return policy === FailurePolicy.PAUSE;
}

export type WaveEnd = { next: 'WAIT_FOR_PROMOTION' } | { next: 'SUCCEEDED' } | { next: 'FAILED'; reason: string };

/** Once no installation of the current wave is open: wait for the next wave, or end the rollout. */
export function afterWave(currentWave: number, waveCount: number, unsuccessfulTargets: number): WaveEnd {
  if (currentWave < waveCount) return { next: 'WAIT_FOR_PROMOTION' };
  if (unsuccessfulTargets === 0) return { next: 'SUCCEEDED' };
  return {
    next: 'FAILED',
    reason: `${unsuccessfulTargets} ${unsuccessfulTargets === 1 ? 'installation' : 'installations'} did not get the release`,
  };
}

/** An installation with no stage left: SUCCEEDED when it deployed anything, SKIPPED when everything already ran. */
export function targetEndWithoutStages(deployedAnything: boolean): 'SUCCEEDED' | 'SKIPPED' {
  return deployedAnything ? 'SUCCEEDED' : 'SKIPPED';
}
