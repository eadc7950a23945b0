import type { DeadLetter } from '@riffle/shared';

/** How many dead letters a job keeps as a sample (the counters count all of them). */
export const DEAD_LETTER_SAMPLE = 100;

/** The job's dead-letter output: a bounded sample of the latest failures, newest last. */
export class DeadLetterBuffer {
  private readonly ring: DeadLetter[] = [];
  private next = 0;

  add(nodeId: string, record: unknown, error: unknown): void {
    this.addEntry(deadLetterOf(nodeId, record, error));
  }

  /** Adds an entry made elsewhere (a worker thread). */
  addEntry(entry: DeadLetter): void {
    if (this.ring.length < DEAD_LETTER_SAMPLE) this.ring.push(entry);
    else {
      this.ring[this.next] = entry;
      this.next = (this.next + 1) % DEAD_LETTER_SAMPLE;
    }
  }

  list(): DeadLetter[] {
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}

export function deadLetterOf(nodeId: string, record: unknown, error: unknown): DeadLetter {
  return { nodeId, error: errorText(error), record, ts: Date.now() };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
