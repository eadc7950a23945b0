import type { StateTtl } from './descriptors.js';
import type { Namespace, StateTable, TableEntry } from './state-table.js';

/** A value written under a TTL, with its write time. */
class Stamped {
  constructor(
    public v: unknown,
    public t: number,
  ) {}
}

/**
 * Heap state table: key group (array slot) → key → namespace → value. Nested maps keep lookups on
 * the keys themselves (no per-record string building); number keys stay on V8's fast path.
 */
export class HeapStateTable implements StateTable {
  private readonly groups: Array<Map<unknown, Map<Namespace, unknown>> | undefined>;
  readonly holdsReferences: boolean;

  constructor(
    private readonly firstKeyGroup: number,
    numKeyGroups: number,
    private readonly ttl: StateTtl | undefined,
    private readonly now: () => number,
  ) {
    this.groups = new Array(numKeyGroups);
    this.holdsReferences = ttl === undefined;
  }

  get(keyGroup: number, key: unknown, ns: Namespace): unknown {
    const byNs = this.groups[keyGroup - this.firstKeyGroup]?.get(key);
    if (byNs === undefined) return undefined;
    const v = byNs.get(ns);
    if (this.ttl === undefined || v === undefined) return v;
    const s = v as Stamped;
    const now = this.now();
    if (now - s.t >= this.ttl.ttlMs) {
      this.remove(keyGroup, key, ns);
      return undefined;
    }
    if (this.ttl.updateOnRead) s.t = now;
    return s.v;
  }

  put(keyGroup: number, key: unknown, ns: Namespace, value: unknown): void {
    const at = keyGroup - this.firstKeyGroup;
    let byKey = this.groups[at];
    if (byKey === undefined) this.groups[at] = byKey = new Map();
    let byNs = byKey.get(key);
    if (byNs === undefined) byKey.set(key, (byNs = new Map()));
    byNs.set(ns, this.ttl === undefined ? value : new Stamped(value, this.now()));
  }

  remove(keyGroup: number, key: unknown, ns: Namespace): void {
    const byKey = this.groups[keyGroup - this.firstKeyGroup];
    const byNs = byKey?.get(key);
    if (byNs === undefined) return;
    byNs.delete(ns);
    if (byNs.size === 0) byKey!.delete(key);
  }

  *entries(keyGroup: number): Iterable<TableEntry> {
    const byKey = this.groups[keyGroup - this.firstKeyGroup];
    if (byKey === undefined) return;
    const now = this.now();
    for (const [key, byNs] of byKey)
      for (const [ns, v] of byNs) {
        if (this.ttl === undefined) yield [key, ns, v, undefined];
        else if (now - (v as Stamped).t < this.ttl.ttlMs) yield [key, ns, (v as Stamped).v, (v as Stamped).t];
      }
  }

  namespaces(keyGroup: number, key: unknown): Namespace[] {
    const byNs = this.groups[keyGroup - this.firstKeyGroup]?.get(key);
    return byNs === undefined ? [] : [...byNs.keys()];
  }

  restore(keyGroup: number, [key, ns, value, writtenAt]: TableEntry): void {
    this.put(keyGroup, key, ns, value);
    if (this.ttl !== undefined && writtenAt !== undefined) (this.groups[keyGroup - this.firstKeyGroup]!.get(key)!.get(ns) as Stamped).t = writtenAt;
  }

  cleanupExpired(): number {
    if (this.ttl === undefined) return 0;
    const now = this.now();
    let removed = 0;
    for (const byKey of this.groups) {
      if (byKey === undefined) continue;
      for (const [key, byNs] of byKey) {
        for (const [ns, v] of byNs)
          if (now - (v as Stamped).t >= this.ttl.ttlMs) {
            byNs.delete(ns);
            removed++;
          }
        if (byNs.size === 0) byKey.delete(key);
      }
    }
    return removed;
  }
}
