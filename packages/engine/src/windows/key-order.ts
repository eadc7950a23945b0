const RANK: Record<string, number> = { object: 0, undefined: 0, boolean: 1, number: 2, string: 3 };

/** A total order over keys (null < booleans < numbers < strings) so fired windows come out deterministically. */
export function compareKeys(a: unknown, b: unknown): number {
  const ra = RANK[typeof a] ?? 4;
  const rb = RANK[typeof b] ?? 4;
  if (ra !== rb) return ra - rb;
  if (a === b || ra === 0) return 0;
  return (a as number | string | boolean) < (b as number | string | boolean) ? -1 : 1;
}
