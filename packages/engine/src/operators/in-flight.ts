/**
 * The writes a sink has started and not yet finished, for {@link Operator.backlog}: once `max`
 * are in flight the task waits for the oldest ones, so the rows or messages held in memory stay
 * bounded by about `max` writes (plus one input batch) whatever the external system's speed.
 * Writes must settle in the order they were added (a sink's writes run on one chain).
 */
export class InFlightWrites {
  /** One settled-either-way promise per write in flight, oldest first. */
  private readonly writes: Promise<void>[] = [];

  constructor(private readonly max: number) {}

  /** Tracks a write; its failure is the sink's to report, here it only ends the wait. */
  add(write: Promise<void>): void {
    const settled = write.then(noop, noop);
    this.writes.push(settled);
    void settled.then(() => this.writes.shift());
  }

  /** Resolves once fewer than `max` writes are in flight; undefined when that is already so. */
  backlog(): Promise<void> | undefined {
    const n = this.writes.length;
    return n < this.max ? undefined : this.writes[n - this.max];
  }
}

function noop(): void {}
