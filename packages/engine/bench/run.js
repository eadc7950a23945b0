// Throughput of the engine at parallelism 1: datagen (bounded, unthrottled) → step → a sink that
// keeps nothing. Run with `npm run bench` from the repo root (builds the engine first).
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/index.js';

const N = Number(process.env.BENCH_EVENTS ?? 2_000_000);
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
};

function spec(name, steps) {
  const nodes = [
    { id: 'gen', kind: 'source.datagen', params: { seed: 1, ratePerSec: 100_000_000, count: N } },
    ...steps,
    { id: 'sink', kind: 'sink.collect', params: { limit: 1 } },
  ];
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id }));
  return { specVersion: 1, name: `bench-${name}`, config: { parallelism: 1 }, nodes, edges };
}

async function measure(name, steps) {
  const job = await Engine.start(spec(name, steps));
  const t0 = performance.now();
  const result = await job.done;
  const secs = (performance.now() - t0) / 1000;
  if (result.status !== 'finished') throw new Error(`${name}: ${result.status} ${result.error?.message ?? ''}`);
  const out = job.metrics().operators.find((o) => o.nodeId === 'sink').recordsIn;
  return { scenario: name, events: N, seconds: Number(secs.toFixed(3)), eventsPerSec: Math.round(N / secs), recordsOut: out };
}

const rows = [];
await measure('warm-up', []); // JIT warm-up, not reported
for (const [name, steps] of Object.entries(STEPS)) rows.push(await measure(name, steps));

console.log(`events per run: ${N.toLocaleString('en-US')} (node ${process.version}, ${cpus()[0]?.model ?? 'cpu'})`);
console.log('scenario               events/s      seconds  records to sink');
for (const r of rows) {
  console.log(`${r.scenario.padEnd(22)} ${r.eventsPerSec.toLocaleString('en-US').padStart(11)}  ${r.seconds.toFixed(2).padStart(8)}  ${r.recordsOut.toLocaleString('en-US').padStart(15)}`);
}
await mkdir(dirname(resultsFile), { recursive: true });
await writeFile(resultsFile, JSON.stringify({ date: new Date().toISOString(), node: process.version, parallelism: 1, results: rows }, null, 2) + '\n');
console.log(`written to ${resultsFile}`);
