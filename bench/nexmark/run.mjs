#!/usr/bin/env node
// `npm run bench:nexmark`: the Nexmark queries on Riffle and on Apache Flink (local MiniCluster),
// alternating, several rounds; prints a table and writes bench/results/nexmark.json.
//
// Options: --quick (fewer events), --rounds N (default 3), --queries q0,q1,… (default: every
// bench/nexmark/q*.json that bench/flink knows), --parallelism 1,2 (default 1,2), --events N,
// --latency-rate R (offered events/s for the latency runs, default 10000), --skip-throughput
// (only the hash checks and the latency runs), --results FILE (default bench/results/nexmark.json).
//
// Correctness first: both generators must hash-equal, and on every query the sorted rows of
// both systems must hash-equal; a mismatch is printed as FAILED and the exit code is 1.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { eventLine, NexmarkGenerator } from '../../packages/engine/dist/nexmark/generator.js';
import { rowsHash, UPSERT_KEYS } from './rows-hash.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const ROOT = join(HERE, '../..');
const FLINK = join(ROOT, 'bench/flink');
const FLINK_QUERIES = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q7', 'q8'];
const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    queries: { type: 'string' },
    parallelism: { type: 'string', default: '1,2' },
    events: { type: 'string' },
    'latency-rate': { type: 'string', default: '10000' },
    'skip-throughput': { type: 'boolean', default: false },
    results: { type: 'string', default: 'bench/results/nexmark.json' },
  },
});
const events = Number(opt.events ?? (opt.quick ? 200_000 : 2_000_000));
// 20 s of event time whatever the event count: windows fire many times, window state stays bounded.
const rate = events / 20;
const rounds = opt['skip-throughput'] ? 0 : Number(opt.rounds);
const latencyRate = Number(opt['latency-rate']);
const latencyEvents = latencyRate * (opt.quick ? 5 : 10);
const parallelisms = opt.parallelism.split(',').map(Number);
const available = readdirSync(HERE).filter((f) => /^q\d+\.json$/.test(f)).map((f) => f.slice(0, -5));
const queries = (opt.queries?.split(',') ?? available).filter((q) => available.includes(q) && FLINK_QUERIES.includes(q));
const failures = [];

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}${r.stdout.slice(-2000)}`);
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  return JSON.parse(line);
}

function flinkClasspath() {
  const cpFile = join(FLINK, 'target/classpath.txt');
  if (!existsSync(cpFile) || !existsSync(join(FLINK, 'target/nexmark-flink-0.1.0.jar'))) {
    console.log('building bench/flink (mvn package)…');
    const r = spawnSync('mvn', ['-B', '-q', '-DskipTests', 'package', 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`], { cwd: FLINK, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('mvn package failed');
  }
  return `${join(FLINK, 'target/nexmark-flink-0.1.0.jar')}:${readFileSync(cpFile, 'utf8').trim()}`;
}
const CP = flinkClasspath();
// Java 17 needs these opens for Flink's serializers.
const JVM = ['--add-opens=java.base/java.util=ALL-UNNAMED', '--add-opens=java.base/java.lang=ALL-UNNAMED', '-cp', CP];

const common = (q, p, n = events, r = rate) => ['--query', q, '--events', String(n), '--rate', String(r), '--parallelism', String(p)];
const riffle = (q, p, out) => run('node', [join(HERE, 'run-riffle.mjs'), ...common(q, p), ...(out ? ['--out', out] : [])], `riffle ${q}`);
const flink = (q, p, out) => run('java', [...JVM, 'dev.riffle.bench.nexmark.NexmarkFlink', ...common(q, p), ...(out ? ['--out', out] : [])], `flink ${q}`);
// At a fixed offered rate (event time paced by the wall clock), parallelism 1.
const riffleLatency = (q) => run('node', [join(HERE, 'run-riffle.mjs'), ...common(q, 1, latencyEvents, latencyRate), '--latency'], `riffle ${q} latency`);
const flinkLatency = (q) => run('java', [...JVM, 'dev.riffle.bench.nexmark.NexmarkFlink', ...common(q, 1, latencyEvents, latencyRate), '--latency'], `flink ${q} latency`);
/** Queries whose rows carry the event's dateTime, from which latency is measured. */
const LATENCY_QUERIES = ['q0', 'q1', 'q7'];

