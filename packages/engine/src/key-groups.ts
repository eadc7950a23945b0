/**
 * Key → key group → subtask (Flink's KeyGroupRangeAssignment). State is kept per key group so
 * that a job can later be restored at a different parallelism: a subtask owns a contiguous range
 * of key groups, and rescaling only moves whole key groups.
 */

/** murmur3's 32-bit finalizer: spreads the bits of a 32-bit value. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);

/** murmur3-style 32-bit hash of a string, over its UTF-16 code units (no encoding step). */
function hashString(s: string): number {
  let h = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h);
}

/**
 * A well-mixed, platform-independent 32-bit hash of a key (string, number, boolean or null).
 * Integers in the int32 range hash by value, so `7` hashes the same everywhere.
 */
export function hashKey(key: unknown): number {
  if (typeof key === 'number') {
    if ((key | 0) === key) return fmix32(key);
    f64[0] = key;
    return fmix32(f64Words[0]! ^ fmix32(f64Words[1]!));
  }
  if (typeof key === 'string') return hashString(key);
  if (typeof key === 'boolean') return fmix32(key ? 1231 : 1237);
  if (key === null || key === undefined) return 0;
  return hashString(String(key));
}

/** The key group of a key, in `[0, maxParallelism)`. */
export function keyGroupOf(key: unknown, maxParallelism: number): number {
  return hashKey(key) % maxParallelism;
}

/** The subtask that owns a key group (Flink: `keyGroup * parallelism / maxParallelism`). */
export function subtaskForKeyGroup(keyGroup: number, parallelism: number, maxParallelism: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The contiguous key-group range `[start, end]` a subtask owns. */
export function keyGroupRange(subtask: number, parallelism: number, maxParallelism: number): { start: number; end: number } {
  return {
    start: Math.floor((subtask * maxParallelism + parallelism - 1) / parallelism),
    end: Math.floor(((subtask + 1) * maxParallelism - 1) / parallelism),
  };
}
