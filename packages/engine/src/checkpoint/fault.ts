import { isMainThread } from 'node:worker_threads';

/**
 * Test-only fault injection (TEST-PLAN.md): `RIFFLE_FAULT=<point>:<n>` aborts the process the
 * n-th time (1-based) execution reaches `<point>`, so crash-consistency tests can kill the process
 * at an exact step of the checkpoint protocol. `RIFFLE_FAULT=<point>:<n>:<ENOSPC|EIO>` instead
 * makes that step fail with that I/O error, as a full or failing disk would (T12). Without the
 * variable this is a no-op.
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

const IO_ERRORS = new Set(['ENOSPC', 'EIO']);

function parse(spec: string | undefined): { point: string; n: number; error?: string } | undefined {
  if (!spec) return undefined;
  const parts = spec.split(':');
  const error = parts.length > 2 && IO_ERRORS.has(parts.at(-1)!) ? parts.pop() : undefined;
  const n = parts.length > 1 ? Number(parts.pop()) : 1;
  const point = parts.join(':');
  return Number.isInteger(n) && n >= 1 ? { point, n, ...(error ? { error } : {}) } : undefined;
}

/** Marks that execution reached `point`; aborts the process there (or throws an I/O error) when RIFFLE_FAULT says so. */
export function faultPoint(point: FaultPoint): void {
  const want = parse(process.env.RIFFLE_FAULT);
  if (!want || want.point !== point) return;
  const n = (hits.get(point) ?? 0) + 1;
  hits.set(point, n);
  if (n === want.n && want.error !== undefined) {
    throw Object.assign(new Error(`${want.error}: injected by RIFFLE_FAULT at ${point}`), { code: want.error });
  }
  if (n === want.n) {
    process.stderr.write(`riffle: RIFFLE_FAULT reached ${point}:${n}, aborting\n`);
    if (isMainThread) process.abort();
    // process.abort() is not available in worker threads: signal the whole process instead, and
    // block this thread until the signal lands so that nothing after the fault point runs.
    process.kill(process.pid, 'SIGABRT');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
}
