import { keyGroupOf } from '../key-groups.js';
import type { KeyedStateDescriptor } from './descriptors.js';
import { DiskStateTable } from './disk-state-table.js';
import { DiskStore, type StoreView } from './disk-store.js';
import { KeyedStateBackend, type KeyedStateBackendOptions } from './keyed-state-backend.js';
import type { KeyGroupSnapshot, StateMetrics } from './snapshot-format.js';
import type { StateTable } from './state-table.js';

/** Keys per state kept decoded on the heap by default (the write-back cache's capacity). */
export const DEFAULT_CACHE_KEYS = 16_384;
/** A full pass over disk for expired TTL entries runs at most this often (reads every key). */
const FULL_CLEANUP_MS = 10_000;

export interface DiskBackendOptions extends KeyedStateBackendOptions {
  /** The LevelDB folder of this operator subtask (created; deleted by {@link DiskKeyedStateBackend.close}). */
  dir: string;
  /** Keys per state cached on the heap (default {@link DEFAULT_CACHE_KEYS}). */
  cacheKeys?: number;
}

/**
 * Keyed state on disk (LevelDB through classic-level), for state larger than memory
 * (`config.stateBackend: "disk"`). Each declared state is a {@link DiskStateTable}: a bounded
 * LRU of decoded key records on the heap in front of LevelDB; all tables of a subtask share one
 * database. Snapshots, restore and metrics are those of every backend, so a checkpoint taken
 * here restores onto the heap backend and back, at any parallelism.
 *
 * Operators stay synchronous: a key missing from the cache is read with LevelDB's blocking get,
 * unless {@link prefetch} (one asynchronous multi-get, before a batch of records) brought it in.
 * @example
 * const b = new DiskKeyedStateBackend({ maxParallelism: 128, keyGroups: { start: 0, end: 127 }, dir: '/data/jobs/j1/state/win-0' });
 * const count = b.valueState<number>({ name: 'count', kind: 'value', keyed: true });
 * b.setCurrentKey('user-1');
 * count.update((count.value() ?? 0) + 1);
 * await b.close(); // releases the files and deletes the folder
 */
export class DiskKeyedStateBackend extends KeyedStateBackend {
  private readonly store: DiskStore;
  private readonly diskTables: DiskStateTable[] = [];
  private lastFullCleanup = -Infinity;

  constructor(private readonly diskOptions: DiskBackendOptions) {
    super(diskOptions);
    this.store = new DiskStore(diskOptions.dir);
  }

  protected createTable(d: KeyedStateDescriptor): StateTable {
    const { start, end } = this.options.keyGroups;
    const capacity = Math.max(1, this.diskOptions.cacheKeys ?? DEFAULT_CACHE_KEYS);
    const t = new DiskStateTable(this.diskTables.length, d, this.store, start, end - start + 1, d.ttl, this.now, capacity);
    this.diskTables.push(t);
    return t;
  }

  /**
   * Reads the state of `keys` into the cache without blocking the event loop, so that processing
   * them next does not wait on disk. Keys without state, cached or with a queued write are skipped.
   */
  override prefetch(keys: ArrayLike<unknown>): Promise<void> | undefined {
    const located: Array<[number, unknown]> = [];
    for (let i = 0; i < keys.length; i++) located.push([keyGroupOf(keys[i], this.options.maxParallelism), keys[i]]);
    const wanted = this.diskTables.map((t) => t.missing(located));
    const all = wanted.flat();
    // Nothing on disk to read: the batch can run at once (no promise, no event-loop turn).
    return all.length === 0 ? undefined : this.admitAll(wanted, all);
  }

  private async admitAll(wanted: Array<Array<[string, number, unknown]>>, all: Array<[string, number, unknown]>): Promise<void> {
    const { values, stale } = await this.store.readMany(all.map(([dk]) => dk));
    let i = 0;
    wanted.forEach((list, t) => {
      for (const [dk, kg, key] of list) {
        const bytes = values[i++];
        if (bytes !== undefined && !stale.has(dk)) this.diskTables[t]!.admit(kg, key, bytes);
      }
    });
  }

  /**
   * Captures the state synchronously — every changed cached record is queued for LevelDB, then
   * the store's view (queued writes over a LevelDB snapshot) is taken — and reads it into
   * per-key-group snapshots asynchronously, while records go on changing the live state.
   */
  override snapshotForCheckpoint(): Promise<KeyGroupSnapshot[]> {
    for (const t of this.diskTables) t.writeBackDirty();
    const view = this.store.view();
    const now = this.now();
    return this.readView(view, now).finally(() => view.close());
  }

  private async readView(view: StoreView, now: number): Promise<KeyGroupSnapshot[]> {
    const byKeyGroup = new Map<number, KeyGroupSnapshot['states']>();
    for (const t of this.diskTables) await t.snapshotFrom(view, now, byKeyGroup);
    return [...byKeyGroup]
      .filter(([, states]) => Object.keys(states).length > 0)
      .sort(([a], [b]) => a - b)
      .map(([keyGroup, states]) => ({ keyGroup, states }));
  }

  /** Resolves once every evicted record is in LevelDB. */
  settled(): Promise<void> {
    return this.store.settled();
  }

  /** The LevelDB folder. */
  get location(): string {
    return this.store.location;
  }

  /** Counts from the key index (no disk read); bytes estimated from cached records. */
  override sizeMetrics(sample = 256): StateMetrics {
    let keys = 0;
    let entries = 0;
    let approximateBytes = 0;
    for (const t of this.diskTables) {
      const s = t.size(sample);
      keys += s.keys;
      entries += s.entries;
      approximateBytes += s.bytes;
    }
    if (this.diskTables.length > 1) {
      const all = new Set<unknown>();
      for (const kg of this.keyGroups()) for (const t of this.diskTables) for (const k of t.keysOf(kg)) all.add(k);
      keys = all.size;
    }
    return { keys, entries, approximateBytes };
  }

  /** A full pass reads every key from disk: at most every {@link FULL_CLEANUP_MS}; reads expire entries meanwhile. */
  override cleanupExpired(): number {
    const now = this.now();
    if (now - this.lastFullCleanup < FULL_CLEANUP_MS) return 0;
    this.lastFullCleanup = now;
    return super.cleanupExpired();
  }

  /** Releases LevelDB's files and deletes the folder (the state's durable copy is the checkpoint). */
  override close(): Promise<void> {
    return this.store.close();
  }
}
