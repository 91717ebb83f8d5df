import { EventType, type EventInput } from '../events/event.service';
import type { Deployment } from '../modules/deployment/deployment.entity';
import type { RolloutTarget } from '../modules/rollout/rollout-target.entity';
import { RolloutStatus, type Rollout } from '../modules/rollout/rollout.entity';

/** The events the engine appends, one builder per kind, so every state change is announced the same way. */

const ROLLOUT_STATUS_EVENT = {
  [RolloutStatus.PENDING]: EventType.ROLLOUT_CREATED,
  [RolloutStatus.RUNNING]: EventType.ROLLOUT_RESUMED,
  [RolloutStatus.WAITING_FOR_PROMOTION]: EventType.ROLLOUT_WAITING_FOR_PROMOTION,
  [RolloutStatus.PAUSED]: EventType.ROLLOUT_PAUSED,
  [RolloutStatus.SUCCEEDED]: EventType.ROLLOUT_SUCCEEDED,
  [RolloutStatus.FAILED]: EventType.ROLLOUT_FAILED,
  [RolloutStatus.ABORTED]: EventType.ROLLOUT_ABORTED,
} as const satisfies Record<RolloutStatus, EventType>;

export function rolloutEvent(rollout: Rollout, type: EventType, data: Record<string, unknown> = {}): EventInput {
  return { type, rolloutId: rollout.id, data: { status: rollout.status, currentWave: rollout.currentWave, ...data } };
}

/** The rollout entered its current status. */
export function rolloutStatusEvent(rollout: Rollout): EventInput {
  return rolloutEvent(rollout, ROLLOUT_STATUS_EVENT[rollout.status], {
    ...(rollout.statusReason ? { reason: rollout.statusReason } : {}),
    ...(rollout.pausedBy ? { pausedBy: rollout.pausedBy } : {}),
  });
}

export function rolloutStartedEvent(rollout: Rollout, targets: number): EventInput {
  return {
    type: EventType.ROLLOUT_STARTED,
    rolloutId: rollout.id,
    data: { status: rollout.status, targets, waves: rollout.waveCount },
  };
}

export function targetEvent(target: RolloutTarget): EventInput {
  return {
    type: EventType.TARGET_UPDATED,
    tenantId: target.tenantId,
    rolloutId: target.rolloutId,
    targetId: target.id,
    data: { status: target.status, currentStage: target.currentStage, wave: target.wave },
  };
}

export function deploymentEvent(deployment: Deployment): EventInput {
  return {
    type: EventType.DEPLOYMENT_UPDATED,
    tenantId: deployment.tenantId,
    rolloutId: deployment.rolloutId,
    targetId: deployment.targetId,
    deploymentId: deployment.id,
    data: {
      status: deployment.status,
      stage: deployment.stage,
      kind: deployment.kind,
      attempt: deployment.attempt,
      ...(deployment.undoesRolloutId ? { undoesRolloutId: deployment.undoesRolloutId } : {}),
    },
  };
}

export function deploymentLogEvent(deployment: Deployment, lines: string[]): EventInput {
  return {
    type: EventType.DEPLOYMENT_LOG,
    tenantId: deployment.tenantId,
    rolloutId: deployment.rolloutId,
    targetId: deployment.targetId,
    deploymentId: deployment.id,
    data: { lines },
  };
}

export function deploymentVerifiedEvent(deployment: Deployment, status: string, source: string): EventInput {
  return {
    type: EventType.DEPLOYMENT_VERIFIED,
    tenantId: deployment.tenantId,
    rolloutId: deployment.rolloutId,
    targetId: deployment.targetId,
    deploymentId: deployment.id,
    data: { status, source },
  };
}
