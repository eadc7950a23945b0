import type { Row } from '../collector.js';

/**
 * A shallow copy of a record that operators then add fields to. `Object.assign` in the common case:
 * a spread copy is as cheap to make, but V8 gives it a map that turns the first added property into
 * a slow transition (~2.3 µs instead of ~0.15 µs per record with two added fields, measured with the
 * clickstream records). A record with an own `__proto__` field (JSON.parse makes one) is spread
 * instead, because `Object.assign` would make that field the copy's prototype.
 */
export function copyRow(value: Row): Row {
  return Object.hasOwn(value, '__proto__') ? { ...value } : Object.assign({}, value);
}
