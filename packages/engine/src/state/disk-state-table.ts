import type { KeyedStateDescriptor, StateTtl } from './descriptors.js';
import { diskKey, parseDiskKey, RecordCodec, tablePrefix, type KeyRecord } from './disk-record.js';
import type { DiskStore, StoreView } from './disk-store.js';
import type { KeyGroupSnapshot } from './snapshot-format.js';
import { estimateBytes } from './size-estimate.js';
import type { Namespace, StateTable, TableEntry } from './state-table.js';

/**
 * A state table on LevelDB with a bounded write-back cache (an LRU of key records on the heap).
 *
 * - Reads hit the cache; a miss reads the key's record from the store (synchronously, unless a
 *   {@link prefetch} ahead of the batch brought it in) and caches it.
 * - Writes change the cached record and mark it dirty; nothing touches LevelDB until the record
 *   is evicted (least recently used first), when it is encoded and queued as one write.
 * - An index of the keys held (key group → key → encoded size) stays on the heap: a key that is
 *   not in it has no state, so new keys never cost a disk read, and the per-key-group walks of
 *   snapshots and metrics need no LevelDB iterator (which is asynchronous only). It costs a few
 *   dozen bytes per key; values, the bulk of most state, live on disk.
 */
export class DiskStateTable implements StateTable {
  /** Updated accumulators must be put back: the cached object is not what LevelDB holds. */
  readonly holdsReferences = false;
  private readonly index: Array<Map<unknown, number>>;
  private readonly cache = new Map<unknown, KeyRecord>();
  private readonly codec: RecordCodec;
  private entryCount = 0;
  /** Encoded size of every key record written so far, and how many records that covers. */
  private writtenBytes = 0;
  private writtenKeys = 0;

  constructor(
    private readonly id: number,
    private readonly d: KeyedStateDescriptor,
    private readonly store: DiskStore,
    private readonly firstKeyGroup: number,
    numKeyGroups: number,
    private readonly ttl: StateTtl | undefined,
    private readonly now: () => number,
    private readonly capacity: number,
  ) {
    this.codec = new RecordCodec(d);
    this.index = Array.from({ length: numKeyGroups }, () => new Map());
  }

  get(keyGroup: number, key: unknown, ns: Namespace): unknown {
    const r = this.load(keyGroup, key);
    if (r === undefined) return undefined;
    const v = r.values.get(ns);
    if (this.ttl === undefined || v === undefined) return v;
    const now = this.now();
    if (now - r.stamps!.get(ns)! >= this.ttl.ttlMs) {
      this.remove(keyGroup, key, ns);
      return undefined;
    }
    if (this.ttl.updateOnRead) {
      r.stamps!.set(ns, now);
      r.dirty = true;
    }
    return v;
  }

  put(keyGroup: number, key: unknown, ns: Namespace, value: unknown): void {
    let r = this.load(keyGroup, key);
    const added = r === undefined;
    if (r === undefined) {
      r = { keyGroup, values: new Map(), stamps: this.ttl === undefined ? undefined : new Map(), dirty: true };
      this.index[keyGroup - this.firstKeyGroup]!.set(key, 0);
      this.cache.set(key, r);
    }
    if (!r.values.has(ns)) this.entryCount++;
    r.values.set(ns, value);
    r.stamps?.set(ns, this.now());
    r.dirty = true;
    if (added) this.evict();
  }

  remove(keyGroup: number, key: unknown, ns: Namespace): void {
    const r = this.load(keyGroup, key);
    if (r === undefined || !r.values.delete(ns)) return;
    this.entryCount--;
    r.stamps?.delete(ns);
    r.dirty = true;
    if (r.values.size > 0) return;
    // The last namespace of the key: drop the key everywhere, and from LevelDB if it got there.
    const group = this.index[keyGroup - this.firstKeyGroup]!;
    const bytes = group.get(key)!;
    group.delete(key);
    this.cache.delete(key);
    if (bytes > 0) {
      this.writtenBytes -= bytes;
      this.writtenKeys--;
    }
    if (bytes > 0) this.store.write(diskKey(this.id, keyGroup, key), null);
  }

  *entries(keyGroup: number): Iterable<TableEntry> {
    const group = this.index[keyGroup - this.firstKeyGroup];
    if (group === undefined || group.size === 0) return;
    const now = this.now();
    for (const key of [...group.keys()]) {
      const r = this.peek(keyGroup, key);
      for (const [ns, v] of r.values) {
        const t = r.stamps?.get(ns);
        if (t === undefined) yield [key, ns, v, undefined];
        else if (now - t < this.ttl!.ttlMs) yield [key, ns, v, t];
      }
    }
  }

  namespaces(keyGroup: number, key: unknown): Namespace[] {
    const r = this.load(keyGroup, key);
    return r === undefined ? [] : [...r.values.keys()];
  }

  restore(keyGroup: number, [key, ns, value, writtenAt]: TableEntry): void {
    this.put(keyGroup, key, ns, value);
    if (this.ttl !== undefined && writtenAt !== undefined) this.cache.get(key)!.stamps!.set(ns, writtenAt);
  }

  cleanupExpired(): number {
    if (this.ttl === undefined) return 0;
    const now = this.now();
    let removed = 0;
    this.index.forEach((group, i) => {
      const kg = this.firstKeyGroup + i;
      for (const key of [...group.keys()]) {
        const expired: Namespace[] = [];
        for (const [ns, t] of this.peek(kg, key).stamps!) if (now - t >= this.ttl!.ttlMs) expired.push(ns);
        for (const ns of expired) this.remove(kg, key, ns);
        removed += expired.length;
      }
    });
    return removed;
  }

