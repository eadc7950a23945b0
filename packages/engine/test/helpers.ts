import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobSpecInput, NodeSpec } from '@riffle/shared';
import { clickEvent, Engine, type EngineOptions, type JobHandle, type JobResult } from '../src/index.js';

export function tempDir(prefix = 'riffle-engine-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

type NodeInput = Pick<NodeSpec, 'id' | 'kind'> & { params?: Record<string, unknown>; parallelism?: number };

/** A spec whose nodes are connected in the order given (a straight pipeline). */
export function pipeline(nodes: NodeInput[], config: JobSpecInput['config'] = {}): JobSpecInput {
  return {
    specVersion: 1,
    name: 'test',
    config,
    nodes: nodes.map((n) => ({ params: {}, ...n })),
    edges: nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id })),
  };
}

/** Starts a job and waits for it to end. */
export async function runToEnd(spec: unknown, options?: EngineOptions): Promise<{ job: JobHandle; result: JobResult }> {
  const job = await Engine.start(spec, options);
  const result = await job.done;
  return { job, result };
}

/** Finished part files of a file sink folder, in name order. */
export async function partFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /^part-\d+-\d+\.ndjson$/.test(f)).sort();
}

/** All records of the finished part files of a folder, in file order. */
export async function readParts(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const f of await partFiles(dir)) lines.push(...(await readFile(join(dir, f), 'utf8')).split('\n').filter((l) => l !== ''));
  return lines;
}

export function metricsOf(job: JobHandle, nodeId: string) {
  const m = job.metrics().operators.find((o) => o.nodeId === nodeId);
  if (!m) throw new Error(`no metrics for ${nodeId}`);
  return m;
}

export async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Per-key record counts of a deterministic clickstream generator: the offline reference. */
export function offlineCounts(seed: number, count: number, ratePerSec: number, key: 'user_id' | 'product_id'): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const k = clickEvent(seed, i, ratePerSec, 0)[key];
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/**
 * Polls `probe` (which may be async) every 50 ms until it returns a value (not undefined or false)
 * and returns it; after `timeoutMs` fails naming `what`, with `detail()` appended when given.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
  detail?: () => string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${detail?.() ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until `value` has not changed for `quietMs` (a stalled counter), and returns it. */
export async function settled(what: string, value: () => number, quietMs = 1500, timeoutMs = 60_000): Promise<number> {
  let last = value();
  let since = Date.now();
  await waitFor(what, () => {
    const v = value();
    if (v !== last) {
      last = v;
      since = Date.now();
    }
    return Date.now() - since >= quietMs;
  }, timeoutMs);
  return last;
}
