import { Packr } from 'msgpackr';
import type { KeyedStateDescriptor } from './descriptors.js';
import type { KeyGroupSnapshot } from './snapshot-format.js';
import type { Namespace } from './state-table.js';

/**
 * Everything one state holds for one key: namespace → value and, under a TTL, namespace → write
 * time. The disk backend stores a key's namespaces together (one LevelDB value per state and key),
 * so `namespaces()` and session merges are one read, as the heap backend's nested maps are.
 */
export interface KeyRecord {
  keyGroup: number;
  values: Map<Namespace, unknown>;
  stamps: Map<Namespace, number> | undefined;
  /** Changed since it was read or last written to the store. */
  dirty: boolean;
}

// Self-describing messages (no shared record structures): a value read back in a later run or
// by another thread decodes without context.
const packr = new Packr({ useRecords: false });

/**
 * The LevelDB key of (state, key group, key). Keys are strings, numbers, booleans or null; strings
 * are JSON-quoted (lossless, lone surrogates escaped) so no string collides with another type.
 */
export function diskKey(table: number, keyGroup: number, key: unknown): string {
  return `${table}:${keyGroup}:${typeof key === 'string' ? JSON.stringify(key) : String(key)}`;
}

/** The prefix of every LevelDB key of state table `table` (see {@link diskKey}). */
export function tablePrefix(table: number): string {
  return `${table}:`;
}

/** The key group and key of a {@link diskKey} (the inverse of its key part). */
export function parseDiskKey(dk: string): { keyGroup: number; key: unknown } {
  const a = dk.indexOf(':');
  const b = dk.indexOf(':', a + 1);
  const text = dk.slice(b + 1);
  const keyGroup = Number(dk.slice(a + 1, b));
  if (text.startsWith('"')) return { keyGroup, key: JSON.parse(text) as string };
  return { keyGroup, key: text === 'true' ? true : text === 'false' ? false : text === 'null' ? null : Number(text) };
}

/** Encodes and decodes the records of one declared state (map state and serializers as in snapshots). */
export class RecordCodec {
  constructor(private readonly d: KeyedStateDescriptor) {}

  /** Plain (msgpackr-encodable) form of a value, as {@link KeyedStateBackend.snapshot} writes it. */
  toPlain(v: unknown): unknown {
    if (this.d.kind === 'map') return [...(v as Map<unknown, unknown>)];
    return this.d.serializer ? this.d.serializer.toPlain(v) : v;
  }

  fromPlain(p: unknown): unknown {
    if (this.d.kind === 'map') return new Map(p as Array<[unknown, unknown]>);
    return this.d.serializer ? this.d.serializer.fromPlain(p) : p;
  }

  encode(r: KeyRecord): Uint8Array {
    const rows: unknown[] = [];
    for (const [ns, v] of r.values) rows.push(ns, this.toPlain(v), r.stamps?.get(ns) ?? null);
    return packr.pack(rows);
  }

  /**
   * A stored record's entries as snapshot rows (`[key, namespace, plain value, writtenAt?]`), its
   * values left in their stored plain form; under a TTL, entries expired at `now` are left out.
   */
  snapshotRows(bytes: Uint8Array, key: unknown, ttlMs: number | undefined, now: number, into: KeyGroupSnapshot['states'][string]): void {
    const rows = packr.unpack(bytes) as unknown[];
    for (let i = 0; i < rows.length; i += 3) {
      const t = rows[i + 2];
      if (typeof t !== 'number') into.push([key, rows[i] as Namespace, rows[i + 1]]);
      else if (ttlMs === undefined || now - t < ttlMs) into.push([key, rows[i] as Namespace, rows[i + 1], t]);
    }
  }

  decode(bytes: Uint8Array, keyGroup: number): KeyRecord {
    const rows = packr.unpack(bytes) as unknown[];
    const values = new Map<Namespace, unknown>();
    let stamps: Map<Namespace, number> | undefined;
    for (let i = 0; i < rows.length; i += 3) {
      const ns = rows[i] as Namespace;
      values.set(ns, this.fromPlain(rows[i + 1]));
      const t = rows[i + 2];
      if (typeof t === 'number') (stamps ??= new Map()).set(ns, t);
    }
    return { keyGroup, values, stamps, dirty: false };
  }
}
