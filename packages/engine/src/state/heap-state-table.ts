import type { StateTtl } from './descriptors.js';
import { KeyInterner } from './key-interner.js';
import type { Namespace, StateTable, TableEntry } from './state-table.js';

/** A value written under a TTL, with its write time. */
class Stamped {
  constructor(
    public v: unknown,
    public t: number,
  ) {}
}

/**
 * Everything one table stores under one key. Most keys hold one namespace at a time (a key's
 * open window, or `null` for non-windowed state), so the first lives inline and a map is made
 * only for the others: one object per key instead of a map per key.
 */
class KeyEntry {
  more: Map<Namespace, unknown> | undefined = undefined;
  constructor(
    public ns: Namespace,
    public v: unknown,
    public empty = false,
  ) {}
}

const NO_ENTRY = undefined;

/**
 * Heap state table: entries indexed by the key's interned id (key-interner.ts), so a record costs
 * one key lookup for all states of its operator, then array indexing. Key groups list their key
 * ids for snapshots. Ids come from the backend's interner (passed as `keyId` by the state
 * handles); a caller without one (a restore, a test) has the key interned here.
 */
export class HeapStateTable implements StateTable {
  private readonly entries_: Array<KeyEntry | undefined> = [];
  /** Key ids per key group (offset by the first key group), in first-write order. */
  private readonly groups: Array<Set<number> | undefined>;
  readonly holdsReferences: boolean;

  constructor(
    private readonly firstKeyGroup: number,
    numKeyGroups: number,
    private readonly ttl: StateTtl | undefined,
    private readonly now: () => number,
    private readonly keys: KeyInterner = new KeyInterner(),
  ) {
    this.groups = new Array(numKeyGroups);
    this.holdsReferences = ttl === undefined;
  }

  private idFor(keyGroup: number, key: unknown, keyId: number | undefined): number {
    return keyId ?? this.keys.intern(key, keyGroup);
  }

  get(keyGroup: number, key: unknown, ns: Namespace, keyId?: number): unknown {
    const id = keyId ?? this.keys.idOf(key);
    if (id === undefined) return undefined;
    const e = this.entries_[id];
    if (e === NO_ENTRY) return undefined;
    const v = e.ns === ns && !e.empty ? e.v : e.more?.get(ns);
    if (this.ttl === undefined || v === undefined) return v;
    const s = v as Stamped;
    const now = this.now();
    if (now - s.t >= this.ttl.ttlMs) {
      this.remove(keyGroup, key, ns, id);
      return undefined;
    }
    if (this.ttl.updateOnRead) s.t = now;
    return s.v;
  }

  put(keyGroup: number, key: unknown, ns: Namespace, value: unknown, keyId?: number): void {
    const id = this.idFor(keyGroup, key, keyId);
    const v = this.ttl === undefined ? value : new Stamped(value, this.now());
    const e = this.entries_[id];
    if (e === NO_ENTRY) {
      this.entries_[id] = new KeyEntry(ns, v);
      this.keys.hold(id);
      const at = keyGroup - this.firstKeyGroup;
      (this.groups[at] ??= new Set()).add(id);
    } else if (e.ns === ns || e.empty) {
      e.ns = ns;
      e.v = v;
      e.empty = false;
    } else (e.more ??= new Map()).set(ns, v);
  }

  remove(keyGroup: number, key: unknown, ns: Namespace, keyId?: number): void {
    const id = keyId ?? this.keys.idOf(key);
    if (id === undefined) return;
    const e = this.entries_[id];
    if (e === NO_ENTRY) return;
    if (e.ns === ns && !e.empty) {
      e.v = undefined;
      e.empty = true;
    } else e.more?.delete(ns);
    if (!e.empty || (e.more !== undefined && e.more.size > 0)) return;
    // The key's last namespace: the entry goes, and the interner may reuse the id.
    this.entries_[id] = NO_ENTRY;
    this.groups[keyGroup - this.firstKeyGroup]?.delete(id);
    this.keys.drop(id);
  }

