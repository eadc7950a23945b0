import { isMainThread } from 'node:worker_threads';

/**
 * Test-only fault injection (TEST-PLAN.md): `RIFFLE_FAULT=<point>:<n>` aborts the process the
 * n-th time (1-based) execution reaches `<point>`, so crash-consistency tests can kill the process
 * at an exact step of the checkpoint protocol. Without the variable this is a no-op.
 */
export const FAULT_POINTS = [
  'chk.task.beforeFsync',
  'chk.task.afterRename',
  'chk.meta.beforeRename',
  'chk.meta.afterRename',
  'sink.kafka.beforeCommit',
  'sink.kafka.afterCommit',
  'sink.file.beforePublish',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

const hits = new Map<string, number>();

function parse(spec: string | undefined): { point: string; n: number } | undefined {
  if (!spec) return undefined;
  const at = spec.lastIndexOf(':');
  const point = at < 0 ? spec : spec.slice(0, at);
  const n = at < 0 ? 1 : Number(spec.slice(at + 1));
  return Number.isInteger(n) && n >= 1 ? { point, n } : undefined;
}

/** Marks that execution reached `point`; aborts the process there when RIFFLE_FAULT says so. */
export function faultPoint(point: FaultPoint): void {
  const want = parse(process.env.RIFFLE_FAULT);
  if (!want || want.point !== point) return;
  const n = (hits.get(point) ?? 0) + 1;
  hits.set(point, n);
  if (n === want.n) {
    process.stderr.write(`riffle: RIFFLE_FAULT reached ${point}:${n}, aborting\n`);
    if (isMainThread) process.abort();
    // process.abort() is not available in worker threads: signal the whole process instead, and
    // block this thread until the signal lands so that nothing after the fault point runs.
    process.kill(process.pid, 'SIGABRT');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
}
