import { describe, expect, it } from 'vitest';
import { dropsLabel } from './useNodeDrops';

describe('node drops label', () => {
  it('shows dead-lettered and skipped records when there are any', () => {
    expect(dropsLabel(12, 3)).toBe('· 12 dead · 3 skipped');
    expect(dropsLabel(0, 1500)).toBe('· 1.5k skipped');
    expect(dropsLabel(7, undefined)).toBe('· 7 dead');
  });

  it('is absent when the node dropped nothing', () => {
    expect(dropsLabel(0, undefined)).toBeUndefined();
    expect(dropsLabel(undefined, 0)).toBeUndefined();
  });
});
