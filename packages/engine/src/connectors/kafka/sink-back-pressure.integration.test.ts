// Back-pressure from the broker: the broker's JVM is frozen (SIGSTOP) for a few seconds while a fast
// generator writes to sink.kafka. The sends in flight then wait, so the source must come to a stop
// after a bounded number of records instead of queueing sends without end; after SIGCONT it runs
// again, and every record the sink received is in the topic once (idempotent producer).
// Without `backlog()` in sink.kafka the source never stops: the test times out waiting for it.
// The broker is this file's own (freezing the shared one would stall the other suites).
import { describe, expect, it } from 'vitest';
import { metricsOf, settled, waitFor } from '../../../test/helpers.js';
import { ownBroker } from '../../../test/kafka-kit.js';
import { Engine } from '../../engine.js';

const own = ownBroker();

/** Sends a signal to the broker's JVM (SIGSTOP freezes it, SIGCONT thaws it). */
function signalBroker(signal: 'SIGSTOP' | 'SIGCONT'): void {
  if (own.broker.pid === undefined) throw new Error('the test broker has no process');
  process.kill(own.broker.pid, signal);
}

async function messagesIn(topic: string): Promise<number> {
  const offsets = await own.kit.admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}

describe('sink.kafka back-pressure', () => {
  it('a frozen broker stops the source after a bounded number of records; after it thaws nothing is lost', async () => {
    own.keepOnFailure();
    const { broker, kit } = own;
    const topic = await kit.createTopic(2);
    const job = await Engine.start({
      specVersion: 1,
      name: 'kafka-back-pressure',
      nodes: [
        { id: 'gen', kind: 'source.datagen', params: { profile: 'sequence', keys: 100, ratePerSec: 1_000_000 } },
        { id: 'out', kind: 'sink.kafka', params: { brokers: broker.brokers, topic, delivery: 'at-least-once' } },
      ],
      edges: [{ from: 'gen', to: 'out' }],
    });
    let frozen = false;
    try {
      await waitFor('first messages in the topic', async () => (await messagesIn(topic)) > 0);
      signalBroker('SIGSTOP');
      frozen = true;
      const atFreeze = metricsOf(job, 'gen').recordsOut;
      const stalled = await settled('the source to stop while the broker is frozen', () => metricsOf(job, 'gen').recordsOut);
      // The sends in flight (4 of 1000 records), the buffer of the next send, a source poll or two.
      expect(stalled - atFreeze).toBeLessThan(4 * 1000 + 1000 + 2 * 4096);
      expect(job.status).toBe('running');
      signalBroker('SIGCONT');
      frozen = false;
      await waitFor('the source to run again', () => metricsOf(job, 'gen').recordsOut > stalled + 20_000);
    } finally {
      if (frozen) signalBroker('SIGCONT');
      await job.stop();
    }
    expect(job.status).toBe('stopped');
    // Stop flushes the sink: every record it received is in the topic, once.
    expect(await messagesIn(topic)).toBe(metricsOf(job, 'out').recordsIn);
  }, 180_000);
});