  *entries(keyGroup: number): Iterable<TableEntry> {
    const ids = this.groups[keyGroup - this.firstKeyGroup];
    if (ids === undefined) return;
    const now = this.now();
    for (const id of ids) {
      const e = this.entries_[id]!;
      const key = this.keys.keyOf(id);
      if (!e.empty) yield* this.live(key, e.ns, e.v, now);
      if (e.more !== undefined) for (const [ns, v] of e.more) yield* this.live(key, ns, v, now);
    }
  }

  forEachEntry(keyGroup: number, fn: (key: unknown, ns: Namespace, value: unknown, writtenAt: number | undefined) => void): void {
    const ids = this.groups[keyGroup - this.firstKeyGroup];
    if (ids === undefined) return;
    const ttlMs = this.ttl?.ttlMs;
    const now = ttlMs === undefined ? 0 : this.now();
    const each = (key: unknown, ns: Namespace, v: unknown): void => {
      if (ttlMs === undefined) fn(key, ns, v, undefined);
      else if (now - (v as Stamped).t < ttlMs) fn(key, ns, (v as Stamped).v, (v as Stamped).t);
    };
    for (const id of ids) {
      const e = this.entries_[id]!;
      const key = this.keys.keyOf(id);
      if (!e.empty) each(key, e.ns, e.v);
      if (e.more !== undefined) for (const [ns, v] of e.more) each(key, ns, v);
    }
  }

  private *live(key: unknown, ns: Namespace, v: unknown, now: number): Iterable<TableEntry> {
    if (this.ttl === undefined) yield [key, ns, v, undefined];
    else if (now - (v as Stamped).t < this.ttl.ttlMs) yield [key, ns, (v as Stamped).v, (v as Stamped).t];
  }

  /**
   * Counts the live entries in one pass over the entries by key id, marking in `held` (indexed by
   * key id, sized to the interner's ids) each key that has one. State size is reported every
   * second: walking {@link entries} allocates per entry and was 6–7 % of a worker's time on a join
   * keeping 1M rows (Nexmark q4 at p=2, profiled); this pass allocates nothing per entry.
   */
  countLive(held: Uint8Array): number {
    const now = this.ttl === undefined ? 0 : this.now();
    const entries = this.entries_;
    let n = 0;
    for (let id = 0; id < entries.length; id++) {
      const e = entries[id];
      if (e === NO_ENTRY) continue;
      let live = !e.empty && this.isLive(e.v, now) ? 1 : 0;
      if (e.more !== undefined) for (const v of e.more.values()) if (this.isLive(v, now)) live++;
      if (live > 0) {
        held[id] = 1;
        n += live;
      }
    }
    return n;
  }

  private isLive(v: unknown, now: number): boolean {
    return this.ttl === undefined || now - (v as Stamped).t < this.ttl.ttlMs;
  }

  namespaces(_keyGroup: number, key: unknown, keyId?: number): Namespace[] {
    const id = keyId ?? this.keys.idOf(key);
    const e = id === undefined ? undefined : this.entries_[id];
    if (e === undefined) return [];
    const out: Namespace[] = e.empty ? [] : [e.ns];
    if (e.more !== undefined) out.push(...e.more.keys());
    return out;
  }

  restore(keyGroup: number, [key, ns, value, writtenAt]: TableEntry): void {
    const id = this.keys.intern(key, keyGroup);
    this.put(keyGroup, key, ns, value, id);
    if (this.ttl !== undefined && writtenAt !== undefined) {
      const e = this.entries_[id]!;
      ((e.ns === ns && !e.empty ? e.v : e.more!.get(ns)) as Stamped).t = writtenAt;
    }
  }

  cleanupExpired(): number {
    if (this.ttl === undefined) return 0;
    const now = this.now();
    let removed = 0;
    for (let at = 0; at < this.groups.length; at++)
      for (const id of [...(this.groups[at] ?? [])]) {
        const key = this.keys.keyOf(id);
        for (const ns of this.namespaces(at + this.firstKeyGroup, key, id)) {
          const e = this.entries_[id]!;
          const v = (e.ns === ns && !e.empty ? e.v : e.more!.get(ns)) as Stamped;
          if (now - v.t < this.ttl.ttlMs) continue;
          this.remove(at + this.firstKeyGroup, key, ns, id);
          removed++;
        }
        // A key left with no state anywhere is not the current one (cleanup runs between records).
        this.keys.releaseIfUnheld(id);
      }
    return removed;
  }
}
