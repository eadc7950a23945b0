import type { AggregateFunction } from './descriptors.js';
import type { Namespace, StateTable } from './state-table.js';

/** What a state handle needs from its backend: the current key, computed once per record. */
export interface KeyContext {
  readonly currentKey: unknown;
  readonly currentKeyGroup: number;
  /** The current key's interned id, where the backend interns keys (key-interner.ts). */
  readonly currentKeyId?: number | undefined;
}

/**
 * Base of every state handle (Flink's InternalKvState): reads and writes the entry of the
 * backend's current key in the handle's current namespace.
 */
abstract class KeyedState<V> {
  protected ns: Namespace = null;

  constructor(
    protected readonly keys: KeyContext,
    protected readonly table: StateTable,
  ) {}

  /** Scopes the following calls to a namespace (a window); `null` when the state is not windowed. */
  setNamespace(ns: Namespace): this {
    this.ns = ns;
    return this;
  }

  protected read(): V | undefined {
    return this.table.get(this.keys.currentKeyGroup, this.keys.currentKey, this.ns, this.keys.currentKeyId) as V | undefined;
  }

  protected write(v: V): void {
    this.table.put(this.keys.currentKeyGroup, this.keys.currentKey, this.ns, v, this.keys.currentKeyId);
  }

  clear(): void {
    this.table.remove(this.keys.currentKeyGroup, this.keys.currentKey, this.ns, this.keys.currentKeyId);
  }

  /** Namespaces of the current key that hold this state. */
  namespaces(): Namespace[] {
    return this.table.namespaces(this.keys.currentKeyGroup, this.keys.currentKey, this.keys.currentKeyId);
  }
}

export class ValueState<T> extends KeyedState<T> {
  value(): T | undefined {
    return this.read();
  }
  update(v: T): void {
    this.write(v);
  }
}

export class ListState<T> extends KeyedState<T[]> {
  get(): readonly T[] {
    return this.read() ?? [];
  }
  add(v: T): void {
    const list = this.read();
    if (list === undefined) this.write([v]);
    else {
      list.push(v);
      this.write(list);
    }
  }
  update(list: T[]): void {
    if (list.length === 0) this.clear();
    else this.write(list.slice());
  }
}

export class MapState<K, V> extends KeyedState<Map<K, V>> {
  get(k: K): V | undefined {
    return this.read()?.get(k);
  }
  contains(k: K): boolean {
    return this.read()?.has(k) ?? false;
  }
  put(k: K, v: V): void {
    const m = this.read() ?? new Map<K, V>();
    m.set(k, v);
    this.write(m);
  }
  remove(k: K): void {
    const m = this.read();
    if (m === undefined) return;
    m.delete(k);
    if (m.size === 0) this.clear();
    else this.write(m);
  }
  entries(): Array<[K, V]> {
    return [...(this.read() ?? [])];
  }
  isEmpty(): boolean {
    return (this.read()?.size ?? 0) === 0;
  }
}

export class ReducingState<T> extends KeyedState<T> {
  constructor(
    keys: KeyContext,
    table: StateTable,
    private readonly reduce: (a: T, b: T) => T,
  ) {
    super(keys, table);
  }
  get(): T | undefined {
    return this.read();
  }
  add(v: T): void {
    const cur = this.read();
    this.write(cur === undefined ? v : this.reduce(cur, v));
  }
}

/** Aggregating state; also a merging state (session windows merge namespaces into one). */
export class AggregatingState<IN, ACC, OUT> extends KeyedState<ACC> {
  constructor(
    keys: KeyContext,
    table: StateTable,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(keys, table);
  }
  get(): OUT | undefined {
    const acc = this.read();
    return acc === undefined ? undefined : this.fn.getResult(acc);
  }
  /** The raw accumulator (for combining panes without materialising results). */
  accumulator(): ACC | undefined {
    return this.read();
  }
  /** The accumulator, created and stored first if there is none (the hot path: update it in place, then {@link updateAccumulator}). */
  accumulatorOrCreate(): ACC {
    let acc = this.read();
    if (acc === undefined) this.write((acc = this.fn.createAccumulator()));
    return acc;
  }
  /** Stores an accumulator the caller updated in place; free when the backend holds references. */
  updateAccumulator(acc: ACC): void {
    if (!this.table.holdsReferences) this.write(acc);
  }
  add(v: IN): void {
    const acc = this.read() ?? this.fn.createAccumulator();
    this.write(this.fn.add(acc, v));
  }
  /** Merges the accumulators of `sources` into `target` (Flink's mergeNamespaces) and clears the sources. */
  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    let merged: ACC | undefined;
    const { currentKeyGroup: kg, currentKey: key, currentKeyId: id } = this.keys;
    for (const ns of sources) {
      const acc = this.table.get(kg, key, ns, id) as ACC | undefined;
      if (acc === undefined) continue;
      this.table.remove(kg, key, ns, id);
      merged = merged === undefined ? acc : this.fn.merge(merged, acc);
    }
    if (merged === undefined) return;
    const existing = this.table.get(kg, key, target, id) as ACC | undefined;
    this.table.put(kg, key, target, existing === undefined ? merged : this.fn.merge(existing, merged), id);
  }
}
