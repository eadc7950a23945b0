import type { JobSpec } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { SPREAD_X, spreadPositions } from './spread';

describe('spreadPositions', () => {
  it('widens x, keeps y and the rest of the spec, and leaves a spec without positions alone', () => {
    const spec = { name: 'x', nodes: [], edges: [], ui: { positions: { a: { x: 100, y: 80 } }, zoom: 2 } } as unknown as JobSpec;
    const out = spreadPositions(spec);
    expect(out.ui?.positions).toEqual({ a: { x: Math.round(100 * SPREAD_X), y: 80 } });
    expect((out.ui as { zoom?: number }).zoom).toBe(2);
    expect(spec.ui?.positions?.a).toEqual({ x: 100, y: 80 });
    const bare = { name: 'y', nodes: [], edges: [] } as unknown as JobSpec;
    expect(spreadPositions(bare)).toBe(bare);
  });
});
