import { IDLE_WATERMARK } from '../time/watermark-status.js';

/**
 * Combines the watermarks of a task's input channels: the task's watermark is the minimum over
 * its active channels, and only advances (Flink's StatusWatermarkValve). A channel that sends
 * {@link IDLE_WATERMARK} is left out of the minimum until it sends a real watermark again, and
 * then only counts once that watermark has caught up with the combined one (it must not move the
 * output back). When every channel is idle the task passes the idle marker on — after the
 * highest watermark any channel reached, if that is ahead of the output (Flink's valve does the
 * same): a channel that sent a watermark and then went idle must not leave it unapplied.
 */
export class WatermarkValve {
  private readonly channels: Float64Array;
  private readonly idle: Uint8Array;
  /** 0 while a channel that came back from idle is still behind the combined watermark. */
  private readonly aligned: Uint8Array;
  private current = -Infinity;
  private allIdle = false;
  private idleAfterWatermark = false;

  constructor(numChannels: number) {
    this.channels = new Float64Array(numChannels).fill(-Infinity);
    this.idle = new Uint8Array(numChannels);
    this.aligned = new Uint8Array(numChannels).fill(1);
  }

  /** Returns the new combined watermark (or the idle marker) when it changed, otherwise undefined. */
  update(channel: number, watermark: number): number | undefined {
    if (watermark === IDLE_WATERMARK) {
      if (this.idle[channel]) return undefined;
      this.idle[channel] = 1;
      this.aligned[channel] = 0;
      return this.combine();
    }
    if (this.idle[channel]) {
      this.idle[channel] = 0;
      this.allIdle = false;
    }
    if (watermark > this.channels[channel]!) this.channels[channel] = watermark;
    if (!this.aligned[channel] && this.channels[channel]! >= this.current) this.aligned[channel] = 1;
    return this.combine();
  }

  /**
   * True once after {@link update} returned the watermark that precedes an all-idle input: the
   * caller then forwards {@link IDLE_WATERMARK} after it.
   */
  takeIdleMarker(): boolean {
    const t = this.idleAfterWatermark;
    this.idleAfterWatermark = false;
    return t;
  }

  private combine(): number | undefined {
    let min = Infinity;
    let active = 0;
    for (let i = 0; i < this.channels.length; i++) {
      if (this.idle[i] || !this.aligned[i]) continue;
      active++;
      if (this.channels[i]! < min) min = this.channels[i]!;
    }
    if (active === 0) {
      if (this.idle.every((x) => x === 1) && !this.allIdle) {
        this.allIdle = true;
        let max = -Infinity;
        for (let i = 0; i < this.channels.length; i++) if (this.channels[i]! > max) max = this.channels[i]!;
        if (max <= this.current) return IDLE_WATERMARK;
        this.current = max;
        this.idleAfterWatermark = true;
        return max;
      }
      return undefined;
    }
    if (min <= this.current) return undefined;
    this.current = min;
    return min;
  }
}
