// Checkpoint cost (issue #5), `npm run bench -- checkpoint`. For 100k, 1M and 5M keys of keyed
// state (a running count per key) on the heap and disk backends, with the source unthrottled:
//  - the duration of one checkpoint (trigger → `_metadata` durable) and its size;
//  - the largest pause in processing while it runs: the longest gap between two records reaching
//    the sink from the trigger until 200 ms after completion, next to the longest gap over an
//    equally long stretch just before (what batching and GC cost anyway);
// then recovery time for 1M keys on the heap: a child process runs the job, is SIGKILLed right
// after a checkpoint completed, and a new child restores the latest checkpoint; the figure is
// kill → first record at the sink of the new process (process start, restore and first batch).
// BENCH_CHECKPOINT_KEYS=100000,1000000 and BENCH_CHECKPOINT_BACKENDS=heap pick cases;
// BENCH_CHECKPOINT_RECOVERY=0 skips the recovery run. Results go to bench/results/checkpoint.json.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(resolve(here, '../../..'), 'bench', 'results', 'checkpoint.json');
const KEYS = (process.env.BENCH_CHECKPOINT_KEYS ?? '100000,1000000,5000000').split(',').map(Number);
const BACKENDS = (process.env.BENCH_CHECKPOINT_BACKENDS ?? 'heap,disk').split(',');
const RECOVERY_KEYS = 1_000_000;
/** State is "filled" once this share of the keys exists. */
const FILL = 0.9;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Unthrottled per-key sequence (the generator's `sequence` profile: record i has key i mod keys, so
 * every key exists after `keys` records and keeps being hit) → keyBy → running count → a sink that
 * keeps one record. (A key mixed from the clickstream's user, product and timestamp, as before,
 * never reached 90 % of 5M keys: its timestamp term only shifts the same 100k combinations.)
 */
// Timeout 10 min (Flink's default): the disk backend's asynchronous snapshot reads its keys back
// while the unthrottled source keeps the thread busy (about 14 s at 1M keys on a quiet machine).
function spec(keys, stateBackend) {
  return {
    specVersion: 1,
    name: `bench-checkpoint-${keys}`,
    config: { parallelism: 1, stateBackend, checkpoints: { intervalMs: 3_600_000, mode: 'exactly-once', retain: 1, timeoutMs: 600_000 } },
    nodes: [
      { id: 'gen', kind: 'source.datagen', params: { profile: 'sequence', keys, ratePerSec: 100_000_000 } },
      { id: 'by', kind: 'keyBy', params: { key: 'key' } },
      { id: 'count', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'sink', kind: 'sink.collect', params: { limit: 1 } },
    ],
    edges: [
      { from: 'gen', to: 'by' },
      { from: 'by', to: 'count' },
      { from: 'count', to: 'sink' },
    ],
  };
}

const stateKeys = (job) => job.metrics().operators.find((o) => o.nodeId === 'count')?.stateKeys ?? 0;

/** Bench-only: calls `onRecord(now)` for every record reaching the in-process sink (job internals). */
function watchSink(job, onRecord) {
  const sink = job.built.tasks.flatMap((t) => t.members).find((m) => m.nodeId === 'sink').operator;
  const receive = sink.processElement.bind(sink);
  sink.processElement = (value, timestamp, key) => {
    onRecord(performance.now());
    receive(value, timestamp, key);
  };
}

async function fill(job, keys) {
  const t0 = performance.now();
  while (stateKeys(job) < FILL * keys) {
    if (job.status === 'failed') throw new Error(`the job failed: ${job.error?.message}`);
    await sleep(100);
  }
  return (performance.now() - t0) / 1000;
}

/** One case: fill the state, then time a checkpoint and the longest processing gap around it. */
async function measure(keys, backend) {
  const dir = await mkdtemp(join(tmpdir(), 'riffle-bench-chk-'));
  const job = await Engine.start(spec(keys, backend), { checkpointDir: dir, jobId: 'bench', execution: 'in-process' });
  try {
    let last = performance.now();
    let gap = 0;
    watchSink(job, (now) => {
      gap = Math.max(gap, now - last);
      last = now;
    });
    const fillSeconds = await fill(job, keys);
    const t0 = performance.now();
    gap = 0;
    const done = await job.triggerCheckpoint();
    const stats = job.checkpoints().find((c) => c.id === done.id);
    await sleep(200);
    const pause = gap;
    const window = performance.now() - t0;
    // The same stretch of normal processing, for comparison.
    gap = 0;
    last = performance.now();
    await sleep(window);
    return {
      keys,
      backend,
      stateKeys: stateKeys(job),
      fillSeconds: Number(fillSeconds.toFixed(1)),
      checkpointMs: stats.durationMs,
      checkpointBytes: stats.bytes,
      maxPauseMs: Math.round(pause),
      normalMaxGapMs: Math.round(gap),
    };
  } finally {
    await job.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a child that prints JSON lines; resolves lines through `on(event, child)` until it exits. */
function child(args, on) {
  const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  p.stdout.on('data', (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith('{')) on(JSON.parse(line), p);
    }
  });
  return new Promise((res) => p.once('exit', res));
}

