import type { Row } from '../collector.js';

/**
 * Records ↔ columns for the batch codec (batch.ts), with no code generated from field names:
 * field names are user data, so nothing here builds source text (no `new Function`, no eval).
 *
 * Why the lists of identical one-line functions below: V8 keeps an inline cache per property
 * access *in the source*, shared by every closure made from it. One loop doing `row[name]` for
 * every column sees every field name and goes megamorphic (measured 4–5× slower than generated
 * `row.user_id` code); one copy per column position sees one name and, per record shape, one
 * hidden class, so its cache stays monomorphic and a keyed access costs about what a named one
 * does. Positions past the last copy share it (wide records lose a little speed, not correctness).
 */
type Load = (rows: Row[], name: string, column: unknown[], n: number) => void;
/** Stores field `name` of the records into `out` from `base` while it is a number; returns how many it stored. */
type LoadNumbers = (rows: Row[], name: string, out: Float64Array, base: number, n: number) => number;
type Store = (rows: Row[], name: string, column: ArrayLike<unknown>, from: number, to: number) => void;

// prettier-ignore
const LOADS: readonly Load[] = [
  (r, k, c, n) => { for (let i = 0; i < n; i++) c[i] = r[i]![k]; }, (r, k, c, n) => { for (let i = 0; i < n; i++) c[i] = r[i]![k]; },
  (r, k, c, n) => { for (let i = 0; i < n; i++) c[i] = r[i]![k]; }, (r, k, c, n) => { for (let i = 0; i < n; i++) c[i] = r[i]![k]; },
  (r, k, c, n) => { for (let i = 0; i < n; i++) c[i] = r[i]![k]; }, (r, k, c, n) => { for (let i = 0; i < n; i++) c[i] = r[i]![k]; },
  (r, k, c, n) => { for (let i = 0; i < n; i++) c[i] = r[i]![k]; }, (r, k, c, n) => { for (let i = 0; i < n; i++) c[i] = r[i]![k]; },
];

// prettier-ignore
const NUMBER_LOADS: readonly LoadNumbers[] = [
  (r, k, o, b, n) => { let i = 0; for (; i < n; i++) { const v = r[i]![k]; if (typeof v !== 'number') break; o[b + i] = v; } return i; },
  (r, k, o, b, n) => { let i = 0; for (; i < n; i++) { const v = r[i]![k]; if (typeof v !== 'number') break; o[b + i] = v; } return i; },
  (r, k, o, b, n) => { let i = 0; for (; i < n; i++) { const v = r[i]![k]; if (typeof v !== 'number') break; o[b + i] = v; } return i; },
  (r, k, o, b, n) => { let i = 0; for (; i < n; i++) { const v = r[i]![k]; if (typeof v !== 'number') break; o[b + i] = v; } return i; },
  (r, k, o, b, n) => { let i = 0; for (; i < n; i++) { const v = r[i]![k]; if (typeof v !== 'number') break; o[b + i] = v; } return i; },
  (r, k, o, b, n) => { let i = 0; for (; i < n; i++) { const v = r[i]![k]; if (typeof v !== 'number') break; o[b + i] = v; } return i; },
  (r, k, o, b, n) => { let i = 0; for (; i < n; i++) { const v = r[i]![k]; if (typeof v !== 'number') break; o[b + i] = v; } return i; },
  (r, k, o, b, n) => { let i = 0; for (; i < n; i++) { const v = r[i]![k]; if (typeof v !== 'number') break; o[b + i] = v; } return i; },
];

// prettier-ignore
const STORES: readonly Store[] = [
  (r, k, c, a, b) => { for (let i = a; i < b; i++) r[i]![k] = c[i]; }, (r, k, c, a, b) => { for (let i = a; i < b; i++) r[i]![k] = c[i]; },
  (r, k, c, a, b) => { for (let i = a; i < b; i++) r[i]![k] = c[i]; }, (r, k, c, a, b) => { for (let i = a; i < b; i++) r[i]![k] = c[i]; },
  (r, k, c, a, b) => { for (let i = a; i < b; i++) r[i]![k] = c[i]; }, (r, k, c, a, b) => { for (let i = a; i < b; i++) r[i]![k] = c[i]; },
  (r, k, c, a, b) => { for (let i = a; i < b; i++) r[i]![k] = c[i]; }, (r, k, c, a, b) => { for (let i = a; i < b; i++) r[i]![k] = c[i]; },
];

