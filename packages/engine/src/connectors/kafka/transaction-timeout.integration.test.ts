// T6 of TEST-PLAN.md: the job is down longer than transactionTimeout while its last completed
// checkpoint's transaction is still uncommitted (RIFFLE_FAULT at sink.kafka.beforeCommit). The
// broker aborts that transaction; the restored job must fail with a clear error, never run on
// with that checkpoint's output silently missing.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../../test/services/provided.js';
import { tempDir } from '../../../test/helpers.js';
import { KafkaKit, latestCheckpoint, runChild, uniq } from '../../../test/kafka-kit.js';

const brokers = inject('kafkaBrokers');
const kit = new KafkaKit(brokers);

beforeAll(() => kit.admin.connect());
afterAll(() => kit.close());

/** The broker looks for timed-out transactions this often (transaction.abort.timed.out.transaction.cleanup.interval.ms). */
const BROKER_ABORT_SCAN_MS = 10_000;
const TIMEOUT_MS = 5000;

describe('down longer than transactionTimeout', () => {
  it('the restored job fails with "output of checkpoint n lost: transaction timed out"', async () => {
    const input = await kit.createTopic(1);
    const output = await kit.createTopic(1);
    await kit.produce(input, Array.from({ length: 3000 }, (_, i) => ({ value: JSON.stringify({ id: i }) })));
    const spec = {
      specVersion: 1,
      name: 'transaction-timeout',
      // transactionTimeout 5 s ≥ interval 200 ms + checkpoint timeout 2 s (the validator insists).
      config: { parallelism: 1, checkpoints: { intervalMs: 200, timeoutMs: 2000 } },
      nodes: [
        { id: 'in', kind: 'source.kafka', params: { brokers, topic: input, ratePerSec: 1000 } },
        { id: 'out', kind: 'sink.kafka', params: { brokers, topic: output, delivery: 'exactly-once', transactionTimeout: `${TIMEOUT_MS / 1000}s` } },
      ],
      edges: [{ from: 'in', to: 'out' }],
    };
    const dir = await tempDir();
    const jobId = uniq('t6');
    const first = runChild({ spec, dir, jobId, fault: 'sink.kafka.beforeCommit:2' });
    const stuck = setTimeout(() => first.kill(), 60_000);
    expect((await first.exited).signal, first.lines.join('\n')).toBe('SIGABRT');
    clearTimeout(stuck);
    const restoreFrom = await latestCheckpoint(dir, jobId);
    expect(restoreFrom).toBeDefined();

    // Down for longer than the timeout plus one scan of the broker's abort task.
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + BROKER_ABORT_SCAN_MS + 5000));

    const second = runChild({ spec, dir, jobId, restoreFrom: restoreFrom! });
    const stuck2 = setTimeout(() => second.kill(), 60_000);
    await second.exited;
    clearTimeout(stuck2);
    const result = second.result();
    expect(result?.status, second.lines.join('\n')).toBe('failed');
    expect(result?.error?.code).toBe('kafka_output_lost');
    expect(result?.error?.message).toMatch(/output of checkpoint \d+ lost: transaction timed out/);
  }, 120_000);
});
