#!/usr/bin/env node
// `npm run bench:nexmark`: the Nexmark queries on Riffle and on Apache Flink (local MiniCluster),
// alternating, several rounds; prints a table and writes bench/results/nexmark.json.
//
// Options: --quick (fewer events), --rounds N (default 3), --queries q0,q1,… (default: every
// bench/nexmark/q*.json that bench/flink knows), --parallelism 1,2 (default 1,2), --events N.
//
// Correctness first: both generators must hash-equal, and on every query the sorted rows of
// both systems must hash-equal; a mismatch is printed as FAILED and the exit code is 1.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { eventLine, NexmarkGenerator } from '../../packages/engine/dist/nexmark/generator.js';

const HERE = new URL('.', import.meta.url).pathname;
const ROOT = join(HERE, '../..');
const FLINK = join(ROOT, 'bench/flink');
const FLINK_QUERIES = ['q0', 'q1', 'q2', 'q5', 'q7'];

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    queries: { type: 'string' },
    parallelism: { type: 'string', default: '1,2' },
    events: { type: 'string' },
  },
});
const events = Number(opt.events ?? (opt.quick ? 200_000 : 2_000_000));
// 20 s of event time whatever the event count: windows fire many times, window state stays bounded.
const rate = events / 20;
const rounds = Number(opt.rounds);
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

const riffle = (q, p, out) =>
  run('node', [join(HERE, 'run-riffle.mjs'), '--query', q, '--events', String(events), '--rate', String(rate), '--parallelism', String(p), ...(out ? ['--out', out] : [])], `riffle ${q}`);
const flink = (q, p, out) =>
  run('java', [...JVM, 'dev.riffle.bench.nexmark.NexmarkFlink', '--query', q, '--events', String(events), '--rate', String(rate), '--parallelism', String(p), ...(out ? ['--out', out] : [])], `flink ${q}`);

/** sha256 of the rows sorted, each row's fields in name order; non-integers to 3 decimals (Flink's q1 is DECIMAL). */
function rowsHash(file) {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const canon = lines.map((l) => {
    const r = JSON.parse(l);
    return Object.keys(r).sort().map((k) => (typeof r[k] === 'number' && !Number.isInteger(r[k]) ? r[k].toFixed(3) : String(r[k]))).join('|');
  });
  canon.sort();
  return { rows: canon.length, sha256: createHash('sha256').update(canon.join('\n')).digest('hex') };
}

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
    const rh = rowsHash(join(tmp, `${q}-riffle.ndjson`));
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
    const summary = (xs) => ({
      eventsPerCoreSec: Math.round(median(xs.map((x) => events / Math.max(x.runCpuSec, 0.01)))),
      eventsPerSec: Math.round(median(xs.map((x) => events / (x.runWallMs / 1000)))),
      peakRssMb: Math.round(median(xs.map((x) => x.peakRssKb)) / 1024),
      runs: xs,
    });
    results.push({ query: q, parallelism: p, events, eventsPerSec: rate, outputsEqual: equal, rows: rh.rows, riffleHash: rh.sha256, flinkHash: fh.sha256, riffle: summary(runs.riffle), flink: summary(runs.flink) });
  }
}
rmSync(tmp, { recursive: true, force: true });

const pad = (s, n) => String(s).padStart(n);
console.log(`\nNexmark, ${events} events (${rate}/s of event time), median of ${rounds} rounds, ${cpus().length} cores: ${cpus()[0]?.model ?? ''}`);
console.log(`${'query'.padEnd(6)}${pad('p', 3)}${pad('riffle ev/s/core', 18)}${pad('flink ev/s/core', 17)}${pad('ratio', 7)}${pad('riffle ev/s', 13)}${pad('flink ev/s', 12)}${pad('riffle RSS MB', 15)}${pad('flink RSS MB', 14)}  outputs`);
for (const r of results) {
  console.log(
    `${r.query.padEnd(6)}${pad(r.parallelism, 3)}${pad(r.riffle.eventsPerCoreSec, 18)}${pad(r.flink.eventsPerCoreSec, 17)}${pad((r.riffle.eventsPerCoreSec / r.flink.eventsPerCoreSec).toFixed(2), 7)}` +
      `${pad(r.riffle.eventsPerSec, 13)}${pad(r.flink.eventsPerSec, 12)}${pad(r.riffle.peakRssMb, 15)}${pad(r.flink.peakRssMb, 14)}  ${r.outputsEqual ? 'equal' : 'DIFFER'}`,
  );
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const report = { date: new Date().toISOString(), machine: { cores: cpus().length, cpu: cpus()[0]?.model, load: readFileSync('/proc/loadavg', 'utf8').trim() }, events, rate, rounds, generator, results, failures };
writeFileSync(join(ROOT, 'bench/results/nexmark.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log('wrote bench/results/nexmark.json');
if (failures.length > 0) {
  console.error(`\nFAILED:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  process.exit(1);
}
