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
  {
    // Seed -589812566: a second rollback of an installation while the first was still queued followed the same
    // deployment (a unique index refused it: INTERNAL_SERVER_ERROR) and would have deployed the same rollback twice.
    name: 'rolling back an installation again while its first rollback is under way',
    scenario: {
      stages: [1, 2, 1],
      installations: [
        { driver: 'WEBHOOK', approval: false, current: [true, true, false], fails: [false, false, false] },
        { driver: 'INSTANT', approval: false, current: [false, true, false], fails: [false, false, false] },
        { driver: 'DELAYED', approval: false, current: [false, true, true], fails: [false, false, false] },
      ],
      policy: 'PAUSE',
      errorBudgetPercent: 55,
      maxParallel: 8,
      firstWave: null,
      steps: [
        { kind: 'approve', pick: 1597646515, succeed: true, settle: true },
        { kind: 'retry', pick: 432957677, succeed: true, settle: false },
        { kind: 'rollback', pick: 1035935627, succeed: true, settle: true },
        { kind: 'resume', pick: 873924645, succeed: true, settle: false },
        { kind: 'report', pick: 2066494121, succeed: false, settle: true },
        { kind: 'rollback', pick: 1838674574, succeed: false, settle: false },
        { kind: 'rollback', pick: 583557311, succeed: true, settle: true },
        { kind: 'report', pick: 1124649619, succeed: true, settle: false },
      ],
    },
  },
  {
    // Seed 1977081429: after a retry under CONTINUE, a wave stayed waiting for promotion while it still had open
    // targets.
    name: 'retrying a failed target of a CONTINUE rollout whose first wave is three',
    scenario: {
      stages: [2, 1, 2, 3],
      installations: [
        { driver: 'WEBHOOK', approval: false, current: [true, true, false, true], fails: [false, true, true, true] },
        { driver: 'INSTANT', approval: false, current: [false, false, false, true], fails: [false, false, false, false] },
        { driver: 'INSTANT', approval: false, current: [false, false, true, true], fails: [false, false, false, false] },
        { driver: 'WEBHOOK', approval: true, current: [false, false, false, true], fails: [false, false, true, false] },
        { driver: 'INSTANT', approval: false, current: [false, true, true, true], fails: [true, false, false, false] },
      ],
      policy: 'CONTINUE',
      errorBudgetPercent: 58,
      maxParallel: 3,
      firstWave: 3,
      steps: [{ kind: 'retry', pick: 481620899, succeed: true, settle: true }],
    },
  },
];
