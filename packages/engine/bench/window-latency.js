// The latency rows of `npm run bench` (issue #4): the 100k-key sliding window (10 s / 2 s) at a
// fixed offered rate, in-process (p=1), on the heap and on the disk state backend: p50/p99
// end-to-end latency and state bytes per key. run.js calls `latencyRun` once per backend.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../dist/index.js';

/** Bytes of the files under a folder (LevelDB's footprint); 0 once it is gone. */
export async function folderBytes(dir) {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) if (e.isFile()) total += await stat(join(e.parentPath, e.name)).then((s) => s.size, () => 0);
  return total;
}

/**
 * One latency run. Record i is planned for wall time start + i / rate (the rate limiter's
 * schedule; a record the source emits late still counts from its planned time, so queueing is not
 * hidden — no coordinated omission). Its event time is that planned time minus up to 3 s of
 * jitter, so the watermark (max ts − bound − 1) first passes window end e − 1 once a record
 * planned at e + bound is out: that is the window's natural wait. Latency of an emitted window
 * row = the wall time it reaches the sink − (e + bound); it includes the 200 ms periodic watermark
 * interval and firing all keys of the window. Windows closed only by the end of input are left out.
 *
 * `makeSpec(gen, stateBackend)` builds the job (datagen params `gen`); `boundMs` is its watermark
 * bound. State bytes per key: the metrics' heap-equivalent estimate, and on disk also LevelDB's
 * folder size, both at the peak key count.
 */
export async function latencyRun({ rate, seconds, boundMs, stateBackend, makeSpec }) {
  const count = Math.round(rate * seconds);
  const startTime = Date.now();
  const stateDir = stateBackend === 'disk' ? await mkdtemp(join(tmpdir(), 'riffle-bench-latency-')) : undefined;
  const job = await Engine.start(makeSpec({ ratePerSec: rate, count, startTime }, stateBackend), stateDir ? { stateDir } : {});
  const lastPlanned = startTime + (count * 1000) / rate;
  const warmUpUntil = startTime + 10_000 + boundMs;
  const latencies = [];
  // Bench-only: time each row as the in-process sink receives it (job internals, not the API).
  const members = job.built.tasks.flatMap((t) => t.members);
  const sink = members.find((m) => m.nodeId === 'sink').operator;
  const receive = sink.processElement.bind(sink);
  sink.processElement = (value, timestamp, key) => {
    const natural = value.window_end + boundMs;
    if (natural >= warmUpUntil && natural <= lastPlanned) latencies.push(Date.now() - natural);
    receive(value, timestamp, key);
  };
  // …and when the source ran dry, to see whether it kept to its schedule.
  const source = members.find((m) => m.nodeId === 'gen').operator;
  const poll = source.pollNext.bind(source);
  let sourceEnded;
  source.pollNext = (max) => {
    const n = poll(max);
    if (n === -1) sourceEnded ??= Date.now();
    return n;
  };
  let state = { keys: 0, bytes: 0, diskBytes: 0 };
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(async () => {
      const w = job.metrics().operators.find((o) => o.nodeId === 'win');
      const diskBytes = stateDir === undefined ? 0 : await folderBytes(stateDir);
      if ((w.stateKeys ?? 0) > state.keys) state = { keys: w.stateKeys, bytes: w.stateBytes, diskBytes };
    });
  }, 1000);
  const result = await job.done;
  // How far behind its schedule the source ended: large means the offered rate was above capacity.
  const endLagMs = Math.max(0, (sourceEnded ?? Date.now()) - lastPlanned);
  clearInterval(sampler);
  await sampling;
  if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
  if (result.status !== 'finished') throw new Error(`latency (${stateBackend}): ${result.status} ${result.error?.message ?? ''}`);
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const perKey = (bytes) => (state.keys === 0 ? NaN : Math.round(bytes / state.keys));
  return {
    scenario: `sliding 10s/2s 100k keys, fixed rate${stateBackend === 'disk' ? ', disk' : ''}`,
    parallelism: 1,
    runtime: 'in-process',
    stateBackend,
    offeredPerSec: rate,
    seconds,
    windowRowsTimed: latencies.length,
    p50LatencyMs: q(0.5),
    p99LatencyMs: q(0.99),
    maxLatencyMs: latencies.length === 0 ? NaN : latencies[latencies.length - 1],
    endLagMs,
    peakStateKeys: state.keys,
    stateBytesPerKey: perKey(state.bytes),
    ...(stateDir !== undefined ? { diskBytesPerKey: perKey(state.diskBytes) } : {}),
  };
}

/** One line of the bench's report for a {@link latencyRun} result. */
export function latencyLine(l) {
  return (
    `latency (${l.scenario}, p=1, ${l.offeredPerSec.toLocaleString('en-US')} events/s offered for ${l.seconds} s): ` +
    `p50 ${l.p50LatencyMs} ms, p99 ${l.p99LatencyMs} ms, max ${l.maxLatencyMs} ms over ${l.windowRowsTimed.toLocaleString('en-US')} window rows; ` +
    `state ${l.peakStateKeys.toLocaleString('en-US')} keys, ~${l.stateBytesPerKey} bytes/key heap-equivalent` +
    (l.diskBytesPerKey !== undefined ? `, ~${l.diskBytesPerKey} bytes/key in LevelDB's folder` : '') +
    `; source ended ${l.endLagMs} ms behind its schedule${l.endLagMs > 1000 ? ' — ABOVE CAPACITY, latency is queueing' : ''}`
  );
}