/** A field named `__proto__` is defined as data: assigning it would replace the record's prototype. */
const defineProto: Store = (rows, name, column, from, to) => {
  for (let i = from; i < to; i++) Object.defineProperty(rows[i]!, name, { value: column[i], writable: true, enumerable: true, configurable: true });
};

const loadAt = (j: number): Load => LOADS[Math.min(j, LOADS.length - 1)]!;
const storeAt = (j: number, name: string): Store => (name === '__proto__' ? defineProto : STORES[Math.min(j, STORES.length - 1)]!);

/**
 * Field `names[j]` of the first `n` records as a fresh array. Fresh per batch: a reused
 * long-lived array made the copy several times slower in the workers (profiled: 38 % of a
 * worker's time; old-generation arrays pointing at young values).
 */
export function fieldValues(rows: Row[], names: readonly string[], j: number, n: number): unknown[] {
  const column = new Array<unknown>(n);
  loadAt(j)(rows, names[j]!, column, n);
  return column;
}

/**
 * Stores field `names[j]` of the first `n` records straight into `out` from `base` (no array in
 * between) while every value is a number, the common column; returns how many it stored.
 */
export function fieldNumbers(rows: Row[], names: readonly string[], j: number, out: Float64Array, base: number, n: number): number {
  return NUMBER_LOADS[Math.min(j, NUMBER_LOADS.length - 1)]!(rows, names[j]!, out, base, n);
}

/**
 * What decoding a record shape needs, made once per shape:
 * - a constructor whose instances are plain objects (prototype `Object.prototype`, so
 *   `constructor === Object`). V8 sizes a constructor's objects from the first few it makes
 *   (slack tracking): records of one shape get their fields in-object and one hidden class, like
 *   an object literal, which `{}` (room for 4 fields) or a spread template (measured slower) do not;
 * - the field names as V8's internalized strings. Names arrive freshly decoded with every batch;
 *   a keyed access whose key is a fresh copy of the cached name misses the inline cache
 *   (measured 3× slower decoding), so every batch uses the shape's own copies.
 */
interface Shape {
  make: new () => Row;
  names: readonly string[];
}
const shapes = new Map<string, Shape>();
/** Shapes remembered; past this many a shape is made again per batch (correct, a bit slower). */
const MAX_SHAPES = 1000;

function shapeFor(names: readonly string[]): Shape {
  // JSON keeps names apart that a plain join would merge (["a,b"] vs ["a", "b"]).
  const id = JSON.stringify(names);
  let shape = shapes.get(id);
  if (shape === undefined) {
    const make = function ShapedRow() {} as unknown as Shape['make'];
    make.prototype = Object.prototype;
    // Property keys are internalized: reading them back gives the canonical strings.
    const keys: Row = {};
    for (const n of names) Object.defineProperty(keys, n, { value: 0, enumerable: true });
    const canonical = new Map(Object.keys(keys).map((k) => [k, k]));
    shape = { make, names: names.map((n) => canonical.get(n) ?? n) };
    if (shapes.size < MAX_SHAPES) shapes.set(id, shape);
  }
  return shape;
}

/** Rebuilds `n` records from their columns; they share one hidden class, fields in `names` order. */
export function makeRows(decodedNames: readonly string[], columns: ArrayLike<unknown>[], n: number): Row[] {
  const rows = new Array<Row>(n);
  if (n === 0) return rows;
  const { make: Shape, names } = shapeFor(decodedNames);
  // The first record gets every field before the others exist, so slack tracking (which ends after
  // a few constructions) sees the full shape and keeps room for all fields in the object.
  rows[0] = new Shape();
  for (let j = 0; j < names.length; j++) storeAt(j, names[j]!)(rows, names[j]!, columns[j]!, 0, 1);
  for (let i = 1; i < n; i++) rows[i] = new Shape();
  for (let j = 0; j < names.length; j++) storeAt(j, names[j]!)(rows, names[j]!, columns[j]!, 1, n);
  return rows;
}
