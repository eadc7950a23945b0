// Entry point of an engine worker thread (loaded from dist/ by the worker pool). A thread waits
// for a `job` message, runs that job's subtasks of its slot, and after `release` waits for the next.
import { readlinkSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { EngineLogger } from '../api.js';
import { toErrorInfo } from '../errors.js';
import { loadJobModules } from '../job-modules.js';
import { WorkerRuntime } from './worker-runtime.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const port = parentPort!;
const post = (msg: FromWorker) => port.postMessage(msg);
// The OS thread id (Linux), so tools can tell this thread's CPU time apart from V8's helpers'.
post({ t: 'hello', osThreadId: osThreadId() });

function osThreadId(): number | undefined {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
// Lines go to the main thread, whose logger writes them (data must be cloneable; anything that
// is not is sent as text).
const log =
  (level: 'info' | 'warn' | 'error') =>
  (msg: string, data?: Record<string, unknown>): void => {
    try {
      post({ t: 'log', level, msg, ...(data === undefined ? {} : { data }) });
    } catch {
      post({ t: 'log', level, msg, data: { text: textOf(data) } });
    }
  };
const logger: EngineLogger = { info: log('info'), warn: log('warn'), error: log('error') };

/** Data that cannot be cloned, as text (JSON when it has a form, e.g. not cyclic). */
function textOf(data: unknown): string {
  try {
    return String(JSON.stringify(data));
  } catch {
    return String(data);
  }
}

/** The job this thread runs now (a pooled thread runs one job after another, never two at once). */
interface Current {
  runtime: WorkerRuntime | undefined;
  /** Constructing the runtime failed: only `abort` matters then. */
  broken: boolean;
  opened: boolean;
  /** Messages that arrived while the job's modules loaded or its operators opened. */
  early: ToWorker[];
}
let current: Current | undefined;

port.on('message', (msg: ToWorker) => {
  if (msg.t === 'job') {
    void startJob(msg.init);
    return;
  }
  if (msg.t === 'release') {
    current?.runtime?.dispose();
    current = undefined;
    post({ t: 'released', heapBytes: getHeapStatistics().total_physical_size });
    return;
  }
  const job = current;
  if (job === undefined) return;
  if (job.broken || job.runtime === undefined) {
    if (msg.t === 'abort') process.exit(0);
    if (!job.broken) job.early.push(msg);
    return;
  }
  // Peers connect before opening completes; everything else waits for it.
  if (!job.opened && msg.t !== 'peers' && msg.t !== 'abort') job.early.push(msg);
  else job.runtime.handle(msg);
});

async function startJob(init: WorkerInit): Promise<void> {
  const job: Current = (current = { runtime: undefined, broken: false, opened: false, early: [] });
  try {
    await loadJobModules(
      init.spec.nodes.map((n) => n.kind),
      init.stateBackend?.kind,
    );
    job.runtime = new WorkerRuntime(init, post, logger);
  } catch (e) {
    job.broken = true;
    post({ t: 'failed', error: toErrorInfo(e) });
    return;
  }
  const rt = job.runtime;
  // Peer connections that arrived while loading go first, as they would have.
  for (const m of job.early.splice(0)) {
    if (m.t === 'peers') rt.handle(m);
    else job.early.push(m);
  }
  if (!(await rt.open())) return;
  job.opened = true;
  post({ t: 'ready' });
  for (const m of job.early.splice(0)) rt.handle(m);
}
