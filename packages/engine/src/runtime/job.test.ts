import { RiffleError, type JobStatus } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { Engine, InvalidSpecError } from '../index.js';
import { metricsOf, pipeline, until } from '../../test/helpers.js';

const unbounded = pipeline([
  { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 5000 } },
  { id: 'f', kind: 'filter', params: { expr: "event_type != 'purchase'" } },
  { id: 'out', kind: 'sink.collect', params: { limit: 5 } },
]);

describe('job', () => {
  it('stop() of an unbounded datagen job resolves and done gives stopped', async () => {
    const job = await Engine.start(unbounded);
    const seen: JobStatus[] = [];
    job.onStatus((s) => seen.push(s));
    expect(job.status).toBe('running');
    await until(() => metricsOf(job, 'out').recordsIn > 100);
    await job.stop();
    expect(await job.done).toEqual({ status: 'stopped' });
    expect(job.status).toBe('stopped');
    expect(seen).toEqual(['stopping', 'stopped']);
    expect(job.preview('out')).toHaveLength(5);
    await job.stop(); // idempotent
  });

  it('reports per-second rates, totals, parallelism and watermarks per spec node', async () => {
    const job = await Engine.start(unbounded, { jobId: 'j1' });
    await new Promise((r) => setTimeout(r, 1150));
    const m = job.metrics();
    await job.stop();
    expect(m.jobId).toBe('j1');
    expect(m.status).toBe('running');
    expect(m.operators.map((o) => o.nodeId)).toEqual(['gen', 'f', 'out']);
    const gen = m.operators[0]!;
    expect(gen.recordsOutPerSec).toBeGreaterThan(3500);
    expect(gen.recordsOutPerSec).toBeLessThan(6500);
    expect(gen.parallelism).toBe(1);
    expect(m.operators[1]!.recordsIn).toBe(gen.recordsOut);
    expect(gen.watermark).toBeGreaterThan(Date.UTC(2026, 0, 1) - 10_000);
    // Two calls in a row see the same rates: sampling is the engine's, not the caller's.
    expect(job.metrics().operators[0]!.recordsOutPerSec).toBe(job.metrics().operators[0]!.recordsOutPerSec);
  });

  it('keeps the event loop responsive while an unthrottled source runs', async () => {
    const fast = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 1e8 } },
      { id: 'm', kind: 'map', params: { fields: [{ as: 'x', expr: 'price * 2.0' }] } },
      { id: 'out', kind: 'sink.collect', params: { limit: 1 } },
    ]);
    const job = await Engine.start(fast);
    // A source that never yielded would let this timer run once or not at all; count ticks
    // rather than measure lag, so a busy CI machine cannot make the test flaky.
    // Its speed is the benchmark's business: here it runs until 100,000 records went through (at
    // least 600 ms), however long a loaded machine takes, and the timer must have kept ticking.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    await until(() => metricsOf(job, 'out').recordsIn > 100_000 && Date.now() - started >= 600, 60_000);
    clearInterval(timer);
    await job.stop();
    expect(ticks).toBeGreaterThan(15);
  }, 90_000);

  it('rejects an invalid spec with every problem and its JSON path', async () => {
    const bad = pipeline([
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec: -1 } },
      { id: 'f', kind: 'filter', params: { expr: 'no_such_field > 1' } },
      { id: 'out', kind: 'sink.collect' },
    ]);
    const err = await Engine.start(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSpecError);
    expect(err).toBeInstanceOf(RiffleError);
    expect(err).toMatchObject({ code: 'invalid_spec', domain: 'user' });
    expect((err as InvalidSpecError).problems.map((p) => p.path)).toEqual(['$.nodes[0].params.ratePerSec']);
  });

  it('fails the job, naming the operator, when an operator throws at runtime', async () => {
    const job = await Engine.start(unbounded);
    // Simulate a bug inside an operator (not an expression error on a record).
    const out = (job as unknown as { built: { tasks: Array<{ members: Array<{ nodeId: string; operator: { processElement: () => void } }> }> } }).built.tasks[0]!.members.find((m) => m.nodeId === 'f')!;
    out.operator.processElement = () => {
      throw new TypeError('boom');
    };
    const result = await job.done;
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'operator_failed', domain: 'internal', nodeId: 'f' });
    expect(result.error!.message).toMatch(/"f".*boom/);
    expect(job.error?.nodeId).toBe('f');
  });
});
