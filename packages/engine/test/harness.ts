import { OPEN_SCHEMA, type RecordSchema } from '@riffle/shared';
import type { Collector, Row } from '../src/collector.js';
import type { Operator, OperatorContext } from '../src/operator.js';
import { newCounters } from '../src/runtime/metrics.js';

export interface Emitted {
  value: Row;
  timestamp: number;
  key: unknown;
}

/** Runs one operator instance outside a job: records what it emits and dead-letters. */
export function harness<T extends Operator>(
  make: (ctx: OperatorContext) => T,
  opts: { schema?: RecordSchema; keyed?: boolean; time?: 'event' | 'processing'; sideOutputs?: Record<string, Collector>; subtaskIndex?: number; parallelism?: number } = {},
) {
  const records: Emitted[] = [];
  const watermarks: number[] = [];
  const deadLetters: Array<{ record: unknown; error: string }> = [];
  const counters = newCounters();
  const ctx: OperatorContext = {
    nodeId: 'op',
    kind: 'test',
    subtaskIndex: opts.subtaskIndex ?? 0,
    parallelism: opts.parallelism ?? 1,
    maxParallelism: 128,
    inputSchema: opts.schema ?? OPEN_SCHEMA,
    keyed: opts.keyed ?? false,
    time: opts.time ?? 'event',
    baseDir: process.cwd(),
    logger: { info() {}, warn() {}, error() {} },
    counters,
    deadLetter: (record, error) => {
      counters.deadLettered++;
      deadLetters.push({ record, error: error instanceof Error ? error.message : String(error) });
    },
    sideOutput: (port) => opts.sideOutputs?.[port],
  };
  const out: Collector = {
    collect: (value, timestamp, key) => void records.push({ value, timestamp, key }),
    emitWatermark: (wm) => void watermarks.push(wm),
  };
  const op = make(ctx);
  op.setup(ctx, out);
  return { op, records, watermarks, deadLetters, counters, values: () => records.map((r) => r.value) };
}
