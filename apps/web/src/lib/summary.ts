import { getOperator } from '@riffle/shared';

/** The one-line summary on a canvas node; params that do not parse get a hint instead. */
export function summarize(kind: string, params: Record<string, unknown>): string {
  const def = getOperator(kind);
  if (!def) return 'unknown operator';
  const r = def.params.safeParse(params);
  if (!r.success) return 'check the parameters';
  try {
    return def.summary(r.data);
  } catch {
    return '';
  }
}