  /**
   * Queues every changed cached record for LevelDB (they stay cached): the first, synchronous step
   * of a snapshot, after which the store's view holds this table's whole state.
   */
  writeBackDirty(): void {
    for (const [key, r] of this.cache) if (r.dirty) this.writeBack(key, r);
  }

  /**
   * Adds this table's rows in `view` to `byKeyGroup` (key group → state name → rows), leaving out
   * entries expired at `now`: the asynchronous part of a snapshot, after {@link writeBackDirty}.
   */
  async snapshotFrom(view: StoreView, now: number, byKeyGroup: Map<number, KeyGroupSnapshot['states']>): Promise<void> {
    const ttlMs = this.ttl?.ttlMs;
    for await (const step of view.scan(tablePrefix(this.id)))
      for (const [dk, bytes] of step) {
        const { keyGroup, key } = parseDiskKey(dk);
        let states = byKeyGroup.get(keyGroup);
        if (states === undefined) byKeyGroup.set(keyGroup, (states = {}));
        const rows = (states[this.d.name] ??= []);
        this.codec.snapshotRows(bytes, key, ttlMs, now, rows);
        if (rows.length === 0) delete states[this.d.name];
      }
  }

  /** Keys with state, per key group (the index; nothing is read). */
  keysOf(keyGroup: number): Iterable<unknown> {
    return this.index[keyGroup - this.firstKeyGroup]?.keys() ?? [];
  }

  /** Keys and entries with state (expired entries not yet cleaned up included) and approximate bytes. */
  size(sample: number): { keys: number; entries: number; bytes: number } {
    let keys = 0;
    for (const g of this.index) keys += g.size;
    // Heap-equivalent bytes, estimated from cached records as the heap backend estimates its own,
    // so both backends report comparable figures; LevelDB's own footprint is the folder's size.
    let sampled = 0;
    let sampledBytes = 0;
    for (const [key, r] of this.cache) {
      for (const v of r.values.values()) {
        sampledBytes += 48 + estimateBytes(key) + estimateBytes(v);
        if (++sampled >= sample) break;
      }
      if (sampled >= sample) break;
    }
    return { keys, entries: this.entryCount, bytes: sampled === 0 ? 0 : Math.round((sampledBytes / sampled) * this.entryCount) };
  }

  /** Mean encoded size of the records written to LevelDB so far (0 before the first eviction). */
  get meanRecordBytes(): number {
    return this.writtenKeys === 0 ? 0 : this.writtenBytes / this.writtenKeys;
  }

  /** The LevelDB keys of `keys` that hold state and are neither cached nor queued (worth a multi-get). */
  missing(keys: Array<[keyGroup: number, key: unknown]>): Array<[string, number, unknown]> {
    const out: Array<[string, number, unknown]> = [];
    const seen = new Set<unknown>();
    for (const [kg, key] of keys) {
      if (seen.has(key) || this.cache.has(key) || !this.index[kg - this.firstKeyGroup]?.has(key)) continue;
      seen.add(key);
      const dk = diskKey(this.id, kg, key);
      if (!this.store.queued(dk)) out.push([dk, kg, key]);
    }
    return out;
  }

  /** Caches a record read ahead of a batch, unless the key was loaded or written meanwhile. */
  admit(keyGroup: number, key: unknown, bytes: Uint8Array): void {
    if (this.cache.has(key) || !this.index[keyGroup - this.firstKeyGroup]?.has(key)) return;
    this.cache.set(key, this.codec.decode(bytes, keyGroup));
    this.evict();
  }

  /** The cached record of a key (now the most recently used), read from the store on a miss. */
  private load(keyGroup: number, key: unknown): KeyRecord | undefined {
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    if (!this.index[keyGroup - this.firstKeyGroup]?.has(key)) return undefined;
    const r = this.read(keyGroup, key);
    this.cache.set(key, r);
    this.evict();
    return r;
  }

  /** A key's record without caching it (snapshots and metrics walk every key once). */
  private peek(keyGroup: number, key: unknown): KeyRecord {
    return this.cache.get(key) ?? this.read(keyGroup, key);
  }

  private read(keyGroup: number, key: unknown): KeyRecord {
    const bytes = this.store.read(diskKey(this.id, keyGroup, key));
    if (bytes === undefined) throw new Error(`disk state lost the record of key ${JSON.stringify(key)} (key group ${keyGroup})`);
    return this.codec.decode(bytes, keyGroup);
  }

  /** Evicts least recently used records past the capacity; dirty ones are queued for LevelDB. */
  private evict(): void {
    while (this.cache.size > this.capacity) {
      const [key, r] = this.cache.entries().next().value as [unknown, KeyRecord];
      this.cache.delete(key);
      if (r.dirty) this.writeBack(key, r);
    }
  }

  private writeBack(key: unknown, r: KeyRecord): void {
    const bytes = this.codec.encode(r);
    const group = this.index[r.keyGroup - this.firstKeyGroup]!;
    const before = group.get(key)!;
    if (before > 0) {
      this.writtenBytes -= before;
      this.writtenKeys--;
    }
    group.set(key, bytes.byteLength);
    this.writtenBytes += bytes.byteLength;
    this.writtenKeys++;
    this.store.write(diskKey(this.id, r.keyGroup, key), bytes);
    r.dirty = false;
  }
}
