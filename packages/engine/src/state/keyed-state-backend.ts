import { keyGroupOf } from '../key-groups.js';
import type {
  AggregatingStateDescriptor,
  KeyedStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from './descriptors.js';
import { KeyInterner } from './key-interner.js';
import type { KeyGroupSnapshot, StateMetrics } from './snapshot-format.js';
import { estimateBytes } from './size-estimate.js';
import { AggregatingState, ListState, MapState, ReducingState, ValueState, type KeyContext } from './state-handles.js';
import type { Namespace, StateTable, TableEntry } from './state-table.js';

export interface KeyedStateBackendOptions {
  maxParallelism: number;
  /** Key groups this subtask owns, inclusive (see `keyGroupRange` in key-groups.ts). */
  keyGroups: { start: number; end: number };
  /** Processing-time clock for TTL; injectable so tests never sleep. */
  now?: () => number;
}

/**
 * Keyed state of one operator subtask (Flink's AbstractKeyedStateBackend). Operators declare their
 * states up front (descriptors), set the current key once per record, and read and write
 * through handles. State is stored and snapshotted per key group, so a job can be restored at
 * another parallelism by handing each subtask the key groups it now owns.
 *
 * Subclasses supply the storage ({@link StateTable}): the heap, or LevelDB (disk-backend.ts).
 */
export abstract class KeyedStateBackend implements KeyContext {
  currentKey: unknown = null;
  currentKeyGroup: number;
  /** The current key's interned id when this backend interns keys ({@link usesKeyIds}), else undefined. */
  currentKeyId: number | undefined = undefined;
  protected readonly now: () => number;
  /** Key → id for every state of this operator subtask; undefined when the tables index by key. */
  protected readonly interner: KeyInterner | undefined;
  private readonly tables = new Map<string, { d: KeyedStateDescriptor; table: StateTable }>();

  constructor(protected readonly options: KeyedStateBackendOptions) {
    this.now = options.now ?? Date.now;
    this.currentKeyGroup = options.keyGroups.start;
    this.interner = this.usesKeyIds() ? new KeyInterner() : undefined;
  }

  protected abstract createTable(d: KeyedStateDescriptor): StateTable;

  /** True when the tables index entries by interned key ids (the heap); called from the constructor. */
  protected usesKeyIds(): boolean {
    return false;
  }

  /** Declares a state; every declaration must happen before the first record. */
  register(d: KeyedStateDescriptor): void {
    if (this.tables.has(d.name)) throw new Error(`state "${d.name}" is declared twice`);
    this.tables.set(d.name, { d, table: this.createTable(d) });
  }

  /**
   * Makes `key` the current key. With interned keys its key group is computed once per key (not
   * per record) and every state finds the key by its id.
   */
  setCurrentKey(key: unknown): void {
    const interner = this.interner;
    if (interner === undefined) {
      this.currentKey = key;
      this.currentKeyGroup = this.keyGroupIn(key);
      return;
    }
    const id = interner.idOf(key) ?? interner.intern(key, this.keyGroupIn(key));
    this.switchTo(interner, key, id);
  }

  /** Same as {@link setCurrentKey} when the key group is already known (e.g. a firing timer). */
  setCurrentKeyAndGroup(key: unknown, keyGroup: number): void {
    const interner = this.interner;
    if (interner === undefined) {
      this.currentKey = key;
      this.currentKeyGroup = keyGroup;
    } else this.switchTo(interner, key, interner.intern(key, keyGroup));
  }

  private switchTo(interner: KeyInterner, key: unknown, id: number): void {
    const previous = this.currentKeyId;
    // The key we leave may hold no state any more (its window fired): its id can be reused now.
    if (previous !== undefined && previous !== id) interner.releaseIfUnheld(previous);
    this.currentKey = key;
    this.currentKeyId = id;
    this.currentKeyGroup = interner.keyGroupOf(id);
  }

  private keyGroupIn(key: unknown): number {
    const kg = keyGroupOf(key, this.options.maxParallelism);
    const { start, end } = this.options.keyGroups;
    if (kg < start || kg > end) throw new Error(`key ${JSON.stringify(key)} is in key group ${kg}, outside this subtask's range ${start}–${end}`);
    return kg;
  }

  valueState<T>(d: ValueStateDescriptor): ValueState<T> {
    return new ValueState<T>(this, this.table(d));
  }
  listState<T>(d: ListStateDescriptor): ListState<T> {
    return new ListState<T>(this, this.table(d));
  }
  mapState<K, V>(d: MapStateDescriptor): MapState<K, V> {
    return new MapState<K, V>(this, this.table(d));
  }
  reducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    return new ReducingState<T>(this, this.table(d), d.reduce);
  }
  aggregatingState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, ACC, OUT> {
    return new AggregatingState<IN, ACC, OUT>(this, this.table(d), d.fn);
  }

  private table(d: KeyedStateDescriptor): StateTable {
    let t = this.tables.get(d.name);
    if (t === undefined) {
      this.register(d);
      t = this.tables.get(d.name)!;
    } else if (t.d.kind !== d.kind) throw new Error(`state "${d.name}" is declared as ${t.d.kind}, used as ${d.kind}`);
    return t.table;
  }

  /** Key groups this backend owns. */
  *keyGroups(): Iterable<number> {
    for (let kg = this.options.keyGroups.start; kg <= this.options.keyGroups.end; kg++) yield kg;
  }

  /** The state of one key group (expired entries left out), msgpackr-encodable. */
  snapshot(keyGroup: number): KeyGroupSnapshot {
    const states: KeyGroupSnapshot['states'] = {};
    for (const [name, { d, table }] of this.tables) {
      const rows: KeyGroupSnapshot['states'][string] = [];
      const add = (key: unknown, ns: Namespace, value: unknown, writtenAt: number | undefined): void => {
        const plain = d.kind === 'map' ? [...(value as Map<unknown, unknown>)] : d.serializer ? d.serializer.toPlain(value) : value;
        rows.push(writtenAt === undefined ? [key, ns, plain] : [key, ns, plain, writtenAt]);
      };
      if (table.forEachEntry !== undefined) table.forEachEntry(keyGroup, add);
      else for (const [key, ns, value, writtenAt] of table.entries(keyGroup)) add(key, ns, value, writtenAt);
      if (rows.length > 0) states[name] = rows;
    }
    return { keyGroup, states };
  }

  /** Snapshots of every owned key group that holds state. */
  snapshotAll(): KeyGroupSnapshot[] {
    const out: KeyGroupSnapshot[] = [];
    for (const kg of this.keyGroups()) {
      const s = this.snapshot(kg);
      if (Object.keys(s.states).length > 0) out.push(s);
    }
    return out;
  }

  /**
   * {@link snapshotAll} for a checkpoint: the state is captured in this call, and the snapshots
   * come back directly (the heap) or as a promise (the disk backend reads a LevelDB snapshot
   * while records keep changing the live state). See `Operator.snapshotState`.
   */
  snapshotForCheckpoint(): KeyGroupSnapshot[] | Promise<KeyGroupSnapshot[]> {
    return this.snapshotAll();
  }

  /**
   * Restores key-group snapshots; those of key groups this subtask does not own are skipped, so
   * every subtask can be handed all snapshots after a rescale. States must be declared first.
   */
  restore(snapshots: Iterable<KeyGroupSnapshot>): void {
    const { start, end } = this.options.keyGroups;
    for (const s of snapshots) {
      if (s.keyGroup < start || s.keyGroup > end) continue;
      for (const [name, rows] of Object.entries(s.states)) {
        const t = this.tables.get(name);
        if (t === undefined) throw new Error(`snapshot has state "${name}", which this operator does not declare`);
        for (const [key, ns, plain, writtenAt] of rows) {
          const value =
            t.d.kind === 'map' ? new Map(plain as Array<[unknown, unknown]>) : t.d.serializer ? t.d.serializer.fromPlain(plain) : plain;
          const entry: TableEntry = [key, ns, value, writtenAt];
          t.table.restore(s.keyGroup, entry);
        }
      }
    }
  }

  /**
   * Reads the state of `keys` ahead of a batch of records, where a backend keeps state off the
   * heap (disk); undefined when there is nothing to wait for (the heap).
   */
  prefetch(_keys: ArrayLike<unknown>): Promise<void> | undefined {
    return undefined;
  }

  /** Releases what the backend holds outside the heap (files); operators call it from close/abort. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Removes expired TTL entries everywhere (call now and then, e.g. on processing time). */
  cleanupExpired(): number {
    let n = 0;
    for (const { table } of this.tables.values()) n += table.cleanupExpired();
    // A table may have freed the current key's id: take it again so the handles stay valid.
    if (this.interner !== undefined && this.currentKeyId !== undefined) this.currentKeyId = this.interner.intern(this.currentKey, this.currentKeyGroup);
    return n;
  }

  /** Keys, entries and approximate bytes (walks the state: call at metrics rate, not per record). */
  metrics(): StateMetrics {
    const keys = new Set<unknown>();
    let entries = 0;
    let approximateBytes = 0;
    for (const kg of this.keyGroups())
      for (const { table } of this.tables.values())
        for (const [key, , value] of table.entries(kg)) {
          keys.add(key);
          entries++;
          approximateBytes += 48 + estimateBytes(key) + estimateBytes(value);
        }
    return { keys: keys.size, entries, approximateBytes };
  }

  /**
   * {@link metrics} cheap enough for every metrics report: keys and entries are counted exactly,
   * bytes are extrapolated per state from its first `sample` entries (each estimate bounded, see
   * size-estimate.ts). Tables that count for themselves (the heap) are not walked entry by entry.
   */
  sizeMetrics(sample = 256): StateMetrics {
    const counted = this.countLive() ?? this.walkCounts();
    let approximateBytes = 0;
    let t = 0;
    for (const { table } of this.tables.values()) {
      const entries = counted.entries[t++]!;
      let sampled = 0;
      let sampledBytes = 0;
      sampling: for (const kg of this.keyGroups())
        for (const [key, , value] of table.entries(kg)) {
          if (sampled >= sample) break sampling;
          sampled++;
          sampledBytes += 48 + estimateBytes(key) + estimateBytes(value);
        }
      if (sampled > 0) approximateBytes += (sampledBytes / sampled) * entries;
    }
    return { keys: counted.keys, entries: counted.entries.reduce((a, b) => a + b, 0), approximateBytes: Math.round(approximateBytes) };
  }

  /** Keys, and entries per table, from the tables' own counts; undefined when a table cannot count. */
  private countLive(): { keys: number; entries: number[] } | undefined {
    if (this.interner === undefined) return undefined;
    const held = new Uint8Array(this.interner.idLimit);
    const entries: number[] = [];
    for (const { table } of this.tables.values()) {
      if (table.countLive === undefined) return undefined;
      entries.push(table.countLive(held));
    }
    let keys = 0;
    for (let id = 0; id < held.length; id++) keys += held[id]!;
    return { keys, entries };
  }

  /** {@link countLive} by walking every entry. */
  private walkCounts(): { keys: number; entries: number[] } {
    const single = this.tables.size === 1;
    const seen = single ? undefined : new Set<unknown>();
    let keys = 0;
    const entries: number[] = [];
    for (const { table } of this.tables.values()) {
      let n = 0;
      for (const kg of this.keyGroups()) {
        let last: unknown = NO_KEY;
        for (const [key] of table.entries(kg)) {
          // A table yields a key's namespaces one after the other, so one table's keys count as changes.
          if (seen !== undefined) seen.add(key);
          else if (key !== last) keys++;
          last = key;
          n++;
        }
      }
      entries.push(n);
    }
    return { keys: seen?.size ?? keys, entries };
  }
}

const NO_KEY = Symbol('no key');
