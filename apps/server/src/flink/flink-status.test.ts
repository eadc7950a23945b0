import { describe, expect, it } from 'vitest';
import { riffleStatus } from './flink-status.js';

describe('riffleStatus (Flink job state → Riffle job status)', () => {
  it('is running only once every vertex runs or has finished', () => {
    expect(riffleStatus('RUNNING', ['RUNNING', 'RUNNING'])).toBe('running');
    expect(riffleStatus('RUNNING', ['RUNNING', 'FINISHED'])).toBe('running');
    expect(riffleStatus('RUNNING', ['RUNNING', 'DEPLOYING'])).toBe('created');
    expect(riffleStatus('INITIALIZING')).toBe('created');
    expect(riffleStatus('CREATED')).toBe('created');
  });

  it('maps recovery, cancelling and the end states', () => {
    expect(riffleStatus('RESTARTING')).toBe('restarting');
    expect(riffleStatus('FAILING')).toBe('restarting');
    expect(riffleStatus('RECONCILING')).toBe('restarting');
    expect(riffleStatus('CANCELLING')).toBe('stopping');
    expect(riffleStatus('CANCELED')).toBe('stopped');
    expect(riffleStatus('FAILED')).toBe('failed');
    expect(riffleStatus('SUSPENDED')).toBe('failed');
    expect(riffleStatus('FINISHED')).toBe('finished');
  });

  it('reads a job the user is stopping as stopping, and its FINISHED (Flink stop with savepoint) as stopped', () => {
    expect(riffleStatus('RUNNING', ['RUNNING'], { stopping: true })).toBe('stopping');
    expect(riffleStatus('FINISHED', [], { stopping: true })).toBe('stopped');
  });
});
