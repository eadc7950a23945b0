// Throughput of the engine: datagen (bounded, unthrottled) → step → a sink that keeps nothing,
// at parallelism 1 and 2. Run with `npm run bench` from the repo root (builds the engine first).
// Parallelism 1 runs in-process (execution 'auto'); parallelism 2 runs on worker threads, leased
// from one pool as the server's jobs are. Each row repeats until its runs took 2 s (2 to 6 runs)
// and reports the last, with the first run's events/s beside it (BENCH_WARM_SECONDS, BENCH_RUNS).
// Keyed rows run on event time with a 5 s watermark bound (the generator's jitter is < 3 s), so
// nothing is late and p=1 and p=2 must emit the same windows: the bench compares them.
// A "map (previewed)" row runs the map scenario with the live preview of its map node on
// (`job.sample`), to show what watching a node costs (an unwatched node costs nothing).
// Rows on worker threads also print where their CPU went (worker threads, V8's compiler and GC
// helper threads, main thread; Linux only), to read against the in-process row.
// Then latency runs (window-latency.js): the 100k-key sliding window at a fixed offered rate below
// capacity (p=1) on the heap and on the disk backend, p50/p99 end-to-end latency, state bytes per key.
// The 100k-key sliding window runs again on the disk state backend (LevelDB, 16k keys per
// subtask cached on the heap): its events/s next to the heap's, its output compared with the
// heap's, and its state bytes per key (heap-equivalent estimate and LevelDB's folder on disk).
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Engine, WorkerPool } from '../dist/index.js';
import { BATCH_RECORDS, INITIAL_CREDITS, LINGER_MS } from '../dist/runtime/batch-channel.js';
import { folderBytes, latencyLine, latencyRun } from './window-latency.js';

/** `npm run bench -- <case>` runs only that case's file instead of the throughput table. */
const CASES = { checkpoint: './checkpoint.js' };
if (process.argv[2] !== undefined) {
  if (!(process.argv[2] in CASES)) throw new Error(`unknown bench case ${process.argv[2]}; one of: ${Object.keys(CASES).join(', ')}`);
  await (await import(CASES[process.argv[2]])).run();
  // Stdout to a pipe is asynchronous: let it drain before leaving the rest of this file unrun.
  await new Promise((r) => process.stdout.write('', r));
  process.exit(0);
}

const N = Number(process.env.BENCH_EVENTS ?? 2_000_000);
/** At most this many runs per row; the last is reported (see `row`). BENCH_RUNS=1 reports first runs only. */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 6));
/** A row repeats (at least twice, at most BENCH_RUNS times) until its runs took this many seconds. */
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 2);
/** Seconds of the latency run (the first window's worth is warm-up). */
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 40);
/** Watermark bound of every bench source: covers the generator's jitter (< 3 s), so nothing is late. */
const BOUND_MS = 5000;
/** Keyed rows whose full output is small enough to compare record by record between p=1 and p=2. */
const COMPARE_LIMIT = 10_000; // sink.collect's maximum
/**
 * Parallelisms to run, e.g. `1,2`. `1t` runs parallelism 1 on a worker thread (execution
 * 'threads') instead of in-process: with no record crossing threads, it tells what the worker
 * runtime costs apart from the exchange between workers.
 */
const PARALLELISM = (process.env.BENCH_PARALLELISM ?? '1,2').split(',');
/** BENCH_SCENARIOS=filter,map runs only the named rows (to compare a change A/B, one shape at a time). */
const ONLY = process.env.BENCH_SCENARIOS?.split(',');
/** BENCH_NO_LATENCY=1 skips the 40 s latency run. */
const NO_LATENCY = process.env.BENCH_NO_LATENCY === '1';
/**
 * Threaded rows lease their worker threads from one pool, as the server's jobs do, so a job runs
 * on threads that earlier jobs warmed up. BENCH_COLD_WORKERS=1 starts fresh threads per job
 * (what `Engine.start` without a pool does), to see what a job's start-up costs.
 */
const COLD_WORKERS = process.env.BENCH_COLD_WORKERS === '1';
const workerPool = COLD_WORKERS ? undefined : new WorkerPool();
const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(resolve(here, '../../..'), 'bench', 'results', 'latest.json');

