import type { Namespace } from '../state/state-table.js';
import { compareTimers, type Timer } from './timer.js';

/**
 * A priority queue of timers, deduplicated on (timestamp, key, namespace) as in Flink: registering
 * the same timer twice keeps one. A binary heap orders them; deletion is lazy (a deleted timer is
 * skipped when it reaches the top), and the nested index doubles as the set of live timers.
 */
export class TimerQueue {
  private readonly heap: Timer[] = [];
  /** timestamp → key → namespaces: the live timers. */
  private readonly live = new Map<number, Map<unknown, Set<Namespace>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(timestamp: number, key: unknown, keyGroup: number, namespace: Namespace): boolean {
    let byKey = this.live.get(timestamp);
    if (byKey === undefined) this.live.set(timestamp, (byKey = new Map()));
    let nss = byKey.get(key);
    if (nss === undefined) byKey.set(key, (nss = new Set()));
    if (nss.has(namespace)) return false;
    nss.add(namespace);
    this.count++;
    this.push({ timestamp, key, keyGroup, namespace });
    return true;
  }

  delete(timestamp: number, key: unknown, namespace: Namespace): void {
    if (this.unmark(timestamp, key, namespace)) this.count--;
  }

  /** The earliest live timer's timestamp, or +∞. */
  peekTimestamp(): number {
    this.dropDeleted();
    return this.heap.length === 0 ? Infinity : this.heap[0]!.timestamp;
  }

  /** Removes and returns the earliest live timer if its timestamp is at or before `limit`. */
  pollUntil(limit: number): Timer | undefined {
    this.dropDeleted();
    const top = this.heap[0];
    if (top === undefined || top.timestamp > limit) return undefined;
    this.pop();
    this.unmark(top.timestamp, top.key, top.namespace);
    this.count--;
    return top;
  }

  /** Every live timer (unordered). */
  *all(): Iterable<Timer> {
    for (const t of this.heap) if (this.isLive(t)) yield t;
  }

  private isLive(t: Timer): boolean {
    return this.live.get(t.timestamp)?.get(t.key)?.has(t.namespace) ?? false;
  }

  private unmark(timestamp: number, key: unknown, namespace: Namespace): boolean {
    const byKey = this.live.get(timestamp);
    const nss = byKey?.get(key);
    if (nss === undefined || !nss.delete(namespace)) return false;
    if (nss.size === 0) byKey!.delete(key);
    if (byKey!.size === 0) this.live.delete(timestamp);
    return true;
  }

  private dropDeleted(): void {
    while (this.heap.length > 0 && !this.isLive(this.heap[0]!)) this.pop();
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareTimers(h[p]!, t) <= 0) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = t;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && compareTimers(h[r]!, h[l]!) < 0 ? r : l;
      if (compareTimers(h[c]!, last) >= 0) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
