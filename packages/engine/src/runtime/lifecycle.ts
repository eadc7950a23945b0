import type { JobStatus, RiffleErrorInfo } from '@riffle/shared';

/**
 * The legal transitions of a job (STYLE.md habit 6). `restarting` is the restart strategy's wait
 * between a failed run and the next (runtime/restarting-job.ts); `checkpointing` is unused (a
 * checkpoint runs alongside `running`).
 */
const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  created: ['running', 'restarting', 'failed'],
  running: ['stopping', 'finished', 'failed', 'restarting'],
  stopping: ['stopped', 'failed'],
  checkpointing: [],
  restarting: ['running', 'stopping', 'failed'],
  stopped: [],
  finished: [],
  failed: [],
};

export type StatusListener = (status: JobStatus, error?: RiffleErrorInfo) => void;

/** Holds a job's status, enforces the transitions, and notifies listeners on each one. */
export class JobLifecycle {
  private current: JobStatus = 'created';
  private readonly listeners = new Set<StatusListener>();

  constructor(private readonly onListenerError: (e: unknown) => void = () => {}) {}

  get status(): JobStatus {
    return this.current;
  }

  canTransition(to: JobStatus): boolean {
    return TRANSITIONS[this.current].includes(to);
  }

  /** Moves to `to`; throws on an illegal transition (a bug in the engine, not in the job). */
  transition(to: JobStatus, error?: RiffleErrorInfo): void {
    if (!this.canTransition(to)) throw new Error(`illegal job transition ${this.current} → ${to}`);
    this.current = to;
    for (const l of [...this.listeners]) {
      try {
        l(to, error);
      } catch (e) {
        // A listener's bug must not change the job's fate.
        this.onListenerError(e);
      }
    }
  }

  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
