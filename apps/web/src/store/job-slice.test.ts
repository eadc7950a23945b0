import type { JobInfo, JobMetrics } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { createEditorStore } from './editor-store';
import { HISTORY_MS, isActive } from './job-slice';
import { demoGraph, toSpec } from './serialize';

const sample = (jobId: string, ts: number): JobMetrics => ({ jobId, ts, status: 'running', operators: [], deadLetters: 0 });

function started() {
  const store = createEditorStore(demoGraph());
  store.getState().jobSubmitting();
  store.getState().jobCreated('j1');
  return store;
}

describe('job slice', () => {
  it('seeds from the subscribe ack, then appends metrics', () => {
    const store = started();
    const job = { id: 'j1', name: 'x', status: 'running', spec: toSpec(demoGraph()), createdAt: 0 } as unknown as JobInfo;
    store.getState().jobSnapshot({ ok: true, job, history: [sample('j1', 1000), sample('j1', 2000)], previews: { preview: [{ a: 1 }] } });
    store.getState().jobMetrics(sample('j1', 3000));
    store.getState().jobMetrics(sample('j1', 3000)); // duplicate after a reconnect
    store.getState().jobMetrics(sample('other', 4000)); // another job
    const s = store.getState().job;
    expect(s.status).toBe('running');
    expect(s.history.map((m) => m.ts)).toEqual([1000, 2000, 3000]);
    expect(s.previews.preview).toEqual([{ a: 1 }]);
  });

  it('keeps the last 15 minutes', () => {
    const store = started();
    for (let t = 0; t <= HISTORY_MS + 5000; t += 1000) store.getState().jobMetrics(sample('j1', t));
    const h = store.getState().job.history;
    expect(h[0]!.ts).toBe(5000);
    expect(h[h.length - 1]!.ts - h[0]!.ts).toBe(HISTORY_MS);
  });

  it('follows status updates and previews of its own job only', () => {
    const store = started();
    store.getState().jobPreview({ jobId: 'j1', nodeId: 'preview', records: [{ n: 1 }, { n: 2 }] });
    store.getState().jobStatus({ jobId: 'zz', status: 'failed' });
    expect(store.getState().job.status).toBe('created');
    store.getState().jobStatus({ jobId: 'j1', status: 'failed', error: { code: 'x', message: 'boom', domain: 'internal', retryable: false } });
    expect(store.getState().job).toMatchObject({ status: 'failed', error: 'boom', previews: { preview: [{ n: 1 }, { n: 2 }] } });
    expect(isActive(store.getState().job.status)).toBe(false);
  });

  it('drops the old run\'s preview when the job restarts (restore), keeping its metrics history', () => {
    const store = started();
    store.getState().jobMetrics(sample('j1', 1000));
    store.getState().jobPreview({ jobId: 'j1', nodeId: 'preview', records: [{ n: 500 }] });
    store.getState().jobStatus({ jobId: 'j1', status: 'restarting' });
    expect(store.getState().job).toMatchObject({ status: 'restarting', previews: {} });
    expect(store.getState().job.history).toHaveLength(1);
    store.getState().jobStatus({ jobId: 'j1', status: 'running' });
    store.getState().jobPreview({ jobId: 'j1', nodeId: 'preview', records: [{ n: 501 }] });
    expect(store.getState().job.previews.preview).toEqual([{ n: 501 }]);
  });

  it('keeps a 400 answer as server problems', () => {
    const store = createEditorStore(demoGraph());
    store.getState().jobRejected('rejected', [{ path: '$.nodes[1].params.expr', message: 'bad', code: 'bad_expression' }]);
    expect(store.getState().job).toMatchObject({ status: 'idle', error: 'rejected', serverErrors: [{ path: '$.nodes[1].params.expr' }] });
  });
});
