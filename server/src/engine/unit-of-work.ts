import type { EntityManager } from 'typeorm';
import type { EventInput } from '../events/event.service';
import type { Deployment } from '../modules/deployment/deployment.entity';
import type { Rollout } from '../modules/rollout/rollout.entity';
import type { DeploymentOutcome } from './deployment-lifecycle';

export type OutcomeOf = (deployment: Deployment) => DeploymentOutcome;

/** A driver that finishes deployments at once (SIMULATED without delay), so their stage ends in the same transaction. */
export interface InstantDriver {
  /** Targets whose stages may be finished in this transaction. */
  targetIds: ReadonlySet<string>;
  /** The outcome of each deployment on the installation, when its driver finishes at once; null otherwise. */
  outcomeFor(uow: UnitOfWork, installationId: string): Promise<OutcomeOf | null>;
}

/** What runs on an installation for one application. */
export interface Running {
  artifactId: string;
  deploymentId: string;
}

/**
 * One transaction of the engine, made only by `RolloutEngine.run` and passed to everything that works inside it:
 * the manager, the events to append just before commit, the rollout locks held, and the rollouts to move on
 * once the work is done. Nothing about a transaction is kept anywhere else.
 */
export class UnitOfWork {
  private readonly events: EventInput[] = [];
  private readonly locks = new Map<string, Rollout>();
  private readonly toAdvance = new Set<string>();
  private sealed = false;
  /** What runs on each installation this unit touched (application id → running), read once and kept current. */
  readonly running = new Map<string, Map<string, Running>>();
  /** The deployments of a target's current stage created in this unit, so settling the stage need not read them again. */
  readonly stages = new Map<string, { stage: number; deployments: Deployment[] }>();
  /** Set by the dispatcher when the driver of the deployments it hands over finishes them at once. */
  instantDriver: InstantDriver | null = null;

  constructor(readonly manager: EntityManager) {}

  /** Records events to append in this transaction; they are published only if it commits. */
  emit(...events: EventInput[]): void {
    if (this.sealed) throw new Error('Events were emitted after the unit of work appended its events');
    this.events.push(...events);
  }

  /** The rollout's row lock is held by this transaction. */
  holdLock(rollout: Rollout): void {
    this.locks.set(rollout.id, rollout);
  }

  lockedRollout(id: string): Rollout | undefined {
    return this.locks.get(id);
  }

  /** Something changed that may let the rollout move on (a target finished, a command ran). */
  requestAdvance(rolloutId: string): void {
    this.toAdvance.add(rolloutId);
  }

  /** The rollout was moved on with everything this unit did to it so far. */
  advanced(rolloutId: string): void {
    this.toAdvance.delete(rolloutId);
  }

  nextAdvance(): string | undefined {
    return this.toAdvance.values().next().value;
  }

  /** The events to append; nothing may be emitted afterwards. */
  seal(): EventInput[] {
    this.sealed = true;
    return this.events;
  }
}
