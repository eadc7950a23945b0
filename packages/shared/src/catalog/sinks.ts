import { z } from 'zod';
import { single } from './helpers.js';
import type { OperatorDef } from './types.js';

const FileSinkParams = z.strictObject({
  /** Output folder; finished files are `part-*.ndjson`, in-progress files are hidden (`.`-prefixed). */
  path: z.string().min(1),
});
export type FileSinkParams = z.infer<typeof FileSinkParams>;

export const fileSink: OperatorDef<FileSinkParams> = {
  kind: 'sink.file',
  label: 'File (NDJSON)',
  category: 'sink',
  description: 'Writes records as NDJSON part files into a folder; files in progress stay hidden until finished.',
  params: FileSinkParams,
  inputs: [{ name: 'in' }],
  outputs: [],
  defaults: { path: 'output' },
  infer: (_p, ctx) => ({ output: single(ctx.inputs), issues: [] }),
  summary: (p) => p.path,
};

const CollectParams = z.strictObject({
  /** How many of the latest records to keep for the preview. */
  limit: z.int().min(1).max(10_000).default(100),
});
export type CollectParams = z.infer<typeof CollectParams>;

export const collectSink: OperatorDef<CollectParams> = {
  kind: 'sink.collect',
  label: 'Preview',
  category: 'sink',
  description: 'Keeps the latest records so that the builder can show them in a preview table.',
  params: CollectParams,
  inputs: [{ name: 'in' }],
  outputs: [],
  defaults: { limit: 100 },
  infer: (_p, ctx) => ({ output: single(ctx.inputs), issues: [] }),
  summary: (p) => `last ${p.limit}`,
};