const STEPS = {
  passthrough: [],
  filter: [{ id: 'step', kind: 'filter', params: { expr: "event_type == 'click' || price > 100.0" } }],
  map: [{ id: 'step', kind: 'map', params: { fields: [{ as: 'user', expr: 'user_id' }, { as: 'gross', expr: 'price * 1.2' }], keepInput: true } }],
  'keyBy+tumbling count': [
    { id: 'key', kind: 'keyBy', params: { key: 'product_id' } },
    { id: 'win', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] } },
  ],
  // product_id is skewed (68 % of records hash to subtask 0 of 2): p=2 cannot reach 1.6× on it.
  // user_id is uniform (1000 users, about half the records per subtask): the row to judge scaling by.
  'keyBy user+count': [
    { id: 'key', kind: 'keyBy', params: { key: 'user_id' } },
    { id: 'win', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] } },
  ],
  // The same keys as strings ("user-17"), as keys from JSON or Kafka usually are.
  'keyBy string user+count': [
    { id: 'skey', kind: 'map', params: { fields: [{ as: 'user', expr: "'user-' + string(user_id)" }] } },
    { id: 'key', kind: 'keyBy', params: { key: 'user' } },
    { id: 'win', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] } },
  ],
  // 100k keys (user 1..1000 × product 1..100; user_id * 100 + product_id is unique per pair).
  'sliding 10s/2s 100k keys': SLIDING_100K(),
};
/** Scenarios that run again with `config.stateBackend: "disk"` (named `<scenario>, disk`). */
const DISK_SCENARIOS = ['sliding 10s/2s 100k keys'];

function SLIDING_100K() {
  return [
    { id: 'k100k', kind: 'map', params: { fields: [{ as: 'k', expr: 'user_id * 100 + product_id' }] } },
    { id: 'key', kind: 'keyBy', params: { key: 'k' } },
    { id: 'win', kind: 'window.sliding', params: { size: '10s', slide: '2s', aggregate: [{ fn: 'count', as: 'n' }] } },
  ];
}

function spec(name, steps, parallelism, gen = { ratePerSec: 100_000_000, count: N }, limit = 1, stateBackend = 'heap') {
  const nodes = [
    { id: 'gen', kind: 'source.datagen', params: { seed: 1, timestamp: 'ts', watermark: { maxOutOfOrderness: `${BOUND_MS}ms` }, ...gen } },
    ...steps,
    { id: 'sink', kind: 'sink.collect', params: { limit } },
  ];
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id }));
  return { specVersion: 1, name: `bench-${name}`, config: { parallelism, stateBackend }, nodes, edges };
}

