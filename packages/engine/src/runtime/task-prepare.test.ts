import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { harness } from '../../test/harness.js';
import { loadJobModules } from '../job-modules.js';
import { ReduceOperator } from '../operators/reduce.js';
import type { DiskKeyedStateBackend } from '../state/disk-backend.js';
import type { Batch } from './batch.js';
import { OperatorInput } from './chain-collectors.js';
import { Task } from './task.js';

// A run loads the disk backend before building operators; these tests build one themselves.
beforeAll(() => loadJobModules([], 'disk'));

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => c()));
});

/** A task headed by a keyed `reduce` (count per key) on the given backend; 8 keys cached on disk. */
function reduceTask(backend: 'heap' | 'disk') {
  const dir = mkdtempSync(join(tmpdir(), 'riffle-prepare-'));
  const h = harness(
    (ctx) =>
      new ReduceOperator(
        { aggregate: [{ fn: 'count', as: 'n' }] },
        backend === 'disk' ? { ...ctx, stateBackend: { kind: 'disk', dir, cacheKeys: 8 } } : ctx,
      ),
    { keyed: true },
  );
  closing.push(async () => {
    await h.op.close();
  });
  const task = new Task('op', 0, [{ nodeId: 'op', operator: h.op }], 1);
  task.head = new OperatorInput('op', h.op, h.counters);
  return { task, h, backend: (h.op as unknown as { backend: DiskKeyedStateBackend }).backend };
}

function batchOf(keys: string[]): Batch {
  return { values: keys.map((k) => ({ k })), timestamps: keys.map(() => 0), keys, marks: [], end: false };
}

describe('Task.prepareBatch', () => {
  it('on the disk backend, loads the state of a batch’s keys so that processing it reads nothing synchronously', async () => {
    const { task, h, backend } = reduceTask('disk');
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    task.processBatch(0, batchOf(keys)); // 40 keys through an 8-key cache: most go to LevelDB
    await backend.settled();
    const batch = batchOf(keys.slice(0, 8));
    const loading = task.prepareBatch(batch);
    expect(loading).toBeInstanceOf(Promise);
    await loading;
    const reads = vi.spyOn((backend as unknown as { store: { read(k: string): unknown } }).store, 'read');
    task.processBatch(0, batch);
    expect(reads).not.toHaveBeenCalled();
    expect(h.values().slice(-8)).toEqual(keys.slice(0, 8).map((k) => ({ key: k, n: 2 })));
  });

  it('has nothing to wait for on the heap backend or when every key is cached', async () => {
    expect(reduceTask('heap').task.prepareBatch(batchOf(['a', 'b']))).toBeUndefined();
    const { task } = reduceTask('disk');
    task.processBatch(0, batchOf(['a', 'b']));
    expect(task.prepareBatch(batchOf(['a', 'b', 'new-key']))).toBeUndefined();
  });
});
