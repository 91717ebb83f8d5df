import { EXIT } from './exit-codes';
import { outcome, type RolloutState } from './wait';

const state = (status: string, pausedBy: RolloutState['pausedBy'] = null): RolloutState => ({
  id: 'r',
  status,
  pausedBy,
  statusReason: null,
  currentWave: 1,
  waveCount: 1,
  progress: {},
});

describe('what a waited-for rollout settles', () => {
  it('succeeds only when the rollout succeeded', () => {
    expect(outcome(state('SUCCEEDED'))).toBe(EXIT.OK);
    expect(outcome(state('FAILED'))).toBe(EXIT.ROLLOUT_UNSUCCESSFUL);
    expect(outcome(state('ABORTED'))).toBe(EXIT.ROLLOUT_UNSUCCESSFUL);
  });

  it('ends unsuccessfully on a pause that needs a person (a failure, or Shiplog unable to go on), and waits through a pause a person made', () => {
    expect(outcome(state('PAUSED', 'FAILURE'))).toBe(EXIT.ROLLOUT_UNSUCCESSFUL);
    expect(outcome(state('PAUSED', 'ENGINE'))).toBe(EXIT.ROLLOUT_UNSUCCESSFUL);
    expect(outcome(state('PAUSED', 'PERSON'))).toBeUndefined();
  });

  it('keeps waiting while the rollout may still succeed', () => {
    for (const status of ['RUNNING', 'WAITING_FOR_PROMOTION']) expect(outcome(state(status))).toBeUndefined();
  });
});