async function measure(name, steps, run, stateBackend = 'heap', previewNode = undefined) {
  const parallelism = parseInt(run, 10);
  const onThreads = parallelism > 1 || String(run).endsWith('t');
  const keyed = steps.some((s) => s.kind === 'keyBy');
  const stateDir = stateBackend === 'disk' ? await mkdtemp(join(tmpdir(), 'riffle-bench-')) : undefined;
  // Small keyed outputs are kept whole to compare p=1 with p=2; everything else keeps one record.
  const job = await Engine.start(spec(name, steps, parallelism, undefined, keyed ? COMPARE_LIMIT : 1, stateBackend), { ...(stateDir ? { stateDir } : {}), ...(onThreads ? { execution: 'threads', ...(workerPool ? { workerPool } : {}) } : {}) });
  // One call keeps the tap on for 30 s, longer than a run.
  if (previewNode !== undefined) job.sample(previewNode);
  const t0 = performance.now();
  // CPU time of the whole process (every thread): on a loaded machine steadier than wall time.
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  // Peak state while it runs: keys and heap-equivalent bytes from the metrics, LevelDB's folder size.
  const peak = { keys: 0, bytes: 0, diskBytes: 0 };
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(async () => {
      const w = job.metrics().operators.find((o) => o.nodeId === 'win');
      if (w !== undefined && (w.stateKeys ?? 0) > peak.keys) Object.assign(peak, { keys: w.stateKeys, bytes: w.stateBytes });
      if (stateDir !== undefined) peak.diskBytes = Math.max(peak.diskBytes, await folderBytes(stateDir));
    });
  }, 500);
  const result = await job.done;
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const split = cpuSplit(threads0, threadCpu(), (cpu.user + cpu.system) * 1000);
  clearInterval(sampler);
  await sampling;
  if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
  if (result.status !== 'finished') throw new Error(`${name}: ${result.status} ${result.error?.message ?? ''}`);
  const metrics = job.metrics().operators;
  const out = metrics.find((o) => o.nodeId === 'sink').recordsIn;
  const late = metrics.reduce((a, o) => a + o.lateRecordsDropped, 0);
  const records = keyed && out <= COMPARE_LIMIT ? job.preview('sink').map((r) => JSON.stringify(r)).sort() : undefined;
  // How the keyed operator's input split over its subtasks (skew bounds what parallelism gains).
  const perSubtask = metrics.find((o) => o.nodeId === 'win')?.subtasks?.map((s) => s.recordsIn);
  outputs.set(`${name}${stateBackend === 'disk' ? ', disk' : ''}/${run}`, { out, late, records });
  const runtime = onThreads ? 'threads' : 'in-process';
  return {
    scenario: stateBackend === 'disk' ? `${name}, disk` : name,
    parallelism,
    runtime,
    stateBackend,
    ...(peak.keys > 0 ? { peakStateKeys: peak.keys, stateBytesPerKey: Math.round(peak.bytes / peak.keys) } : {}),
    ...(perSubtask !== undefined && perSubtask.length > 1 ? { recordsPerSubtask: perSubtask } : {}),
    ...(stateDir !== undefined && peak.keys > 0 ? { diskBytesPerKey: Math.round(peak.diskBytes / peak.keys) } : {}),
    events: N,
    seconds: Number(secs.toFixed(3)),
    eventsPerSec: Math.round(N / secs),
    cpuNsPerEvent: Math.round(((cpu.user + cpu.system) * 1000) / N),
    ...(split === undefined ? {} : { cpuNsPerEventByThread: Object.fromEntries(Object.entries(split).map(([k, ns]) => [k, Math.round(ns / N)])) }),
    recordsOut: out,
    lateRecordsDropped: late,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** CPU nanoseconds of each thread of this process (Linux; undefined elsewhere). */
function threadCpu() {
  try {
    const m = new Map();
    for (const t of readdirSync('/proc/self/task')) {
      try {
        m.set(Number(t), Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]));
      } catch {
        // The thread exited between the listing and the read.
      }
    }
    return m;
  } catch {
    return undefined;
  }
}

/**
 * Where a run's CPU went: this (main) thread, V8's compiler and GC helper threads and libuv's
 * pool (threads that outlive the run and are not the pool's workers), and the rest, which is the
 * job's worker threads (pooled ones, or threads of the job's own that are gone by the end, so
 * counted as what remains of the process total).
 */
function cpuSplit(start, end, totalNs) {
  if (start === undefined || end === undefined) return undefined;
  const main = end.get(process.pid) - start.get(process.pid);
  // Pooled worker threads outlive the run: their OS ids tell them from V8's helpers.
  const pooled = new Set(workerPool?.threadIds() ?? []);
  let helpers = 0;
  for (const [tid, ns] of end) if (tid !== process.pid && !pooled.has(tid)) helpers += ns - (start.get(tid) ?? 0);
  return { main, helpers, workers: Math.max(0, totalNs - main - helpers) };
}

/**
 * How well this machine runs two threads at once right now (2 = perfectly): the same CPU loop in
 * one thread, then in two at the same time. On a shared VM this swings with other tenants' load,
 * and it bounds what parallelism 2 can gain, so the table is read against it.
 */
async function threadScaling() {
  const code = `const { parentPort } = require('node:worker_threads'); let h = 0; const t0 = performance.now();
    for (let i = 0; i < 1e8; i++) h = (Math.imul(h ^ i, 0x9e3779b1) + 1) | 0; parentPort.postMessage(performance.now() - t0 + (h & 0));`;
  const run = (n) => Promise.all(Array.from({ length: n }, () => new Promise((r) => new Worker(code, { eval: true }).once('message', r))));
  const [one] = await run(1);
  const two = await run(2);
  return Number(((2 * one) / Math.max(...two)).toFixed(2));
}

/** The first difference between two runs' outputs (default: a scenario at p=1 and p=2), or undefined. */
function outputDifference(name, other = `${name}/2`) {
  const [a, b] = [outputs.get(`${name}/1`), outputs.get(other)];
  if (a === undefined || b === undefined) return undefined;
  if (a.out !== b.out) return `${a.out} records at p=1, ${b.out} at p=2`;
  if (a.late !== b.late) return `${a.late} late records at p=1, ${b.late} at p=2`;
  if (a.records !== undefined && b.records !== undefined) {
    const i = a.records.findIndex((r, j) => r !== b.records[j]);
    if (i >= 0) return `record ${i} (sorted) differs: ${a.records[i]} at p=1, ${b.records[i]} at p=2`;
  }
  return undefined;
}

