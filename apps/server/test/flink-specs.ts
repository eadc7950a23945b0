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

/** The fields of the second test input of the join cases: a payment by a user, at a time. */
export const PAYMENT_FIELDS = [
  { name: 'user', type: 'string' },
  { name: 'amount', type: 'double' },
  { name: 'ts', type: 'int' },
] as const;

/**
 * Two NDJSON sources (`orders`: ORDER_FIELDS from `left`, `payments`: PAYMENT_FIELDS from
 * `right`, both with event time from ts and a 5 s bound), each keyed by user, into `join` (ports
 * left and right), then `after`, then `out` (sink.file into `output` unless `sink` says otherwise).
 */
export function joinPipeline(name: string, join: Step, opts: { left?: string; right?: string; after?: Step[]; output?: string; sink?: Step; config?: JobSpecInput['config'] } = {}): JobSpec {
  const source = (id: string, path: string, fields: readonly unknown[]): Step => ({ id, kind: 'source.file', params: { path, fields, timestamp: 'ts', watermark: { maxOutOfOrderness: '5s' } } });
  const sink: Step = opts.sink ?? { id: 'out', kind: 'sink.file', params: { path: opts.output ?? '/data/out' } };
  const line = [join, ...(opts.after ?? []), sink];
  const steps: Step[] = [
    source('orders', opts.left ?? '/data/orders.ndjson', ORDER_FIELDS),
    source('payments', opts.right ?? '/data/payments.ndjson', PAYMENT_FIELDS),
    { id: 'ordersByUser', kind: 'keyBy', params: { key: 'user' } },
    { id: 'paymentsByUser', kind: 'keyBy', params: { key: 'user' } },
    ...line,
  ];
  const nodes = steps.map((s) => ({ id: s.id, kind: s.kind, params: s.params ?? {} }));
  const edges = [
    { from: 'orders', to: 'ordersByUser' },
    { from: 'payments', to: 'paymentsByUser' },
    { from: 'ordersByUser', to: join.id, toPort: 'left' },
    { from: 'paymentsByUser', to: join.id, toPort: 'right' },
    ...line.slice(1).map((s, i) => ({ from: line[i]!.id, to: s.id })),
  ];
  return { specVersion: 1, name, config: opts.config ?? { parallelism: 1 }, nodes, edges } as JobSpec;
}
