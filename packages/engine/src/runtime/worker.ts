// Entry point of an engine worker thread (loaded from dist/ by the worker pool).
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineLogger } from '../api.js';
import { toErrorInfo } from '../errors.js';
import { WorkerRuntime } from './worker-runtime.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const port = parentPort!;
const post = (msg: FromWorker) => port.postMessage(msg);
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

let runtime: WorkerRuntime | undefined;
try {
  runtime = new WorkerRuntime(workerData as WorkerInit, post, logger);
} catch (e) {
  post({ t: 'failed', error: toErrorInfo(e) });
}
const early: ToWorker[] = [];
let opened = false;
port.on('message', (msg: ToWorker) => {
  if (runtime === undefined) {
    if (msg.t === 'abort') process.exit(0);
    return;
  }
  // Peers connect before opening completes; everything else waits for it.
  if (!opened && msg.t !== 'peers' && msg.t !== 'abort') early.push(msg);
  else runtime.handle(msg);
});
if (runtime !== undefined) {
  const rt = runtime;
  void rt.open().then((ok) => {
    if (!ok) return;
    opened = true;
    post({ t: 'ready' });
    for (const m of early.splice(0)) rt.handle(m);
  });
}
