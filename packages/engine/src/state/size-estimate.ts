/** Rough heap size of a value (V8 layout, no sharing): good enough to watch state grow. */
export function estimateBytes(v: unknown, depth = 0): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 8;
  if (typeof v === 'number') return 8;
  if (typeof v === 'string') return 16 + 2 * v.length;
  if (depth > 4) return 64;
  if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
  if (Array.isArray(v)) {
    let n = 16 + 8 * v.length;
    for (const x of v) n += estimateBytes(x, depth + 1);
    return n;
  }
  if (v instanceof Map) {
    let n = 64;
    for (const [k, x] of v) n += 24 + estimateBytes(k, depth + 1) + estimateBytes(x, depth + 1);
    return n;
  }
  if (v instanceof Set) {
    let n = 64;
    for (const x of v) n += 16 + estimateBytes(x, depth + 1);
    return n;
  }
  if (typeof v === 'object') {
    let n = 24;
    for (const [k, x] of Object.entries(v)) n += 8 + estimateBytes(k, depth + 1) + estimateBytes(x, depth + 1);
    return n;
  }
  return 16;
}
