import { z } from 'zod';
import { Duration, PositiveDuration } from '../duration.js';
import { checkExpression, isExpressionIdentifier } from '../expr/cel.js';
import { fieldType, type FieldType, type RecordSchema } from '../fields.js';
import type { ParamIssue } from './types.js';

/** A CEL expression as it appears in params. */
/**
 * The name of a field an operator writes. `__proto__` is refused: assigning it on a plain object
 * changes the object's prototype instead of adding a field (CWE-1321).
 */
export const OutputFieldName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a field name: letters, digits and _, not starting with a digit')
  .refine((n) => n !== '__proto__', 'the field name __proto__ is reserved');

/**
 * The name of a field a source declares (any JSON key but `__proto__`: a decoder that builds the
 * record by assignment, as CSV decoding does, would set the record's prototype instead).
 */
export const DeclaredFieldName = z
  .string()
  .min(1)
  .refine((n) => n !== '__proto__', 'the field name __proto__ is reserved');

export const Expr = z.string().min(1, 'expression is empty').meta({ format: 'cel' });

/**
 * What a node does with a record its expression fails on (missing field, division by zero, wrong
 * type; T18): `dlq` sends it to the dead-letter output (the default, like Kafka Connect's
 * `errors.tolerance=all` with a DLQ), `skip` drops it and counts it, `fail` fails the job (which
 * restarts per its strategy and ends FAILED once the attempts are used up, like Kafka Streams'
 * LogAndFail handler).
 */
export const OnError = z
  .enum(['dlq', 'skip', 'fail'])
  .default('dlq')
  .meta({ description: 'A record the expression fails on: dlq = to the dead-letter output, skip = drop and count, fail = fail the job' });
export type OnErrorPolicy = z.infer<typeof OnError>;

/** {@link OnError} of a source: its only expression is the `timestamp`; malformed input always goes to the dead-letter output (T17). */
export const SourceOnError = OnError.meta({
  description: 'A record whose timestamp expression fails or gives no epoch-ms number: dlq = to the dead-letter output, skip = drop and count, fail = fail the job',
});

/** {@link OnError} of a node with aggregates: an aggregate input that fails, or a window result its `having` fails on. */
export const AggregateOnError = OnError.meta({
  description: 'A record an aggregate field fails on (or a result having fails on): dlq = to the dead-letter output, skip = drop and count, fail = fail the job',
});

/** Params every source takes: where event time comes from and how watermarks are generated. */
export const SourceTimeParams = {
  /** A field name, or a CEL expression, giving the event time in epoch milliseconds. */
  timestamp: z.string().min(1).optional().meta({ format: 'cel' }),
  onError: SourceOnError,
  watermark: z
    .strictObject({
      /** `bounded`: max timestamp − maxOutOfOrderness − 1; `monotonous`: timestamps never go back (bound 0). */
      strategy: z.enum(['bounded', 'monotonous']).default('bounded'),
      maxOutOfOrderness: Duration.default('0s'),
      /** A source subtask without records for this long stops holding back the watermark downstream. */
      idleTimeout: PositiveDuration.optional(),
      /**
       * Watermarks are emitted every intervalMs of processing time (Flink's auto-watermark interval;
       * the engine ticks every 200 ms, so smaller values act as 200). 0 emits right after each record
       * that advances the watermark: lateness then depends on input order only (replays, tests).
       */
      intervalMs: z.int().min(0).max(3_600_000).default(200),
    })
    .default({ strategy: 'bounded', maxOutOfOrderness: '0s', intervalMs: 200 }),
};

/** Checks an expression param and returns its result type (or undefined with an issue pushed). */
export function checkExpr(
  issues: ParamIssue[],
  path: Array<string | number>,
  expr: string,
  schema: RecordSchema,
  expect?: FieldType[],
): FieldType | undefined {
  const r = checkExpression(expr, schema);
  if (!r.valid) {
    issues.push({ path, code: 'bad_expression', message: r.message ?? 'invalid expression' });
    return undefined;
  }
  const t = r.type ?? 'dyn';
  if (expect && t !== 'dyn' && !expect.includes(t)) {
    issues.push({ path, code: 'bad_expression', message: `expression must return ${expect.join(' or ')}, not ${t}` });
    return undefined;
  }
  return t;
}

/** A param that names a field or gives an expression (keyBy key, source timestamp). */
export function checkFieldOrExpr(
  issues: ParamIssue[],
  path: Array<string | number>,
  text: string,
  schema: RecordSchema,
  expect?: FieldType[],
): FieldType | undefined {
  if (isExpressionIdentifier(text) || /^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) {
    const t = fieldType(schema, text);
    if (t === undefined) {
      const known = schema.fields.map((f) => f.name).join(', ');
      issues.push({ path, code: 'unknown_field', message: `no field "${text}" in the input (fields: ${known || 'none'})` });
      return undefined;
    }
    if (expect && t !== 'dyn' && !expect.includes(t)) {
      issues.push({ path, code: 'bad_params', message: `field "${text}" is ${t}, expected ${expect.join(' or ')}` });
      return undefined;
    }
    return t;
  }
  return checkExpr(issues, path, text, schema, expect);
}

/** Checks the common source time params against the records the source produces. */
export function checkSourceTime(issues: ParamIssue[], timestamp: string | undefined, schema: RecordSchema): void {
  if (timestamp === undefined) return;
  checkFieldOrExpr(issues, ['timestamp'], timestamp, schema, ['int', 'double']);
}

export function single(inputs: RecordSchema[]): RecordSchema {
  return inputs[0] ?? { fields: [], open: true };
}
