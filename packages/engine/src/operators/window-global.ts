import type { Row } from '../collector.js';
import type { OperatorContext } from '../operator.js';
import type { Timer } from '../timers/timer.js';
import { WindowOperatorBase, type WindowParams } from '../windows/window-operator-base.js';

/**
 * `window.global {trigger: {count}}`: one window per key that fires every `count` records and
 * starts over (Flink's `countWindow(n)`: GlobalWindows + PurgingTrigger(CountTrigger)). Like
 * Flink, a remainder short of `count` never fires, also not at the end of a bounded input. A
 * result carries the timestamp of the record that completed it (Flink's would be +∞) and no
 * window bounds. Never late: the window has no end.
 */
export class GlobalWindowOperator extends WindowOperatorBase {
  private readonly count: number;

  constructor(params: Omit<WindowParams, 'allowedLateness'> & { trigger: { count: number } }, ctx: OperatorContext) {
    super('window.global', params, ctx);
    this.count = params.trigger.count;
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    const t = this.timeOf(timestamp);
    if (!this.readInputs(value, t)) return;
    this.backend.setCurrentKey(this.stateKey(key));
    const state = this.acc.setNamespace(null);
    const acc = state.accumulatorOrCreate();
    this.agg.add(acc, this.input);
    if ((acc[0] as number) < this.count) {
      state.updateAccumulator(acc);
      return;
    }
    state.clear();
    this.emit(this.backend.currentKey, null, acc, timestamp);
  }

  protected onTimer(_t: Timer): void {}
}
