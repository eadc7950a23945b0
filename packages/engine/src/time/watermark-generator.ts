/**
 * Flink's BoundedOutOfOrderness strategy: watermark = max timestamp seen − bound − 1, i.e. after
 * seeing timestamp t no record older than t − bound is expected any more.
 */
export class BoundedOutOfOrdernessWatermarks {
  private maxTimestamp = -Infinity;

  constructor(private readonly boundMs: number) {}

  onEvent(timestamp: number): void {
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
  }

  current(): number {
    return this.maxTimestamp - this.boundMs - 1;
  }
}
