import { describe, expect, it } from 'vitest';
import { TEMPLATES } from './templates.js';
import { validateSpec } from './validate.js';

describe('templates', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s is a valid pipeline with a position for every node', (_id, t) => {
    const spec = t.spec();
    const r = validateSpec(spec);
    expect(r.errors).toEqual([]);
    for (const n of spec.nodes) expect(spec.ui?.positions?.[n.id], n.id).toBeDefined();
  });

  it('have unique ids', () => {
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
  });
});
