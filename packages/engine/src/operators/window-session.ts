import { parseDuration } from '@riffle/shared';
import type { Row } from '../collector.js';
import type { OperatorContext } from '../operator.js';
import type { ValueState } from '../state/state-handles.js';
import type { Timer } from '../timers/timer.js';
import { WindowOperatorBase, type WindowParams } from '../windows/window-operator-base.js';

/** A session of one key: [start, end), end = last timestamp + gap. */
type Session = [start: number, end: number];

/**
 * `window.session {gap}`: per key, a record at t opens the window [t, t + gap); windows that
 * intersect merge (Flink's TimeWindow.intersects: `a.start <= b.end && b.start <= a.end`, so a
 * record exactly at a session's end joins it). State: the key's sessions (namespace null) and
 * one accumulator per session (namespace = session start); merging merges accumulators and
 * moves the timers. A record whose merged session is past its allowed lateness is late.
 */
export class SessionWindowOperator extends WindowOperatorBase {
  private readonly gap: number;
  private readonly sessions: ValueState<Session[]>;

  constructor(params: WindowParams & { gap: string }, ctx: OperatorContext) {
    super('window.session', params, ctx);
    this.gap = parseDuration(params.gap)!;
    const d = { name: 'sessions', kind: 'value', keyed: true } as const;
    this.sessions = this.backend.valueState<Session[]>(d);
    this.stateDescriptors = [...this.stateDescriptors, d];
  }

  processElement(value: Row, timestamp: number, key: unknown): void {
    const t = this.timeOf(timestamp);
    this.backend.setCurrentKey(this.stateKey(key));
    const list = this.sessions.value() ?? [];
    let start = t;
    let end = t + this.gap;
    const merged: Session[] = [];
    const kept: Session[] = [];
    for (const s of list) {
      if (s[0] <= end && start <= s[1]) merged.push(s);
      else kept.push(s);
    }
    for (const s of merged) {
      start = Math.min(start, s[0]);
      end = Math.max(end, s[1]);
    }
    const wm = this.watermark;
    if (end - 1 + this.lateness <= wm) {
      this.late(value, timestamp, key);
      return;
    }
    if (!this.readInputs(value, t)) return;
    // Merge the sessions the new record bridges into one, under the new start.
    for (const [s, e] of merged) {
      if (s === start && e === end) continue;
      this.deleteTimer(s, e - 1);
      this.deleteTimer(s, e - 1 + this.lateness);
    }
    this.acc.mergeNamespaces(
      start,
      merged.map((s) => s[0]).filter((s) => s !== start),
    );
    const state = this.acc.setNamespace(start);
    const acc = state.accumulatorOrCreate();
    this.agg.add(acc, this.input);
    state.updateAccumulator(acc);
    kept.push([start, end]);
    kept.sort((a, b) => a[0] - b[0]);
    this.sessions.update(kept);
    this.registerTimer(start, end - 1 + this.lateness);
    // As Flink's EventTimeTrigger: a session already past (within the allowed lateness) fires now, without a timer.
    if (end - 1 <= wm) this.fire(start, end);
    else this.registerTimer(start, end - 1);
  }

  protected onTimer(t: Timer): void {
    const start = t.namespace as number;
    const list = this.sessions.value() ?? [];
    const i = list.findIndex((s) => s[0] === start);
    if (i < 0) return;
    const end = list[i]![1];
    if (t.timestamp === end - 1) this.fire(start, end);
    if (t.timestamp === end - 1 + this.lateness) {
      this.acc.setNamespace(start).clear();
      list.splice(i, 1);
      if (list.length === 0) this.sessions.clear();
      else this.sessions.update(list);
    }
  }

  private fire(start: number, end: number): void {
    const acc = this.acc.setNamespace(start).accumulator();
    if (acc !== undefined) this.emit(this.backend.currentKey, { start, end }, acc, end - 1);
  }
}
