import type { Collector, Row } from '../collector.js';
import { attribute } from '../errors.js';
import type { Operator } from '../operator.js';
import type { NodeCounters } from './metrics.js';

/**
 * The input side of a chained operator: counts the record and calls the operator directly (a
 * chain is one task; records pass by method call). Exceptions are tagged with the node id here,
 * so a failure deep in a chain still names the operator that threw.
 */
export class OperatorInput implements Collector {
  constructor(
    readonly nodeId: string,
    private readonly operator: Operator,
    private readonly counters: NodeCounters,
  ) {}

  collect(value: Row, timestamp: number, key?: unknown): void {
    this.counters.recordsIn++;
    try {
      this.operator.processElement(value, timestamp, key);
    } catch (e) {
      throw attribute(this.nodeId, e);
    }
  }

  emitWatermark(watermark: number): void {
    try {
      this.operator.processWatermark(watermark);
    } catch (e) {
      throw attribute(this.nodeId, e);
    }
  }
}

/**
 * The output side of a node: counts records out, remembers the output watermark for metrics,
 * and fans out to every downstream target (chained operators and exchanges).
 */
export class NodeOutput implements Collector {
  private targets: Collector[] = [];
  private single: Collector | undefined;

  constructor(private readonly counters: NodeCounters) {}

  addTarget(target: Collector): void {
    this.targets.push(target);
    this.single = this.targets.length === 1 ? target : undefined;
  }

  /** Takes a target out again (a live-preview tap whose time is up). */
  removeTarget(target: Collector): void {
    this.targets = this.targets.filter((t) => t !== target);
    this.single = this.targets.length === 1 ? this.targets[0] : undefined;
  }

  collect(value: Row, timestamp: number, key?: unknown): void {
    this.counters.recordsOut++;
    // The common case (one target) avoids the loop.
    if (this.single !== undefined) {
      this.single.collect(value, timestamp, key);
      return;
    }
    const t = this.targets;
    for (let i = 0; i < t.length; i++) t[i]!.collect(value, timestamp, key);
  }

  emitWatermark(watermark: number): void {
    this.counters.watermark = watermark;
    const t = this.targets;
    for (let i = 0; i < t.length; i++) t[i]!.emitWatermark(watermark);
  }
}
