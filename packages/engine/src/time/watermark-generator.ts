/** Turns the timestamps a source subtask has seen into its current watermark. */
export interface WatermarkGenerator {
  onEvent(timestamp: number): void;
  current(): number;
}

/**
 * Flink's BoundedOutOfOrderness strategy: watermark = max timestamp seen − bound − 1, i.e. after
 * seeing timestamp t no record older than t − bound is expected any more.
 */
export class BoundedOutOfOrdernessWatermarks implements WatermarkGenerator {
  private maxTimestamp = -Infinity;

  constructor(private readonly boundMs: number) {}

  onEvent(timestamp: number): void {
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
  }

  current(): number {
    return this.maxTimestamp - this.boundMs - 1;
  }
}

/** Flink's forMonotonousTimestamps: timestamps never go back, so the watermark trails the maximum by 1 ms. */
export class MonotonousWatermarks extends BoundedOutOfOrdernessWatermarks {
  constructor() {
    super(0);
  }
}
