import type { JobSpec } from '@riffle/shared';

/** How much wider the job page draws a graph than the builder saved it. */
export const SPREAD_X = 1.4;

/**
 * The spec with its saved node positions spread out horizontally: the job page labels every edge
 * with its rate, which needs more room between nodes than the builder's plain labels.
 * Display only: the job page never saves its graph.
 */
export function spreadPositions(spec: JobSpec): JobSpec {
  const positions = spec.ui?.positions;
  if (!positions) return spec;
  const spread = Object.fromEntries(Object.entries(positions).map(([id, p]) => [id, { ...p, x: Math.round(p.x * SPREAD_X) }]));
  return { ...spec, ui: { ...spec.ui, positions: spread } };
}
