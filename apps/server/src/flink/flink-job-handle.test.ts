import { createServer } from 'node:net';
import type { JobSpec } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { FlinkJobHandle, type FlinkJobHandleOptions } from './flink-job-handle.js';
import { FlinkRest, FlinkRestError } from './flink-rest.js';
import type { FlinkSqlPlan } from './plan-types.js';

/** A loopback port nothing listens on: Flink unreachable, for real. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as { port: number };
  await new Promise((ok) => srv.close(ok));
  return port;
}

/** A handle for a job with no nodes, read from `rest`. */
function emptyJobOn(rest: FlinkRest, more: Partial<FlinkJobHandleOptions>): FlinkJobHandle {
  return new FlinkJobHandle({
    id: 'j1',
    spec: { specVersion: 1, name: 'x', nodes: [], edges: [] } as unknown as JobSpec,
    flinkJobId: 'a'.repeat(32),
    plan: {} as FlinkSqlPlan,
    rest,
    ...more,
  });
}

describe('FlinkJobHandle.stop with Flink unreachable', () => {
  it('fails, and leaves the run neither stopping nor marked over (a later start must not submit a second run)', async () => {
    const runOver: boolean[] = [];
    const h = emptyJobOn(new FlinkRest(`http://127.0.0.1:${await closedPort()}`), { onRunOver: async (over) => void runOver.push(over) });
    h.status = 'running';
    const err = await h.stop().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkRestError);
    expect((err as FlinkRestError).code).toBe('flink_unreachable');
    expect(runOver).toEqual([true, false]);
    expect(h.status).toBe('running');
    h.detach();
  });
});

describe('FlinkJobHandle polling an unreachable Flink', () => {
  it('writes "could not read the Flink job" once, not once per poll', async () => {
    const rest = new FlinkRest(`http://127.0.0.1:${await closedPort()}`);
    let reads = 0;
    const get = rest.get.bind(rest);
    rest.get = ((path: string) => (reads++, get(path))) as typeof rest.get;
    const warned: string[] = [];
    const h = emptyJobOn(rest, { pollMs: 10, warn: (msg) => void warned.push(msg) });
    await h.start();
    while (reads < 6) await new Promise((r) => setTimeout(r, 10));
    h.detach();
    expect(warned).toEqual(['could not read the Flink job']);
  });
});
