/**
 * Combines the watermarks of a task's input channels: the task's watermark is the minimum over
 * its channels, and only advances (Flink's StatusWatermarkValve, without idleness yet).
 */
export class WatermarkValve {
  private readonly channels: Float64Array;
  private current = -Infinity;

  constructor(numChannels: number) {
    this.channels = new Float64Array(numChannels).fill(-Infinity);
  }

  /** Returns the new combined watermark when it advanced, otherwise undefined. */
  update(channel: number, watermark: number): number | undefined {
    if (watermark <= this.channels[channel]!) return undefined;
    this.channels[channel] = watermark;
    let min = Infinity;
    for (let i = 0; i < this.channels.length; i++) if (this.channels[i]! < min) min = this.channels[i]!;
    if (min <= this.current) return undefined;
    this.current = min;
    return min;
  }
}
