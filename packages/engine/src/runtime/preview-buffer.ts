/** A ring buffer of the latest records reaching a `sink.collect` node. */
export class PreviewBuffer {
  private readonly ring: unknown[] = [];
  private next = 0;
  /** Bumped on every add, so a worker reports its buffer only when it changed. */
  version = 0;

  constructor(readonly limit: number) {}

  add(record: unknown): void {
    this.version++;
    if (this.ring.length < this.limit) this.ring.push(record);
    else {
      this.ring[this.next] = record;
      this.next = this.next + 1 === this.limit ? 0 : this.next + 1;
    }
  }

  /** Oldest first. */
  list(): unknown[] {
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}
