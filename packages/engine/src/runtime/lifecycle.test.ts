import { describe, expect, it } from 'vitest';
import { JobLifecycle } from './lifecycle.js';

describe('job lifecycle', () => {
  it('allows created → running → stopping → stopped and notifies on each', () => {
    const l = new JobLifecycle();
    const seen: string[] = [];
    l.subscribe((s) => seen.push(s));
    l.transition('running');
    l.transition('stopping');
    l.transition('stopped');
    expect(seen).toEqual(['running', 'stopping', 'stopped']);
  });

  it('rejects illegal transitions and leaves terminal states alone', () => {
    const l = new JobLifecycle();
    expect(() => l.transition('finished')).toThrow(/created → finished/);
    l.transition('running');
    l.transition('finished');
    expect(() => l.transition('running')).toThrow();
    expect(l.status).toBe('finished');
  });

  it('survives a throwing listener', () => {
    const errors: unknown[] = [];
    const l = new JobLifecycle((e) => errors.push(e));
    l.subscribe(() => {
      throw new Error('boom');
    });
    l.transition('running');
    expect(l.status).toBe('running');
    expect(errors).toHaveLength(1);
  });
});