/**
 * One row of the table, measured the way JMH measures (warm-up iterations, then the measured
 * one): a row runs until its runs took BENCH_WARM_SECONDS (default 2 s; at least two runs, at most
 * BENCH_RUNS, default 6) and reports its last run, with the first run's events/s beside it. A
 * 2M-event row lasts well under a second, and its first runs also measure V8 compiling and
 * re-compiling the row's code (on the main thread for p=1, on the pooled worker threads for p=2,
 * where each new job's code paths deoptimize and recompile some functions for a few jobs), which
 * a long-running job or a server's warm pool pays once. Rows of several seconds run twice.
 */
async function row(...args) {
  let first;
  let r;
  let runs = 0;
  let seconds = 0;
  do {
    r = await measure(...args);
    first ??= r;
    runs++;
    seconds += r.seconds;
  } while (runs < RUNS && (runs < 2 || seconds < WARM_SECONDS));
  return runs === 1 ? r : { ...r, runs, firstRun: { eventsPerSec: first.eventsPerSec, cpuNsPerEvent: first.cpuNsPerEvent } };
}

const outputs = new Map();
const scalingBefore = await threadScaling();
const rows = [];
await measure('warm-up', [], 1); // JIT warm-up, not reported
await measure('warm-up', [], 2);
// BENCH_LATENCY_ONLY=1 skips the throughput table (the latency run then needs BENCH_LATENCY_RATE or uses 10k/s).
if (!process.env.BENCH_LATENCY_ONLY) {
  for (const [name, steps] of Object.entries(STEPS)) if (ONLY === undefined || ONLY.includes(name)) for (const p of PARALLELISM) rows.push(await row(name, steps, p));
  if (ONLY === undefined || ONLY.includes('map (previewed)')) for (const p of PARALLELISM) rows.push(await row('map (previewed)', STEPS.map, p, 'heap', 'step'));
  for (const name of DISK_SCENARIOS) if (ONLY === undefined || ONLY.includes(name)) for (const p of PARALLELISM) rows.push(await row(name, STEPS[name], p, 'disk'));
}

await workerPool?.close();
console.log(`events per run: ${N.toLocaleString('en-US')} (node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores)`);
console.log(
  `batches: ${BATCH_RECORDS} records or ${LINGER_MS} ms, ${INITIAL_CREDITS} credits per channel; slots: ${availableParallelism()}; ` +
    (COLD_WORKERS ? 'worker threads started per job (BENCH_COLD_WORKERS=1)' : 'worker threads pooled across jobs, as in the server'),
);
console.log(RUNS === 1 ? 'runs per row: 1' : `runs per row: until ${WARM_SECONDS} s of runs (2 to ${RUNS}), the last reported, the first run's events/s beside it`);
console.log('scenario                         p  runtime        events/s   seconds  CPU ns/event  records to sink  peak RSS MB  1st run events/s');
for (const r of rows) {
  console.log(
    `${r.scenario.padEnd(32)} ${String(r.parallelism).padStart(1)}  ${r.runtime.padEnd(11)} ${r.eventsPerSec.toLocaleString('en-US').padStart(11)}  ${r.seconds.toFixed(2).padStart(8)}  ${String(r.cpuNsPerEvent).padStart(12)}  ${r.recordsOut.toLocaleString('en-US').padStart(15)}  ${String(r.peakRssMB).padStart(11)}  ${(r.firstRun?.eventsPerSec.toLocaleString('en-US') ?? '–').padStart(16)}`,
  );
}
// Where the CPU of each worker-thread row went (compare with the in-process row of the same scenario).
for (const r of rows.filter((x) => x.runtime === 'threads' && x.cpuNsPerEventByThread !== undefined)) {
  const { workers, helpers, main } = r.cpuNsPerEventByThread;
  console.log(`cpu ${r.scenario} p=${r.parallelism} threads: ${workers} ns/event in worker threads, ${helpers} in V8/libuv helper threads (JIT compilation, GC), ${main} on the main thread`);
}
// Skew and scaling of each keyed scenario: the keyed operator's work can at best be divided down
// to the busiest subtask's share (the sources' work divides evenly).
for (const r of rows.filter((x) => x.recordsPerSubtask !== undefined)) {
  const total = r.recordsPerSubtask.reduce((a, b) => a + b, 0);
  const busiest = Math.max(...r.recordsPerSubtask) / total;
  const p1 = rows.find((x) => x.scenario === r.scenario && x.parallelism === 1 && x.runtime === 'in-process');
  console.log(
    `skew ${r.scenario} p=${r.parallelism}: records per subtask ${r.recordsPerSubtask.map((n) => n.toLocaleString('en-US')).join(' / ')} ` +
      `(busiest ${Math.round(busiest * 100)} %: its keyed work ${(1 / busiest).toFixed(2)}× faster at best)` +
      (p1 === undefined ? '' : `; measured ${(r.eventsPerSec / p1.eventsPerSec).toFixed(2)}× over p=1`) +
      (p1?.firstRun === undefined || r.firstRun === undefined ? '' : ` (first runs: ${(r.firstRun.eventsPerSec / p1.firstRun.eventsPerSec).toFixed(2)}×)`),
  );
}
let mismatches = 0;
const comparisons = [
  ...[...Object.keys(STEPS), ...DISK_SCENARIOS.map((n) => `${n}, disk`)].map((n) => [n, `${n}/2`]),
  // The disk backend must emit what the heap backend emits.
  ...DISK_SCENARIOS.map((n) => [n, `${n}, disk/1`]),
];
for (const [name, other] of comparisons) {
  const diff = outputDifference(name, other);
  if (diff !== undefined) {
    mismatches++;
    console.log(`OUTPUT MISMATCH ${name} vs ${other}: ${diff}`);
  }
}
if (mismatches === 0) console.log('p=1 and p=2 outputs, heap and disk backends: identical for every scenario (keyed rows with no late records)');
for (const r of rows.filter((x) => x.peakStateKeys !== undefined)) {
  console.log(
    `state ${r.scenario} p=${r.parallelism}: ${r.peakStateKeys.toLocaleString('en-US')} keys at peak, ~${r.stateBytesPerKey} bytes/key heap-equivalent` +
      (r.diskBytesPerKey !== undefined ? `, ~${r.diskBytesPerKey} bytes/key in LevelDB's folder` : ''),
  );
}

