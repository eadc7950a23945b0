#!/usr/bin/env node
// Runs one Nexmark query spec on Riffle: the Riffle side of `npm run bench:nexmark`.
// Usage: node bench/nexmark/run-riffle.mjs --query q5 --events N --rate R --parallelism P [--out rows.ndjson] [--latency]
//        [--execution threads] [--slots N] [--cpu-prof DIR]
// Prints one JSON line of measurements, like bench/flink's NexmarkFlink. With --out the spec's
// sink is replaced by a file sink and the rows are gathered into one NDJSON file (for the output
// hash, printed as `outputHash` as run.mjs computes it); without it they go to the spec's preview sink, which keeps only the last 100 rows.
// --latency (parallelism 1): the source is limited to `rate` events/s of wall clock, the same as
// its event-time rate, and each row reaching the sink gets its latency from its dateTime's
// planned emit time, as on the Flink side.
// --execution threads runs on worker threads even at parallelism 1 (the engine's `execution`
// option): with nothing crossing threads it shows what the worker runtime costs by itself.
// --slots N caps the worker threads (default one per core): `--parallelism 2 --slots 1` runs both
// subtasks on one thread, so records cross no thread and no two threads compete for the machine.
// --cpu-prof DIR re-runs this script under `node --cpu-prof`: one .cpuprofile per thread (the
// workers inherit the flag), for `node bench/nexmark/profile-top.mjs`.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { Engine } from '@riffle/engine';
import { cpuSeconds, peakRssKb } from './proc.mjs';
import { rowsHash, UPSERT_KEYS } from './rows-hash.mjs';
import { NexmarkGenerator } from '../../packages/engine/dist/nexmark/generator.js';
import { PreviewBuffer } from '../../packages/engine/dist/runtime/preview-buffer.js';

const { values: args } = parseArgs({
  options: {
    query: { type: 'string', default: 'q0' },
    events: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '1000000' },
    parallelism: { type: 'string', default: '1' },
    out: { type: 'string' },
    latency: { type: 'boolean', default: false },
    execution: { type: 'string', default: 'auto' },
    slots: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
if (args['cpu-prof'] !== undefined) {
  // Worker threads inherit the process's execArgv, so each writes its own profile into DIR.
  const rest = process.argv.slice(2).filter((a, i, all) => a !== '--cpu-prof' && all[i - 1] !== '--cpu-prof' && !a.startsWith('--cpu-prof='));
  const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`, new URL(import.meta.url).pathname, ...rest], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const events = Number(args.events);
const parallelism = Number(args.parallelism);
const spec = JSON.parse(readFileSync(new URL(`${args.query}.json`, import.meta.url), 'utf8'));
spec.config = { ...spec.config, parallelism };
for (const n of spec.nodes) {
  if (n.kind === 'source.nexmark') Object.assign(n.params, { maxEvents: events, eventsPerSec: Number(args.rate) });
}
let latencies;
if (args.latency) {
  if (parallelism !== 1) throw new Error('--latency measures in-process, at parallelism 1');
  latencies = [];
  const source = spec.nodes.find((n) => n.kind === 'source.nexmark');
  source.params.ratePerSec = Number(args.rate);
  // The engine's own module instances (same files): the planned schedule starts at the first
  // generated event, and the preview sink's buffer sees every row as it arrives.
  let firstMs;
  const event = NexmarkGenerator.prototype.event;
  NexmarkGenerator.prototype.event = function (i) {
    firstMs ??= Date.now();
    return event.call(this, i);
  };
  const add = PreviewBuffer.prototype.add;
  PreviewBuffer.prototype.add = function (row) {
    if (typeof row.dateTime === 'number') latencies.push(Date.now() - (firstMs + row.dateTime - source.params.baseTime));
    add.call(this, row);
  };
  source.params.baseTime ??= Date.UTC(2026, 0, 1);
}
let dir;
if (args.out) {
  dir = await mkdtemp(join(tmpdir(), 'riffle-nexmark-'));
  const sink = spec.nodes.find((n) => n.id === 'out');
  Object.assign(sink, { kind: 'sink.file', params: { path: dir } });
}

const wallStart = performance.now();
const cpuStart = cpuSeconds();
const job = await Engine.start(spec, { execution: args.execution, ...(args.slots ? { slots: Number(args.slots) } : {}) });
const result = await job.done;
const cpuEnd = cpuSeconds();
const wallEnd = performance.now();
if (result.status !== 'finished') {
  console.error(JSON.stringify(result));
  process.exit(1);
}
let rows = 0;
if (dir) {
  const parts = (await readdir(dir)).filter((f) => /^part-.*\.ndjson$/.test(f)).sort();
  const text = (await Promise.all(parts.map((f) => readFile(join(dir, f), 'utf8')))).join('');
  rows = text.split('\n').filter((l) => l !== '').length;
  await writeFile(args.out, text);
  await rm(dir, { recursive: true, force: true });
}
// The runner's output check on Riffle's rows alone: equal before and after an engine change.
const outputHash = dir ? rowsHash(args.out, UPSERT_KEYS[args.query]).sha256 : undefined;
const wallMs = Math.round(wallEnd - wallStart);
const cpuSec = cpuEnd - cpuStart;
// Riffle has no deploy phase worth separating: the run is the whole job.
const report = { system: 'riffle', query: args.query, events, parallelism, wallMs, cpuSec, runWallMs: wallMs, runCpuSec: cpuSec, peakRssKb: peakRssKb(), rows, ...(outputHash ? { outputHash } : {}) };
if (latencies?.length) {
  latencies.sort((a, b) => a - b);
  Object.assign(report, { latencyP50Ms: latencies[latencies.length >> 1], latencyP99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))], latencySamples: latencies.length });
}
console.log(JSON.stringify(report));
