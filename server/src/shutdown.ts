import { log } from './log';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

interface Step {
  name: string;
  run: () => Promise<void>;
}

/**
 * The process's orderly stop. What starts registers how to stop it; on SIGTERM, SIGINT or SIGHUP everything
 * registered so far stops in reverse order, each step after the one started after it has finished (the server
 * before the pool it uses, the pool before the database it talks to), and the process exits with 0. A step that
 * fails, one that hangs past the bound, or a second signal makes it exit with 1.
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private stopping = false;

  constructor(private readonly timeoutMs: number) {}

  /** Handles the termination signals from now on, also while the server is still starting. */
  handleSignals(): void {
    for (const signal of SIGNALS) process.on(signal, () => this.onSignal(signal));
  }

  /** What to do to stop something that has just started. */
  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  private onSignal(signal: string): void {
    if (this.stopping) {
      log.warn(`${signal} again: exiting without waiting for the shutdown to finish`);
      process.exit(1);
    }
    this.stopping = true;
    log.info(`${signal}: shutting down`);
    const deadline = setTimeout(() => {
      log.error(`The shutdown took longer than ${this.timeoutMs / 1000} s; exiting anyway`);
      process.exit(1);
    }, this.timeoutMs);
    deadline.unref();
    void this.run().then((clean) => process.exit(clean ? 0 : 1));
  }

  /** True when every step finished without an error. */
  private async run(): Promise<boolean> {
    let clean = true;
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (error) {
        // The steps after it (the pool, the database) still need stopping.
        clean = false;
        log.warn(`Could not stop ${step.name} cleanly`, error);
      }
    }
    log.info('Stopped');
    return clean;
  }
}
