// Throughput of the engine: datagen (bounded, unthrottled) → step → a sink that keeps nothing,
// at parallelism 1 and 2. Run with `npm run bench` from the repo root (builds the engine first).
// Parallelism 1 runs in-process (execution 'auto'); parallelism 2 runs on worker threads.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Engine } from '../dist/index.js';
import { BATCH_RECORDS, INITIAL_CREDITS, LINGER_MS } from '../dist/runtime/batch-channel.js';

const N = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const PARALLELISM = (process.env.BENCH_PARALLELISM ?? '1,2').split(',').map(Number);
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
  // product_id is skewed (68 % of records hash to subtask 0 of 2); user_id is uniform.
  'keyBy user+count': [
    { id: 'key', kind: 'keyBy', params: { key: 'user_id' } },
    { id: 'win', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'n' }] } },
  ],
};

function spec(name, steps, parallelism) {
  const nodes = [
    { id: 'gen', kind: 'source.datagen', params: { seed: 1, ratePerSec: 100_000_000, count: N } },
    ...steps,
    { id: 'sink', kind: 'sink.collect', params: { limit: 1 } },
  ];
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id }));
  return { specVersion: 1, name: `bench-${name}`, config: { parallelism }, nodes, edges };
}

async function measure(name, steps, parallelism) {
  const job = await Engine.start(spec(name, steps, parallelism));
  const t0 = performance.now();
  const result = await job.done;
  const secs = (performance.now() - t0) / 1000;
  if (result.status !== 'finished') throw new Error(`${name}: ${result.status} ${result.error?.message ?? ''}`);
  const out = job.metrics().operators.find((o) => o.nodeId === 'sink').recordsIn;
  const runtime = parallelism === 1 ? 'in-process' : 'threads';
  return {
    scenario: name,
    parallelism,
    runtime,
    events: N,
    seconds: Number(secs.toFixed(3)),
    eventsPerSec: Math.round(N / secs),
    recordsOut: out,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
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

const scalingBefore = await threadScaling();
const rows = [];
await measure('warm-up', [], 1); // JIT warm-up, not reported
await measure('warm-up', [], 2);
for (const [name, steps] of Object.entries(STEPS)) for (const p of PARALLELISM) rows.push(await measure(name, steps, p));

console.log(`events per run: ${N.toLocaleString('en-US')} (node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores)`);
console.log(`batches: ${BATCH_RECORDS} records or ${LINGER_MS} ms, ${INITIAL_CREDITS} credits per channel; slots: ${availableParallelism()}`);
console.log('scenario               p  runtime        events/s   seconds  records to sink  peak RSS MB');
for (const r of rows) {
  console.log(
    `${r.scenario.padEnd(22)} ${String(r.parallelism).padStart(1)}  ${r.runtime.padEnd(11)} ${r.eventsPerSec.toLocaleString('en-US').padStart(11)}  ${r.seconds.toFixed(2).padStart(8)}  ${r.recordsOut.toLocaleString('en-US').padStart(15)}  ${String(r.peakRssMB).padStart(11)}`,
  );
}
const scalingAfter = await threadScaling();
console.log(`two-thread CPU scaling of this machine (2.00 = ideal): ${scalingBefore} before, ${scalingAfter} after`);
const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`peak RSS: ${peakRssMB} MB`);
await mkdir(dirname(resultsFile), { recursive: true });
await writeFile(
  resultsFile,
  JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: availableParallelism(), batchRecords: BATCH_RECORDS, lingerMs: LINGER_MS, credits: INITIAL_CREDITS, threadScaling: [scalingBefore, scalingAfter], peakRssMB, results: rows }, null, 2) + '\n',
);
console.log(`written to ${resultsFile}`);
