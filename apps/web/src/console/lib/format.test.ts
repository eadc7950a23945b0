import { describe, expect, it } from 'vitest';
import { formatDuration, formatMs, uptime } from './format';

describe('console formats', () => {
  it('formats durations at a useful precision', () => {
    expect(formatDuration(9_400)).toBe('9s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3_723_000)).toBe('1h 02m');
    expect(formatDuration(90_000_000)).toBe('1d 01h');
    expect(formatDuration(-5)).toBe('0s');
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(2400)).toBe('2.4 s');
  });

  it('counts uptime to now while running, to the end once ended', () => {
    expect(uptime({ startedAt: 1000 }, 5000)).toBe(4000);
    expect(uptime({ startedAt: 1000, endedAt: 3000 }, 5000)).toBe(2000);
    expect(uptime({}, 5000)).toBeUndefined();
  });
});
