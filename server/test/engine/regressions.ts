import type { Scenario } from './scenario';

/**
 * Every scenario that once broke an invariant, kept and run on every test run. Add a failing counterexample
 * here (fast-check prints it) with a name that says what went wrong.
 */
export const REGRESSIONS: { name: string; scenario: Scenario }[] = [
  {
    // Issue 8: three installations already ran the release; the two others got every application twice.
    name: 'installations already current before ones that need the release',
    scenario: {
      stages: [1, 2, 3],
      installations: [
        ...[0, 1, 2].map(() => ({
          driver: 'INSTANT' as const,
          approval: false,
          current: [true, true, true],
          fails: [false, false, false],
        })),
        ...[0, 1].map(() => ({
          driver: 'INSTANT' as const,
          approval: false,
          current: [false, false, false],
          fails: [false, false, false],
        })),
      ],
      policy: 'PAUSE',
      errorBudgetPercent: null,
      maxParallel: 5,
      firstWave: null,
      steps: [],
    },
  },
  {
    // Issue 8: a WEBHOOK installation after three current ones received its first stage four times.
    name: 'a WEBHOOK installation after three current ones',
    scenario: {
      stages: [1, 2],
      installations: [
        ...[0, 1, 2].map(() => ({ driver: 'INSTANT' as const, approval: false, current: [true, true], fails: [false, false] })),
        { driver: 'WEBHOOK', approval: false, current: [false, false], fails: [false, false] },
      ],
      policy: 'PAUSE',
      errorBudgetPercent: null,
      maxParallel: 5,
      firstWave: null,
      steps: [{ kind: 'report', pick: 0, succeed: true }],
    },
  },
];
