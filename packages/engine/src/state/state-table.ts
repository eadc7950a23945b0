/** A namespace scopes keyed state below the key (a window, a session id); `null` when unused. */
export type Namespace = number | string | null;

/** One stored entry: key, namespace, value and, with a TTL, when it was last written. */
export type TableEntry = [key: unknown, ns: Namespace, value: unknown, writtenAt: number | undefined];

/**
 * Where one declared state lives, for every key and namespace of the key groups a subtask owns.
 * The heap backend indexes entries by interned key id; a disk backend (classic-level) implements the same calls.
 * Callers pass the key group they already computed so a backend never hashes a key twice.
 * TTL is the table's concern: an expired entry reads as undefined.
 */
export interface StateTable {
  /**
   * True when `get` returns the stored object itself and a change made to it in place is stored
   * (the heap without TTL): callers may then skip writing an updated accumulator back.
   */
  readonly holdsReferences: boolean;
  /*
   * `keyId`: the key's id in the backend's KeyInterner, passed by the state handles when the
   * backend interns keys (the heap); a table that indexes by key ignores it.
   */
  get(keyGroup: number, key: unknown, ns: Namespace, keyId?: number): unknown;
  put(keyGroup: number, key: unknown, ns: Namespace, value: unknown, keyId?: number): void;
  remove(keyGroup: number, key: unknown, ns: Namespace, keyId?: number): void;
  /** Every live entry of one key group. */
  entries(keyGroup: number): Iterable<TableEntry>;
  /**
   * Optional: {@link entries} as a callback per entry, with no iterator or entry array per entry.
   * A checkpoint of the heap walks every entry while the task waits at the barrier: 1M entries
   * through nested generators took ~1.3 s of it.
   */
  forEachEntry?(keyGroup: number, fn: (key: unknown, ns: Namespace, value: unknown, writtenAt: number | undefined) => void): void;
  /** Namespaces holding state for a key (e.g. the open windows of a key). */
  namespaces(keyGroup: number, key: unknown, keyId?: number): Namespace[];
  /** Puts a restored entry back, keeping its write time. */
  restore(keyGroup: number, entry: TableEntry): void;
  /** Drops expired entries; returns how many. */
  cleanupExpired(): number;
  /**
   * Optional, for tables indexed by interned key ids: the number of live entries, with `held[id]`
   * set for every key id holding one (`held` sized to the interner's ids). Lets the backend count
   * state size without walking {@link entries}.
   */
  countLive?(held: Uint8Array): number;
}
