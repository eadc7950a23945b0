import { parseDuration } from '@riffle/shared';
import type { Row } from '../collector.js';
import type { OperatorContext } from '../operator.js';
import type { Timer } from '../timers/timer.js';
import type { WindowAccumulator } from './window-aggregate.js';
import { WindowOperatorBase, type WindowParams } from './window-operator-base.js';

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Start of the interval of `size` containing `t`, aligned to the epoch (the double modulo handles t < 0). */
export function alignedStart(t: number, size: number): number {
  return t - (((t % size) + size) % size);
}

/**
 * Sliding windows of `size` every `slide`, aligned to the epoch; tumbling is slide = size.
 *
 * Each record is aggregated once, into its pane (slices of gcd(size, slide)); a window is the
 * merge of its size/pane panes when it fires. Per-record cost therefore does not grow with
 * size/slide (a record would otherwise update size/slide window accumulators). State: one
 * accumulator per key and pane (namespace = pane start). Timers per key and window (namespace =
 * window start): at max timestamp to fire, at max timestamp + allowed lateness to drop the panes
 * no later window needs ([start, start + slide)); with no lateness they are the same timer.
 * Fired windows come out in window-end, then key order (timer order).
 */
export class PaneWindowOperator extends WindowOperatorBase {
  protected readonly size: number;
  protected readonly slide: number;
  private readonly pane: number;

  constructor(kind: string, params: WindowParams & { size: string; slide?: string }, ctx: OperatorContext) {
    super(kind, params, ctx);
    this.size = parseDuration(params.size)!;
    this.slide = params.slide === undefined ? this.size : parseDuration(params.slide)!;
    this.pane = gcd(this.size, this.slide);
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    const t = this.timeOf(timestamp);
    const paneStart = alignedStart(t, this.pane);
    // The last window containing the record is the one starting at or before it.
    const lastStart = alignedStart(t, this.slide);
    const wm = this.watermark;
    if (lastStart + this.size - 1 + this.lateness <= wm) {
      this.late(value, timestamp, key);
      return;
    }
    if (!this.readInputs(value, t)) return;
    this.backend.setCurrentKey(this.stateKey(key));
    const state = this.acc.setNamespace(paneStart);
    const acc = state.accumulatorOrCreate();
    const isNew = acc[0] === 0;
    this.agg.add(acc, this.input);
    state.updateAccumulator(acc);
    // The first window containing the pane; if it has fired, some windows need a late firing.
    const firstStart = lastStart - this.slide * Math.floor((this.size - 1 - (paneStart - lastStart)) / this.slide);
    if (!isNew && firstStart + this.size - 1 > wm) return;
    for (let s = firstStart; s <= lastStart; s += this.slide) {
      const maxTs = s + this.size - 1;
      if (maxTs + this.lateness <= wm) continue; // already cleaned up
      // As Flink's EventTimeTrigger: a window already past fires now, without a timer.
      if (maxTs <= wm) this.fireWindow(s);
      else if (isNew) this.registerTimer(s, maxTs);
      // With no lateness the cleanup timer is the firing timer.
      if (isNew && this.lateness > 0) this.registerTimer(s, maxTs + this.lateness);
    }
  }

  protected onTimer(t: Timer): void {
    const start = t.namespace as number;
    const maxTs = start + this.size - 1;
    if (t.timestamp === maxTs) this.fireWindow(start);
    if (t.timestamp === maxTs + this.lateness) {
      const end = Math.min(start + this.slide, start + this.size);
      for (let p = start; p < end; p += this.pane) this.acc.setNamespace(p).clear();
    }
  }

  private fireWindow(start: number): void {
    let merged: WindowAccumulator | undefined;
    for (let p = start; p < start + this.size; p += this.pane) {
      const acc = this.acc.setNamespace(p).accumulator();
      if (acc === undefined) continue;
      merged = merged === undefined ? acc : this.agg.merge(merged, acc);
    }
    if (merged === undefined) return;
    const key = this.backend.currentKey;
    this.emit(key, { start, end: start + this.size }, merged, start + this.size - 1);
  }
}