// Offered rate for the latency run: a third of the bounded run's p=1 throughput, at most 10k/s.
// The bounded run fires almost every window once, at its end; a steady stream fires 100k keys'
// windows every 2 s, which costs more, so the steady capacity is well below that throughput.
const capacity = rows.find((r) => r.scenario === 'sliding 10s/2s 100k keys' && r.parallelism === 1 && r.runtime === 'in-process')?.eventsPerSec ?? 30_000;
const latencyRate = Number(process.env.BENCH_LATENCY_RATE ?? Math.min(10_000, Math.max(1000, Math.round(capacity / 3 / 1000) * 1000)));
const makeLatencySpec = (gen, stateBackend) => spec('latency', SLIDING_100K(), 1, gen, 1, stateBackend);
// The same offered rate on both backends, so their latencies compare (see window-latency.js).
const latency = [];
if (!NO_LATENCY)
  for (const stateBackend of ['heap', 'disk']) {
    latency.push(await latencyRun({ rate: latencyRate, seconds: LATENCY_SECONDS, boundMs: BOUND_MS, stateBackend, makeSpec: makeLatencySpec }));
    console.log(latencyLine(latency.at(-1)));
  }
// Kafka → filter → Kafka against a bare kafkajs loop (starts the repo's test broker; BENCH_KAFKA=0 skips it).
const kafka = process.env.BENCH_KAFKA === '0' ? undefined : await (await import('./kafka.js')).kafkaBench();
const scalingAfter = await threadScaling();
console.log(`two-thread CPU scaling of this machine (2.00 = ideal): ${scalingBefore} before, ${scalingAfter} after`);
const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`peak RSS: ${peakRssMB} MB`);
await mkdir(dirname(resultsFile), { recursive: true });
await writeFile(
  resultsFile,
  JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: availableParallelism(), pooledWorkers: !COLD_WORKERS, runsPerRow: { max: RUNS, warmSeconds: WARM_SECONDS }, batchRecords: BATCH_RECORDS, lingerMs: LINGER_MS, credits: INITIAL_CREDITS, threadScaling: [scalingBefore, scalingAfter], peakRssMB, watermarkBoundMs: BOUND_MS, outputMismatches: mismatches, results: rows, latency, kafka }, null, 2) + '\n',
);
console.log(`written to ${resultsFile}`);
