import { describe, expect, it } from 'vitest';
import { migrateSpec, type Migration } from './index.js';

describe('migrateSpec', () => {
  it('treats a spec without a version as version 1', () => {
    const r = migrateSpec({ name: 'x' });
    expect(r).toEqual({ ok: true, spec: { name: 'x', specVersion: 1 } });
  });

  it('applies migrations in order up to the current version', () => {
    const steps: Migration[] = [
      { from: 2, migrate: (s) => ({ ...s, trail: [...(s.trail as string[]), '2→3'] }) },
      { from: 1, migrate: (s) => ({ ...s, trail: ['1→2'] }) },
    ];
    const r = migrateSpec({ specVersion: 1 }, steps, 3);
    expect(r).toEqual({ ok: true, spec: { specVersion: 3, trail: ['1→2', '2→3'] } });
  });

  it('refuses versions newer than it knows, and gaps in the chain', () => {
    expect(migrateSpec({ specVersion: 4 }, [], 3)).toMatchObject({ ok: false, problem: { path: '$.specVersion' } });
    expect(migrateSpec({ specVersion: 1 }, [], 2)).toMatchObject({ ok: false });
  });
});
