import { DeploymentStatus, type Deployment } from '../modules/deployment/deployment.entity';

/** How a deployment ended, as a driver, a person or the engine reports it. */
export interface DeploymentOutcome {
  status: DeploymentStatus.SUCCEEDED | DeploymentStatus.FAILED | DeploymentStatus.CANCELLED;
  message?: string | null;
  externalUrl?: string | null;
}

/**
 * A deployment's lifecycle: QUEUED → (IN_PROGRESS →) SUCCEEDED | FAILED | CANCELLED, or SKIPPED from the start.
 * Reporting the current status again changes nothing; every other move is refused.
 */
const NEXT: Record<DeploymentStatus, readonly DeploymentStatus[]> = {
  QUEUED: [DeploymentStatus.IN_PROGRESS, DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED, DeploymentStatus.CANCELLED],
  IN_PROGRESS: [DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED, DeploymentStatus.CANCELLED],
  SUCCEEDED: [],
  FAILED: [],
  SKIPPED: [],
  CANCELLED: [],
};

export function canMove(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return NEXT[from].includes(to);
}

export function isFinished(status: DeploymentStatus): boolean {
  return NEXT[status].length === 0;
}

/** Finished without its artifact running: the stage cannot go on. */
export function isFailure(status: DeploymentStatus): boolean {
  return status === DeploymentStatus.FAILED || status === DeploymentStatus.CANCELLED;
}

/** Writes an outcome onto a deployment (not yet to the database): status, message, link and times. */
export function applyOutcome(deployment: Deployment, outcome: DeploymentOutcome, now: Date): void {
  deployment.status = outcome.status;
  deployment.message = outcome.message ?? deployment.message;
  deployment.externalUrl = outcome.externalUrl ?? deployment.externalUrl;
  deployment.dispatchedAt ??= now;
  deployment.startedAt ??= now;
  deployment.finishedAt = now;
}
