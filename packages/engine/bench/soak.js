// Soak test (`npm run soak` from the repo root; not part of `npm test`): a keyed windowed count
// with checkpoints every 5 s, first unthrottled for SOAK_PROBE_MS to measure the maximum
// throughput, then for SOAK_MS (default 10 minutes) at 80 % of it. It prints the process RSS after
// the warm-up and at the end, and every checkpoint failure; it exits 1 if RSS grew by 10 % or
// more, or if any checkpoint failed. RSS figures are medians over 30 s of 1 s samples, so one GC
// cycle does not decide the verdict. The job runs in this process (parallelism 1, in-process).
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../dist/index.js';

const SOAK_MS = Number(process.env.SOAK_MS ?? 600_000);
const PROBE_MS = Number(process.env.SOAK_PROBE_MS ?? 20_000);
const WARMUP_MS = Number(process.env.SOAK_WARMUP_MS ?? 60_000);
const LOAD_SHARE = 0.8;
const MAX_RSS_GROWTH = 0.1;
const MEDIAN_WINDOW = 30;

/** clickstream → per product → 1 s tumbling count → transactional file sink (small output). */
function spec(ratePerSec) {
  return {
    specVersion: 1,
    name: 'soak',
    config: { time: 'processing', checkpoints: { intervalMs: 5_000, mode: 'exactly-once', retain: 3 } },
    nodes: [
      { id: 'gen', kind: 'source.datagen', params: { ratePerSec } },
      { id: 'byProduct', kind: 'keyBy', params: { key: 'product_id' } },
      { id: 'perSecond', kind: 'window.tumbling', params: { size: '1s', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'avg', field: 'price', as: 'avgPrice' }] } },
      { id: 'out', kind: 'sink.file', params: { path: 'out' } },
    ],
    edges: [
      { from: 'gen', to: 'byProduct' },
      { from: 'byProduct', to: 'perSecond' },
      { from: 'perSecond', to: 'out' },
    ],
  };
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const sourceOut = (job) => job.metrics().operators.find((o) => o.nodeId === 'gen').recordsOut;

/** The datagen's maximum rate: effectively unthrottled. */
const UNTHROTTLED = 100_000_000;

/** Runs the job for `ms`; calls `tick(elapsedMs)` every second. Checkpoints failed by the final stop are not counted. */
async function run(ratePerSec, ms, tick) {
  const dir = await mkdtemp(join(tmpdir(), 'riffle-soak-'));
  const job = await Engine.start(spec(ratePerSec), { baseDir: dir, checkpointDir: join(dir, 'job'), jobId: 'soak', execution: 'in-process' });
  const failures = [];
  let completed = 0;
  const unsubscribe = job.onCheckpoint((c) => {
    if (c.status === 'failed') {
      failures.push(c);
      console.log(`  checkpoint ${c.id} FAILED: ${c.error ?? 'no reason given'}`);
    } else if (c.status === 'completed') completed++;
  });
  const start = Date.now();
  const startCount = sourceOut(job);
  for (let t = 1000; t <= ms; t += 1000) {
    await sleep(start + t - Date.now());
    if (job.status !== 'running') break;
    tick?.(Date.now() - start, job);
  }
  const records = sourceOut(job) - startCount;
  const elapsed = Date.now() - start;
  const status = job.status;
  unsubscribe();
  await job.stop();
  await rm(dir, { recursive: true, force: true });
  return { records, elapsed, failures, completed, status, error: job.error };
}

console.log(`soak: ${cpus().length} cores, load average ${load()} at the start`);
const probe = await run(UNTHROTTLED, PROBE_MS);
const max = Math.round((probe.records * 1000) / probe.elapsed);
const rate = Math.round(max * LOAD_SHARE);
console.log(`soak: maximum ${max} records/s unthrottled over ${PROBE_MS / 1000} s; soaking at ${rate}/s (80 %) for ${SOAK_MS / 1000} s, checkpoints every 5 s`);

const rss = [];
const soak = await run(rate, SOAK_MS, (elapsed) => {
  rss.push({ elapsed, rss: process.memoryUsage().rss });
  if (rss.length % 60 === 0) console.log(`  ${Math.round(elapsed / 1000)} s: rss ${mb(process.memoryUsage().rss)}, load average ${load()}`);
});
const afterWarmup = median(rss.filter((s) => s.elapsed >= WARMUP_MS).slice(0, MEDIAN_WINDOW).map((s) => s.rss));
const atEnd = median(rss.slice(-MEDIAN_WINDOW).map((s) => s.rss));
const growth = (atEnd - afterWarmup) / afterWarmup;
const achieved = Math.round((soak.records * 1000) / soak.elapsed);
console.log(`soak: ${soak.records} records in ${Math.round(soak.elapsed / 1000)} s (${achieved}/s of ${rate}/s offered), job ${soak.status}`);
console.log(`soak: RSS after warm-up (${WARMUP_MS / 1000} s) ${mb(afterWarmup)}, at the end ${mb(atEnd)}: ${(growth * 100).toFixed(1)} % growth`);
console.log(`soak: checkpoints completed ${soak.completed}, failed ${soak.failures.length}`);
console.log(`soak: load average ${load()} at the end`);
const problems = [];
if (soak.status !== 'running') problems.push(`the job was ${soak.status}: ${soak.error?.message ?? ''}`);
if (growth >= MAX_RSS_GROWTH) problems.push(`RSS grew ${(growth * 100).toFixed(1)} % (limit ${MAX_RSS_GROWTH * 100} %)`);
if (soak.failures.length > 0) problems.push(`${soak.failures.length} checkpoint(s) failed`);
if (problems.length > 0) {
  console.log(`soak: FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('soak: passed');
