import type { SampledRecord } from '@riffle/shared';
import { PreviewBuffer } from './preview-buffer.js';

/** Sampled records kept per node: a few seconds' worth at the sampling rate. */
export const SAMPLE_RING = 50;
/** How long a tap stays on after the last `sample()` call. */
export const TAP_MS = 30_000;

/** The recent sampled output records of each tapped node, on the job's main thread. */
export class SampleRings {
  private readonly rings = new Map<string, PreviewBuffer>();

  add(nodeId: string, record: SampledRecord): void {
    let ring = this.rings.get(nodeId);
    if (ring === undefined) this.rings.set(nodeId, (ring = new PreviewBuffer(SAMPLE_RING)));
    ring.add(record);
  }

  /** Forgets what an earlier tap kept, so a new one does not show stale records. */
  reset(nodeId: string): void {
    this.rings.delete(nodeId);
  }

  /** Oldest first. */
  list(nodeId: string): SampledRecord[] {
    return (this.rings.get(nodeId)?.list() ?? []) as SampledRecord[];
  }
}
