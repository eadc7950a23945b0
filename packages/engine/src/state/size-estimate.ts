/**
 * Values one estimate visits at most. State size is reported every second for every keyed
 * operator: a state value can be a list of 100k rows (a window join's rows of one window, a
 * regular join's rows of one key), and walking it whole made the estimate 30 % of a worker's time
 * (Nexmark q7 at p=2, profiled). Past the budget, a collection's remaining elements are counted as
 * the mean of those visited: the estimate stays a rough figure, its cost stays flat.
 */
const VISIT_BUDGET = 2048;

/** Nesting below which values are not visited (counted as a fixed 64 bytes). */
const MAX_DEPTH = 4;

interface Budget {
  left: number;
}

/**
 * Rough heap size of a value (V8 layout, no sharing): good enough to watch state grow. Visits at
 * most {@link VISIT_BUDGET} values; larger collections are extrapolated from their first elements.
 * @example estimateBytes('abc') // 22
 */
export function estimateBytes(v: unknown): number {
  return estimate(v, 0, { left: VISIT_BUDGET });
}

function estimate(v: unknown, depth: number, budget: Budget): number {
  budget.left--;
  if (v === null || v === undefined || typeof v === 'boolean') return 8;
  if (typeof v === 'number') return 8;
  if (typeof v === 'string') return 16 + 2 * v.length;
  if (depth > MAX_DEPTH) return 64;
  const d = depth + 1;
  if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
  if (Array.isArray(v)) return 16 + 8 * v.length + sum(v, v.length, (x) => estimate(x, d, budget), budget);
  if (v instanceof Map) return 64 + sum(v, v.size, ([k, x]) => 24 + estimate(k, d, budget) + estimate(x, d, budget), budget);
  if (v instanceof Set) return 64 + sum(v, v.size, (x) => 16 + estimate(x, d, budget), budget);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    return 24 + sum(keys, keys.length, (k) => 8 + estimate(k, d, budget) + estimate(o[k], d, budget), budget);
  }
  return 16;
}

/** Σ cost(x) over `items` (`count` of them); once the budget is spent, the rest at the mean so far. */
function sum<T>(items: Iterable<T>, count: number, cost: (x: T) => number, budget: Budget): number {
  let total = 0;
  let seen = 0;
  for (const x of items) {
    total += cost(x);
    seen++;
    if (budget.left <= 0 && seen < count) return (total / seen) * count;
  }
  return total;
}
