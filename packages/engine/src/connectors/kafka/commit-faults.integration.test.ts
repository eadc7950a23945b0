// T5 of TEST-PLAN.md: the process dies right before or right after a sink's EndTxn(commit), with
// the checkpoint's _metadata already durable. The restarted job must commit the pending
// transaction from the stored transactionalId, producerId and epoch: that checkpoint's output
// appears once, neither lost nor doubled. Real child processes, real broker, RIFFLE_FAULT.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { tempDir } from '../../../test/helpers.js';
import { KafkaKit, latestCheckpoint, runChild, uniq, waitFor } from '../../../test/kafka-kit.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);

beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

const N = 4000;

function spec(input: string, output: string): { specVersion: number; name: string; config: object; nodes: Array<{ id: string; kind: string; params: Record<string, unknown> }>; edges: object[] } {
  return {
    specVersion: 1,
    name: 'commit-faults',
    config: { parallelism: 1, checkpoints: { intervalMs: 200, mode: 'exactly-once', retain: 3 } },
    nodes: [
      // Unbounded (a bounded job commits its last transactions at the end of input, outside any
      // checkpoint), with a rate so that the input spans many checkpoints.
      { id: 'in', kind: 'source.kafka', params: { brokers, topic: input, ratePerSec: 1000 } },
      { id: 'out', kind: 'sink.kafka', params: { brokers, topic: output, key: 'string(id)', delivery: 'exactly-once' } },
    ],
    edges: [{ from: 'in', to: 'out' }],
  };
}

const ids = (ms: Array<{ value: Buffer | null }>) => ms.map((m) => (JSON.parse(m.value!.toString()) as { id: number }).id);

describe.each(['sink.kafka.beforeCommit', 'sink.kafka.afterCommit'])('fault at %s', (point) => {
  it('after the restart the checkpoint output appears exactly once', async () => {
    const input = await kit.createTopic(2);
    const output = await kit.createTopic(2);
    await kit.produce(input, Array.from({ length: N }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ id: i }) })));
    const dir = await tempDir();
    const jobId = uniq('t5');

    const first = runChild({ spec: spec(input, output), dir, jobId, fault: `${point}:2` });
    const stuck = setTimeout(() => first.kill(), 60_000);
    const { signal } = await first.exited;
    clearTimeout(stuck);
    expect(signal, first.lines.join('\n')).toBe('SIGABRT');
    expect(first.result()).toBeUndefined();
    const restoreFrom = await latestCheckpoint(dir, jobId);
    expect(restoreFrom).toBeDefined();

    const uncommitted = await kit.readAll(output, { readUncommitted: true });
    const committed = await kit.readAll(output);
    if (point === 'sink.kafka.beforeCommit') {
      // The second transaction's records are in the log, but no EndTxn was sent: read_committed
      // stops before them.
      expect(uncommitted.length).toBeGreaterThan(committed.length);
    }
    expect(new Set(ids(committed)).size).toBe(committed.length);

    // The restarted job runs until every record is committed, then is killed (nothing is left to write).
    const second = runChild({ spec: spec(input, output), dir, jobId, restoreFrom: restoreFrom! });
    await kit.readAll(output, { expect: N, timeoutMs: 90_000 });
    second.kill();
    await second.exited;
    expect(second.result()).toBeUndefined();

    const all = ids(await kit.readAll(output, { expect: N })).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: N }, (_, i) => i));
  }, 120_000);
});

describe('restart before any checkpoint completed', () => {
  it('aborts the lingering transaction of the killed run, so read_committed consumers are not blocked', async () => {
    const input = await kit.createTopic(1);
    const output = await kit.createTopic(1);
    await kit.produce(input, Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ id: i }) })));
    const dir = await tempDir();
    const jobId = uniq('linger');
    // A checkpoint interval far beyond the test: the first run's records stay in its open transaction.
    const s = { ...spec(input, output), config: { parallelism: 1, checkpoints: { intervalMs: 600_000 } } };
    s.nodes[0]!.params = { ...s.nodes[0]!.params, bounded: false, ratePerSec: 5000 };
    const first = runChild({ spec: s, dir, jobId });
    await waitFor('records in the open transaction', async () => (await kit.readAll(output, { readUncommitted: true })).length >= 500);
    first.kill();
    await first.exited;
    expect(await latestCheckpoint(dir, jobId)).toBeUndefined();

    // The same job started afresh (no checkpoint to restore) and bounded: it must fence and abort
    // the old transaction, then its own output becomes visible when it finishes.
    s.nodes[0]!.params = { ...s.nodes[0]!.params, bounded: true };
    const second = runChild({ spec: s, dir, jobId });
    await second.exited;
    expect(second.result()).toEqual({ status: 'finished', error: null });
    const all = ids(await kit.readAll(output, { expect: 500 })).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 500 }, (_, i) => i));
    // The aborted records are still in the log for read_uncommitted: 500 from each run.
    expect((await kit.readAll(output, { readUncommitted: true, expect: 1000 })).length).toBe(1000);
  }, 120_000);
});