/** Kill → first output after restart, with a real SIGKILL of the process that ran the job. */
async function recovery(keys) {
  const dir = await mkdtemp(join(tmpdir(), 'riffle-bench-rec-'));
  try {
    let killedAt;
    let checkpoint;
    await child([dir, String(keys), 'fresh'], (e, p) => {
      if (e.event !== 'checkpointed') return;
      checkpoint = e;
      killedAt = Date.now();
      p.kill('SIGKILL');
    });
    if (killedAt === undefined) throw new Error('the first child ended without a checkpoint');
    let first;
    await child([dir, String(keys), 'restore'], (e, p) => {
      if (e.event !== 'first-output') return;
      first = e;
      p.kill('SIGKILL');
    });
    if (first === undefined) throw new Error('the restored child produced no output');
    return { keys, backend: 'heap', checkpointBytes: checkpoint.bytes, recoveryMs: first.at - killedAt, restoreStartMs: first.startedAt - killedAt, restoredFrom: first.restoredFrom };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The child of {@link recovery}: `fresh` fills and checkpoints; `restore` restores `latest`. */
async function childMain([dir, keysArg, mode]) {
  const keys = Number(keysArg);
  const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');
  const job = await Engine.start(spec(keys, 'heap'), { checkpointDir: dir, jobId: 'bench', execution: 'in-process', ...(mode === 'restore' ? { restoreFrom: 'latest' } : {}) });
  if (mode === 'restore') {
    const startedAt = Date.now();
    let seen = false;
    const report = () => {
      if (seen) return;
      seen = true;
      say({ event: 'first-output', at: Date.now(), startedAt, restoredFrom: job.restored?.snapshotId });
    };
    watchSink(job, report);
    if ((job.metrics().operators.find((o) => o.nodeId === 'sink')?.recordsIn ?? 0) > 0) report();
    return;
  }
  await fill(job, keys);
  const done = await job.triggerCheckpoint();
  say({ event: 'checkpointed', id: done.id, bytes: job.checkpoints().find((c) => c.id === done.id).bytes });
}

/** The checkpoint bench: prints a table and writes bench/results/checkpoint.json. */
export async function run() {
  const rows = [];
  console.log(`checkpoint cost (node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores; p=1 in-process, unthrottled source)`);
  console.log('keys        backend  state keys  checkpoint ms  checkpoint MB  max pause ms  normal max gap ms');
  // Each row as soon as it is measured: the 5M-key disk case takes long.
  for (const keys of KEYS) for (const backend of BACKENDS) {
    const r = await measure(keys, backend);
    rows.push(r);
    console.log(
      `${r.keys.toLocaleString('en-US').padEnd(11)} ${r.backend.padEnd(7)} ${r.stateKeys.toLocaleString('en-US').padStart(11)} ${String(r.checkpointMs).padStart(14)} ${(r.checkpointBytes / 1e6).toFixed(1).padStart(14)} ${String(r.maxPauseMs).padStart(13)} ${String(r.normalMaxGapMs).padStart(18)}`,
    );
  }
  const rec = process.env.BENCH_CHECKPOINT_RECOVERY === '0' ? undefined : await recovery(RECOVERY_KEYS);
  if (rec) console.log(`recovery, ${rec.keys.toLocaleString('en-US')} keys (heap, ${(rec.checkpointBytes / 1e6).toFixed(1)} MB checkpoint): kill -9 → first output after restart ${rec.recoveryMs} ms (engine started ${rec.restoreStartMs} ms after the kill, from ${rec.restoredFrom})`);
  await mkdir(dirname(resultsFile), { recursive: true });
  await writeFile(resultsFile, JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: availableParallelism(), results: rows, recovery: rec }, null, 2) + '\n');
  console.log(`written to ${resultsFile}`);
}

if (process.argv[2] === '--child') await childMain(process.argv.slice(3));
else if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
