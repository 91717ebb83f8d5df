import fc from 'fast-check';
import type { Query } from './invariants';

/** A generated rollout scenario: a fleet, a release, the rollout's settings and what people do while it runs. */

export type DriverKind = 'INSTANT' | 'DELAYED' | 'MANUAL' | 'WEBHOOK';

export interface InstallationSpec {
  driver: DriverKind;
  approval: boolean;
  /** Per component: the installation runs the release's artifact already. */
  current: boolean[];
  /** Per component: its first deployment here fails. */
  fails: boolean[];
}

export type StepKind =
  'pause' | 'resume' | 'abort' | 'retry' | 'exclude' | 'rollback' | 'approve' | 'reject' | 'promote' | 'report';

export interface Step {
  kind: StepKind;
  pick: number;
  succeed: boolean;
  /** False: the next step follows at once, while the engine is still at work (invariants are checked when it settles). */
  settle?: boolean;
}

export interface Scenario {
  /** The stage of each component, 1 to 3. */
  stages: number[];
  installations: InstallationSpec[];
  policy: 'PAUSE' | 'ROLLBACK' | 'CONTINUE';
  errorBudgetPercent: number | null;
  maxParallel: number;
  /** With two waves, the first takes this many installations. */
  firstWave: number | null;
  steps: Step[];
}

export const MAX_COMPONENTS = 4;

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .integer({ min: 1, max: MAX_COMPONENTS })
  .chain((components) =>
    fc.record({
      stages: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: components, maxLength: components }),
      installations: fc.array(
        fc.record({
          driver: fc.constantFrom<DriverKind>('INSTANT', 'INSTANT', 'DELAYED', 'MANUAL', 'WEBHOOK'),
          approval: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
          current: fc.array(fc.boolean(), { minLength: components, maxLength: components }),
          fails: fc.array(
            fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
            { minLength: components, maxLength: components },
          ),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      policy: fc.constantFrom<Scenario['policy']>('PAUSE', 'ROLLBACK', 'CONTINUE'),
      errorBudgetPercent: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null, freq: 3 }),
      maxParallel: fc.integer({ min: 1, max: 8 }),
      firstWave: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null, freq: 2 }),
      steps: fc.array(
        fc.record({
          kind: fc.constantFrom<StepKind>(
            'pause',
            'resume',
            'abort',
            'retry',
            'exclude',
            'rollback',
            'approve',
            'reject',
            'promote',
            'report',
          ),
          pick: fc.nat(),
          succeed: fc.boolean(),
          settle: fc.boolean(),
        }),
        { maxLength: 10 },
      ),
    }),
  )
  .map((scenario) => {
    // Stages are contiguous from 1, as a locked release's are.
    const used = [...new Set(scenario.stages)].sort((a, b) => a - b);
    return { ...scenario, stages: scenario.stages.map((stage) => used.indexOf(stage) + 1) };
  });

/** Polls until no engine job waits or runs; fails after `timeoutMs`. */
export async function settle(query: Query, isQuiet: (query: Query) => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Two quiet reads in a row: a job queued by a commit between them is seen by the second.
  let quietReads = 0;
  while (quietReads < 2) {
    if (Date.now() > deadline) throw new Error('The engine did not settle');
    await new Promise((resolve) => setTimeout(resolve, 40));
    quietReads = (await isQuiet(query)) ? quietReads + 1 : 0;
  }
}
