// Job specs shared by the Flink compiler's unit tests (src/flink/compiler/*.test.ts) and the
// equality suite (flink-equality.test.ts): a line of nodes from one NDJSON source to one sink.
import type { JobSpec, JobSpecInput } from '@riffle/shared';

/** The fields of the test input: who, which item, how many, at what price, when (epoch ms). */
export const ORDER_FIELDS = [
  { name: 'user', type: 'string' },
  { name: 'item', type: 'int' },
  { name: 'qty', type: 'int' },
  { name: 'price', type: 'double' },
  { name: 'ts', type: 'int' },
] as const;

export interface Step {
  id: string;
  kind: string;
  params?: Record<string, unknown>;
}

/**
 * `src` (source.file over `input`, ORDER_FIELDS, event time from ts, 5 s bound) → steps → `out`
 * (sink.file into `output` unless `sink` says otherwise).
 */
export function linePipeline(name: string, steps: Step[], opts: { input?: string; output?: string; source?: Step; sink?: Step; config?: JobSpecInput['config'] } = {}): JobSpec {
  const source: Step = opts.source ?? {
    id: 'src',
    kind: 'source.file',
    params: { path: opts.input ?? '/data/in.ndjson', fields: ORDER_FIELDS, timestamp: 'ts', watermark: { maxOutOfOrderness: '5s' } },
  };
  const sink: Step = opts.sink ?? { id: 'out', kind: 'sink.file', params: { path: opts.output ?? '/data/out' } };
  const nodes = [source, ...steps, sink].map((s) => ({ id: s.id, kind: s.kind, params: s.params ?? {} }));
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id }));
  return { specVersion: 1, name, config: opts.config ?? { parallelism: 1 }, nodes, edges } as JobSpec;
}
