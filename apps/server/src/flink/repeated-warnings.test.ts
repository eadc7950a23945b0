import { describe, expect, it } from 'vitest';
import { quietRepeats } from './repeated-warnings.js';

describe('quietRepeats', () => {
  it('writes a repeated warning once per quiet period, then says how many repeats it stood for', () => {
    let now = 0;
    const written: string[] = [];
    const warn = quietRepeats((msg) => written.push(msg), 60_000, () => now);
    for (; now < 59_000; now += 1000) warn('broker down', new Error('x'));
    warn('cluster down', new Error('y'));
    expect(written).toEqual(['broker down', 'cluster down']);
    now = 60_000;
    warn('broker down', new Error('x'));
    expect(written).toEqual(['broker down', 'cluster down', 'broker down (58 more times since 1970-01-01T00:00:00.000Z)']);
    now = 130_000;
    warn('broker down', new Error('x'));
    expect(written.at(-1)).toBe('broker down');
  });
});
