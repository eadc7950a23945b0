import { z } from 'zod';
import { FIELD_TYPES, type RecordSchema } from '../fields.js';
import { checkSourceTime, DeclaredFieldName, SourceTimeParams } from './helpers.js';
import type { OperatorDef, ParamIssue } from './types.js';

/** Fields of the `clickstream` generator profile. */
export const CLICKSTREAM_SCHEMA: RecordSchema = {
  open: false,
  fields: [
    { name: 'user_id', type: 'int' },
    { name: 'product_id', type: 'int' },
    { name: 'event_type', type: 'string' },
    { name: 'price', type: 'double' },
    { name: 'ts', type: 'int' },
  ],
};

/**
 * Fields of the `sequence` generator profile: record i is `{key: i mod keys, seq: ⌊i / keys⌋, ts}`,
 * so each key counts 0, 1, 2, … (Flink's per-key sequence generator for semantics checks).
 */
export const SEQUENCE_SCHEMA: RecordSchema = {
  open: false,
  fields: [
    { name: 'key', type: 'int' },
    { name: 'seq', type: 'int' },
    { name: 'ts', type: 'int' },
  ],
};

const DatagenParams = z.strictObject({
  /** `clickstream`: users, products and prices; `sequence`: a per-key sequence number (see {@link SEQUENCE_SCHEMA}). */
  profile: z.enum(['clickstream', 'sequence']).default('clickstream').describe('clickstream: user/product events; sequence: {key, seq, ts} with seq counting 0, 1, 2, … per key'),
  /** `sequence` only: how many keys the records cycle through. */
  keys: z.int().min(1).max(100_000_000).optional().describe('sequence profile: number of keys (default 1000); with parallelism p, a multiple of p keeps each key on one source subtask, in order'),
  seed: z.int().default(42),
  ratePerSec: z.number().positive().max(100_000_000).default(1000),
  count: z.int().min(0).optional(),
  /**
   * Event time of the first record (epoch ms). Without it the server and the CLI use the moment the
   * job was created (see {@link withEventTimeOrigin}), so live watermarks read close to the wall
   * clock; set it for output that is the same on every run.
   */
  startTime: z.int().min(0).optional(),
  ...SourceTimeParams,
  timestamp: SourceTimeParams.timestamp.default('ts'),
});
export type DatagenParams = z.infer<typeof DatagenParams>;

export const datagenSource: OperatorDef<DatagenParams> = {
  kind: 'source.datagen',
  label: 'Generator',
  category: 'source',
  description: 'Deterministic generated records (a clickstream, or per-key sequence numbers), rate limited; bounded when count is set.',
  params: DatagenParams,
  inputs: [],
  outputs: [{ name: 'out' }],
  defaults: { profile: 'clickstream', seed: 42, ratePerSec: 1000, timestamp: 'ts', watermark: { maxOutOfOrderness: '5s' } },
  infer(params) {
    const issues: ParamIssue[] = [];
    const output = params.profile === 'sequence' ? SEQUENCE_SCHEMA : CLICKSTREAM_SCHEMA;
    if (params.keys !== undefined && params.profile !== 'sequence') issues.push({ path: ['keys'], code: 'bad_params', message: 'keys applies to the sequence profile only' });
    checkSourceTime(issues, params.timestamp, output);
    return { output, issues };
  },
  summary: (p) => `${p.profile} · ${p.ratePerSec}/s${p.count === undefined ? '' : ` · ${p.count} records`}`,
};

const FileSourceParams = z.strictObject({
  /** An NDJSON file, or a folder whose files are read in name order. */
  path: z.string().min(1),
  ratePerSec: z.number().positive().optional(),
  /** Declared record fields; without them the schema is open and fields are typed `dyn`. */
  fields: z.array(z.strictObject({ name: DeclaredFieldName, type: z.enum(FIELD_TYPES) })).optional(),
  ...SourceTimeParams,
});
export type FileSourceParams = z.infer<typeof FileSourceParams>;

export const fileSource: OperatorDef<FileSourceParams> = {
  kind: 'source.file',
  label: 'File (NDJSON)',
  category: 'source',
  description: 'Reads newline-delimited JSON from a file or a folder of files; bounded.',
  params: FileSourceParams,
  inputs: [],
  outputs: [{ name: 'out' }],
  defaults: { path: 'input.ndjson' },
  infer(params) {
    const issues: ParamIssue[] = [];
    const output: RecordSchema = params.fields
      ? { open: false, fields: params.fields.map((f) => ({ name: f.name, type: f.type })) }
      : { open: true, fields: [] };
    checkSourceTime(issues, params.timestamp, output);
    return { output, issues };
  },
  summary: (p) => p.path,
};

/**
 * The spec with every datagen source that has no `startTime` starting at `origin` (epoch ms).
 * Whoever runs a job calls it once per job, with a time that stays the same across its restarts
 * and restores (the server: when the job was created), so event time continues where the
 * restored position left off.
 * @example
 * const runnable = withEventTimeOrigin(spec, record.createdAt);
 */
export function withEventTimeOrigin<S extends { nodes: Array<{ kind: string; params?: unknown }> }>(spec: S, origin: number): S {
  if (!spec.nodes.some((n) => n.kind === 'source.datagen' && (n.params as { startTime?: unknown } | undefined)?.startTime === undefined)) return spec;
  return {
    ...spec,
    nodes: spec.nodes.map((n) => (n.kind === 'source.datagen' && (n.params as { startTime?: unknown } | undefined)?.startTime === undefined ? { ...n, params: { ...(n.params as object), startTime: origin } } : n)),
  };
}

