import type { SampledRecord } from '@riffle/shared';
import type { NodeOutput } from './chain-collectors.js';
import { perSubtaskQuota, SampleTap } from './sample-tap.js';

interface ActiveTap {
  until: number;
  installed: Array<[NodeOutput, SampleTap]>;
}

/**
 * The live-preview taps of the subtasks built in one thread (the whole job in process, one
 * worker's share otherwise): turns a node's taps on until a deadline and takes them out of the
 * output collectors once it has passed.
 */
export class NodeTaps {
  private readonly active = new Map<string, ActiveTap>();

  /**
   * @param outputs node → subtask → output collector, for the subtasks built here.
   * @param parallelism the node's parallelism over the whole job (for each subtask's share).
   * @param keep receives every sampled record.
   */
  constructor(
    private readonly outputs: ReadonlyMap<string, ReadonlyArray<NodeOutput | undefined>>,
    private readonly parallelism: (nodeId: string) => number,
    private readonly keep: (nodeId: string, record: SampledRecord) => void,
  ) {}

  /** Taps `nodeId` until `until` (epoch ms), or moves the deadline of a tap already on. */
  enable(nodeId: string, until: number): void {
    const on = this.active.get(nodeId);
    if (on !== undefined) {
      on.until = Math.max(on.until, until);
      return;
    }
    const outputs = this.outputs.get(nodeId);
    if (outputs === undefined) return;
    const quota = perSubtaskQuota(this.parallelism(nodeId));
    const installed: ActiveTap['installed'] = [];
    outputs.forEach((out, subtask) => {
      if (out === undefined) return;
      const tap = new SampleTap(subtask, quota, (r) => this.keep(nodeId, r));
      out.addTarget(tap);
      installed.push([out, tap]);
    });
    this.active.set(nodeId, { until, installed });
  }

  isActive(nodeId: string): boolean {
    return this.active.has(nodeId);
  }

  /** Removes the taps whose deadline has passed (call from a timer). */
  expire(now = Date.now()): void {
    for (const [nodeId, tap] of this.active) {
      if (tap.until > now) continue;
      for (const [out, t] of tap.installed) out.removeTarget(t);
      this.active.delete(nodeId);
    }
  }
}