// 1. Same input: the generators' first events hash-equal.
const genEvents = opt.quick ? 100_000 : 1_000_000;
const gen = new NexmarkGenerator({ seed: 0, eventsPerSec: 1e6, baseTime: Date.UTC(2026, 0, 1) });
const h = createHash('sha256');
for (let i = 0; i < genEvents; i++) h.update(`${eventLine(gen.event(i))}\n`);
const generator = { events: genEvents, riffle: h.digest('hex'), flink: run('java', [...JVM, 'dev.riffle.bench.nexmark.NexmarkFlink', '--hash-generator', '--events', String(genEvents)], 'flink generator hash').generatorSha256 };
generator.equal = generator.riffle === generator.flink;
console.log(`generator, first ${genEvents} events: ${generator.equal ? 'hash-equal' : 'FAILED: hashes differ'} (${generator.riffle.slice(0, 16)}…)`);
if (!generator.equal) failures.push(`generator hashes differ: riffle ${generator.riffle} flink ${generator.flink}`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
const tmp = join(tmpdir(), `nexmark-${process.pid}`);
mkdirSync(tmp, { recursive: true });
for (const p of parallelisms) {
  for (const q of queries) {
    // 2. Same output: the sorted rows of both systems hash-equal.
    const r = riffle(q, p, join(tmp, `${q}-riffle.ndjson`));
    const f = flink(q, p, join(tmp, `${q}-flink.ndjson`));
    const rh = rowsHash(join(tmp, `${q}-riffle.ndjson`), UPSERT_KEYS[q]);
    const fh = rowsHash(join(tmp, `${q}-flink.ndjson`));
    const equal = rh.sha256 === fh.sha256 && rh.rows === fh.rows;
    console.log(`${q} p=${p}: ${equal ? `outputs hash-equal (${rh.rows} rows)` : `FAILED: outputs differ (riffle ${rh.rows} rows ${rh.sha256.slice(0, 12)}, flink ${fh.rows} rows ${fh.sha256.slice(0, 12)})`}`);
    if (!equal) failures.push(`${q} p=${p}: outputs differ`);
    // 3. Throughput: alternate the systems so that load changes on the machine hit both.
    const runs = { riffle: [], flink: [] };
    for (let k = 0; k < rounds; k++) {
      runs.riffle.push(riffle(q, p));
      runs.flink.push(flink(q, p));
      process.stdout.write(`  round ${k + 1}/${rounds}: riffle ${runs.riffle.at(-1).runCpuSec.toFixed(2)} cpu-s, flink ${runs.flink.at(-1).runCpuSec.toFixed(2)} cpu-s\n`);
    }
    const summary = (xs, lat) => ({
      eventsPerCoreSec: xs.length ? Math.round(median(xs.map((x) => events / Math.max(x.runCpuSec, 0.01)))) : undefined,
      eventsPerSec: xs.length ? Math.round(median(xs.map((x) => events / (x.runWallMs / 1000)))) : undefined,
      peakRssMb: xs.length ? Math.round(median(xs.map((x) => x.peakRssKb)) / 1024) : undefined,
      latencyP50Ms: lat?.latencyP50Ms,
      latencyP99Ms: lat?.latencyP99Ms,
      runs: xs,
      latencyRun: lat,
    });
    let lat = {};
    if (p === 1 && LATENCY_QUERIES.includes(q)) {
      lat = { riffle: riffleLatency(q), flink: flinkLatency(q) };
      console.log(`  latency at ${latencyRate}/s: riffle p50 ${lat.riffle.latencyP50Ms} ms p99 ${lat.riffle.latencyP99Ms} ms, flink p50 ${lat.flink.latencyP50Ms} ms p99 ${lat.flink.latencyP99Ms} ms`);
    }
    results.push({ query: q, parallelism: p, events, eventsPerSec: rate, latencyRate, outputsEqual: equal, rows: rh.rows, riffleHash: rh.sha256, flinkHash: fh.sha256, riffle: summary(runs.riffle, lat.riffle), flink: summary(runs.flink, lat.flink) });
  }
}
rmSync(tmp, { recursive: true, force: true });

const pad = (s, n) => String(s).padStart(n);
console.log(`\nNexmark, ${events} events (${rate}/s of event time), median of ${rounds} rounds, ${cpus().length} cores: ${cpus()[0]?.model ?? ''}`);
const ms = (x) => (x === undefined ? '–' : `${x}`);
const latencyText = (s) => (s.latencyP50Ms === undefined ? '–' : `${s.latencyP50Ms}/${s.latencyP99Ms}`);
console.log(`latency: p50/p99 ms at ${latencyRate} events/s offered, parallelism 1, from each row's planned emit time`);
console.log(`${'query'.padEnd(6)}${pad('p', 3)}${pad('riffle ev/s/core', 18)}${pad('flink ev/s/core', 17)}${pad('ratio', 7)}${pad('riffle lat', 13)}${pad('flink lat', 13)}${pad('riffle RSS MB', 15)}${pad('flink RSS MB', 14)}  outputs`);
for (const r of results) {
  const ratio = r.riffle.eventsPerCoreSec && r.flink.eventsPerCoreSec ? (r.riffle.eventsPerCoreSec / r.flink.eventsPerCoreSec).toFixed(2) : '–';
  console.log(
    `${r.query.padEnd(6)}${pad(r.parallelism, 3)}${pad(ms(r.riffle.eventsPerCoreSec), 18)}${pad(ms(r.flink.eventsPerCoreSec), 17)}${pad(ratio, 7)}` +
      `${pad(latencyText(r.riffle), 13)}${pad(latencyText(r.flink), 13)}${pad(ms(r.riffle.peakRssMb), 15)}${pad(ms(r.flink.peakRssMb), 14)}  ${r.outputsEqual ? 'equal' : 'DIFFER'}`,
  );
}
// Relative to the repository root; an absolute path stays as it is.
const resultsFile = resolve(ROOT, opt.results);
mkdirSync(dirname(resultsFile), { recursive: true });
const report = { date: new Date().toISOString(), machine: { cores: cpus().length, cpu: cpus()[0]?.model, load: readFileSync('/proc/loadavg', 'utf8').trim() }, events, rate, rounds, generator, results, failures };
writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${opt.results}`);
if (failures.length > 0) {
  console.error(`\nFAILED:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exit(1);
}
