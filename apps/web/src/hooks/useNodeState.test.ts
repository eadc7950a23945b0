import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, stateLabel } from './useNodeState';

describe('node state label', () => {
  it('shows keys and approximate bytes of a keyed node', () => {
    expect(stateLabel(1234, 348_160)).toBe('· 1.2k keys · 340 KB');
    expect(stateLabel(1, 100)).toBe('· 1 key · 100 B');
    expect(stateLabel(0, 0)).toBe('· 0 keys · 0 B');
    expect(formatCount(2_500_000)).toBe('2.5M');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });

  it('is absent for a node without keyed state', () => {
    expect(stateLabel(undefined, undefined)).toBeUndefined();
  });
});
