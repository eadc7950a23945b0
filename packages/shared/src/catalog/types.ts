import type { z } from 'zod';
import type { RecordSchema } from '../fields.js';

export type OperatorCategory = 'source' | 'transform' | 'keys' | 'window' | 'join' | 'sink';

export interface PortDef {
  name: string;
  label?: string;
}

/** A problem found while checking a node's params against its input schema. */
export interface ParamIssue {
  /** Path below `params`, e.g. `['fields', 0, 'expr']`. */
  path: Array<string | number>;
  message: string;
  code: 'bad_expression' | 'unknown_field' | 'bad_params';
}

export interface SchemaContext {
  /** Schema of each input port, in port order (single-input operators: one entry). */
  inputs: RecordSchema[];
  /** Whether the main input is keyed (a keyBy upstream). */
  keyed: boolean;
  /** Whether each input port is fed only by keyed streams (two-input operators check both). */
  keyedPorts?: boolean[];
  /** Type of the key when keyed. */
  keyType?: RecordSchema['fields'][number]['type'];
  time: 'event' | 'processing';
  /** The job's checkpoint timing, when it takes periodic checkpoints (transactional sinks check theirs against it). */
  checkpoints?: { intervalMs: number; timeoutMs: number };
}

export interface SchemaResult {
  output: RecordSchema;
  issues: ParamIssue[];
  /** Set by keyBy: the stream after this node is keyed. */
  keyed?: boolean;
  keyType?: RecordSchema['fields'][number]['type'];
  /** Schemas of the side-output ports whose records differ from `output` (e.g. a window's `late`). */
  ports?: Record<string, RecordSchema>;
}

/**
 * One entry of the operator catalog: everything the builder, the validator and the engine need
 * to know about an operator kind, except how it runs.
 */
export interface OperatorDef<P = Record<string, unknown>> {
  kind: string;
  label: string;
  category: OperatorCategory;
  description: string;
  /** zod schema of `params`; defaults are filled in by validation. */
  params: z.ZodType<P>;
  inputs: PortDef[];
  outputs: PortDef[];
  /** Params shown pre-filled when the node is added from the palette. */
  defaults: Record<string, unknown>;
  /** Schema propagation and expression checking. */
  infer(params: P, ctx: SchemaContext): SchemaResult;
  /** One-line summary for the canvas (e.g. "tumbling 1m · count"). */
  summary(params: P): string;
}
