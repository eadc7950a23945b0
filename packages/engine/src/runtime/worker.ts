// Entry point of an engine worker thread (loaded from dist/ by the worker pool).
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineLogger } from '../api.js';
import { toErrorInfo } from '../errors.js';
import { loadJobModules } from '../job-modules.js';
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

const init = workerData as WorkerInit;
const early: ToWorker[] = [];
let runtime: WorkerRuntime | undefined;
/** Set once constructing the runtime failed: only `abort` matters then. */
let broken = false;
let opened = false;
// Listening from the start: messages that arrive while the job's modules load wait in `early`.
port.on('message', (msg: ToWorker) => {
  if (broken || runtime === undefined) {
    if (msg.t === 'abort') process.exit(0);
    if (!broken) early.push(msg);
    return;
  }
  // Peers connect before opening completes; everything else waits for it.
  if (!opened && msg.t !== 'peers' && msg.t !== 'abort') early.push(msg);
  else runtime.handle(msg);
});
try {
  await loadJobModules(
    init.spec.nodes.map((n) => n.kind),
    init.stateBackend?.kind,
  );
  runtime = new WorkerRuntime(init, post, logger);
} catch (e) {
  broken = true;
  post({ t: 'failed', error: toErrorInfo(e) });
}
if (runtime !== undefined) {
  const rt = runtime;
  // Peer connections that arrived while loading go first, as they would have.
  for (const m of early.splice(0)) {
    if (m.t === 'peers') rt.handle(m);
    else early.push(m);
  }
  void rt.open().then((ok) => {
    if (!ok) return;
    opened = true;
    post({ t: 'ready' });
    for (const m of early.splice(0)) rt.handle(m);
  });
}
