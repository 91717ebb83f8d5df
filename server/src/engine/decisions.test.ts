import { FailurePolicy } from '../modules/rollout/rollout.entity';
import {
  afterWave,
  errorBudgetExceeded,
  freeSlots,
  onTargetFailure,
  pausesOnFailure,
  planStage,
  stagesFrom,
  targetEndWithoutStages,
} from './decisions';

const components = [
  { applicationId: 'db', artifactId: 'db-2', stage: 1 },
  { applicationId: 'api', artifactId: 'api-2', stage: 2 },
  { applicationId: 'web', artifactId: 'web-2', stage: 2 },
  { applicationId: 'jobs', artifactId: 'jobs-2', stage: 3 },
];

describe('the engine’s decisions', () => {
  it('lists the stages from a given one, in order and once each', () => {
    expect(stagesFrom(components, 1)).toEqual([1, 2, 3]);
    expect(stagesFrom(components, 2)).toEqual([2, 3]);
    expect(stagesFrom(components, 4)).toEqual([]);
  });

  it('skips exactly the components whose artifact already runs', () => {
    const running = new Map([
      ['api', 'api-2'],
      ['web', 'web-1'],
    ]);
    expect(
      planStage(components, 2, (id) => running.get(id)).map(({ component, skip }) => [component.applicationId, skip]),
    ).toEqual([
      ['api', true],
      ['web', false],
    ]);
    expect(planStage(components, 1, () => undefined).map(({ skip }) => skip)).toEqual([false]);
  });

  it('never offers a negative number of slots', () => {
    expect(freeSlots(3, 1)).toBe(2);
    expect(freeSlots(3, 3)).toBe(0);
    expect(freeSlots(1, 4)).toBe(0);
  });

  it('spends the error budget only when strictly more than the budget failed', () => {
    expect(errorBudgetExceeded(null, 5, 5)).toBe(false);
    expect(errorBudgetExceeded(0, 0, 10)).toBe(false);
    expect(errorBudgetExceeded(0, 1, 10)).toBe(true);
    expect(errorBudgetExceeded(10, 1, 10)).toBe(false);
    expect(errorBudgetExceeded(10, 2, 10)).toBe(true);
    expect(errorBudgetExceeded(50, 0, 0)).toBe(false);
    expect(errorBudgetExceeded(12.5, 1, 8)).toBe(false);
    expect(errorBudgetExceeded(12.5, 2, 8)).toBe(true);
  });

  it('rolls back a failed installation only under ROLLBACK, and pauses the rollout only under PAUSE', () => {
    expect(onTargetFailure(FailurePolicy.ROLLBACK)).toBe('ROLL_BACK');
    expect(onTargetFailure(FailurePolicy.PAUSE)).toBe('FAIL');
    expect(onTargetFailure(FailurePolicy.CONTINUE)).toBe('FAIL');
    expect([FailurePolicy.PAUSE, FailurePolicy.ROLLBACK, FailurePolicy.CONTINUE].map(pausesOnFailure)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('waits for promotion after every wave but the last, then succeeds only when every installation got the release', () => {
    expect(afterWave(1, 2, 0)).toEqual({ next: 'WAIT_FOR_PROMOTION' });
    expect(afterWave(1, 2, 3)).toEqual({ next: 'WAIT_FOR_PROMOTION' });
    expect(afterWave(2, 2, 0)).toEqual({ next: 'SUCCEEDED' });
    expect(afterWave(2, 2, 1)).toEqual({ next: 'FAILED', reason: '1 installation did not get the release' });
    expect(afterWave(1, 1, 4)).toEqual({ next: 'FAILED', reason: '4 installations did not get the release' });
  });

  it('ends an installation with nothing left to deploy as SKIPPED only when it deployed nothing', () => {
    expect(targetEndWithoutStages(false)).toBe('SKIPPED');
    expect(targetEndWithoutStages(true)).toBe('SUCCEEDED');
  });
});
