// T17 of TEST-PLAN.md, exactly-once part: poison records spread through the input of an
// exactly-once job with a `dlqTopic`; the job (a child process) is killed with SIGKILL after some
// checkpoints, mid-transaction, and restored. The records read again after the restore are
// dead-lettered again, but a read_committed consumer of the DLQ topic must hold each poison
// record exactly once (the dead letters go through transactions committed with the checkpoints),
// while read_uncommitted shows the aborted repeats (proof that a crash hit a DLQ transaction).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { tempDir } from '../../../test/helpers.js';
import { KafkaKit, latestCheckpoint, runChild, uniq, waitFor, type ReadMessage } from '../../../test/kafka-kit.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);

beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

const N = 3000;
/** Every 10th record is poison: dead letters in every checkpoint's transaction. */
const isPoison = (i: number) => i % 10 === 3;

function spec(input: string, output: string, dlq: string) {
  return {
    specVersion: 1,
    name: 'dlq-exactly-once',
    config: { parallelism: 2, checkpoints: { intervalMs: 200, mode: 'exactly-once', retain: 3 } },
    nodes: [
      {
        id: 'in',
        kind: 'source.kafka',
        // Unbounded and rate-limited: the input spans many checkpoints, and the kill lands mid-input.
        params: { brokers, topic: input, ratePerSec: 600, dlqTopic: dlq, fields: [{ name: 'id', type: 'int' }] },
      },
      { id: 'out', kind: 'sink.kafka', params: { brokers, topic: output, key: 'string(id)', delivery: 'exactly-once' } },
    ],
    edges: [{ from: 'in', to: 'out' }],
  };
}

/** The input offset each dead letter names (`partition@offset`), which identifies its record. */
const origins = (ms: ReadMessage[]) => ms.map((m) => `${m.headers['__riffle.errors.partition']!.toString()}@${m.headers['__riffle.errors.offset']!.toString()}`);

describe('dead letters of an exactly-once job (T17)', () => {
  it('after kill -9 and restore, read_committed sees each poison record in the DLQ topic exactly once', async () => {
    const input = await kit.createTopic(2);
    const output = await kit.createTopic(2);
    const dlq = await kit.createTopic(1);
    // Poison: not JSON, or an id of the wrong type; both spread over both partitions.
    const messages = Array.from({ length: N }, (_, i) => ({
      partition: i % 2,
      key: `k${i}`,
      value: !isPoison(i) ? JSON.stringify({ id: i }) : i % 20 === 3 ? `not json ${i}` : JSON.stringify({ id: `bad-${i}` }),
    }));
    await kit.produce(input, messages);
    const poison = messages.filter((_, i) => isPoison(i)).map((m) => m.value).sort();
    const good = Array.from({ length: N }, (_, i) => i).filter((i) => !isPoison(i));

    const dir = await tempDir();
    const jobId = uniq('t17');
    // Run 1 dies for certain between the pre-commit flush of checkpoint 4 and its _metadata: its
    // dead-letter transaction is in the log, sealed, and must never become visible. Run 2 is
    // killed with SIGKILL a little after some checkpoint completed (mid-transaction, T1-style).
    const first = runChild({ spec: spec(input, output, dlq), dir, jobId, execution: 'threads', fault: 'chk.meta.beforeRename:4' });
    expect((await first.exited).signal, first.lines.join('\n')).toBe('SIGABRT');
    const killed = runChild({ spec: spec(input, output, dlq), dir, jobId, execution: 'threads', restoreFrom: (await latestCheckpoint(dir, jobId))! });
    await waitFor(`2 completed checkpoints (${killed.lines.join(' | ')})`, () => killed.completed() >= 2 || killed.result() !== undefined, 90_000);
    killed.kill();
    expect((await killed.exited).signal, killed.lines.join('\n')).toBe('SIGKILL');
    const restoreFrom = await latestCheckpoint(dir, jobId);
    expect(restoreFrom).toBeDefined();
    const beforeRestore = (await kit.readAll(dlq)).length;
    expect(beforeRestore, 'the first runs got some poison records through').toBeGreaterThan(0);

    const second = runChild({ spec: spec(input, output, dlq), dir, jobId, execution: 'threads', restoreFrom: restoreFrom! });
    let dead: ReadMessage[] = [];
    await waitFor(
      'every poison record in the DLQ topic and every good one in the output',
      async () => {
        dead = await kit.readAll(dlq, { expect: poison.length, timeoutMs: 90_000 });
        return new Set(origins(dead)).size >= poison.length && (await kit.readAll(output, { expect: good.length, timeoutMs: 90_000 })).length >= good.length;
      },
      180_000,
    );
    second.kill();
    await second.exited;
    expect(second.result(), 'the restored run was still running').toBeUndefined();

    dead = await kit.readAll(dlq, { expect: poison.length });
    const seen = new Set<string>();
    const twice = origins(dead).filter((o) => seen.has(o) || !seen.add(o));
    expect(twice, 'dead letters committed twice').toEqual([]);
    expect(dead.map((m) => m.value!.toString()).sort()).toEqual(poison);
    // The restored run read the records after the checkpoint again and dead-lettered them again:
    // those repeats are in the log, in aborted transactions.
    const inLog = await kit.readAll(dlq, { readUncommitted: true, expect: dead.length + 1 });
    expect(inLog.length).toBeGreaterThan(dead.length);

    const out = (await kit.readAll(output, { expect: good.length })).map((m) => (JSON.parse(m.value!.toString()) as { id: number }).id);
    expect(out.sort((a, b) => a - b)).toEqual(good);
  }, 300_000);
});
