// Shared by the fast path's differential tests (fast-path*.test.ts); excluded from the build.
import { Environment } from '@marcbachmann/cel-js';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { RecordSchema } from '../fields.js';
import { checkExpression, compileExpression, FAST_PATH_LIMITS } from './cel.js';
import { BAIL, compileFastPath } from './fast-path.js';

/** RIFFLE_FUZZ_SEED replays a failure (fast-check prints the seed). */
export const FUZZ_SEED = process.env.RIFFLE_FUZZ_SEED === undefined ? undefined : Number(process.env.RIFFLE_FUZZ_SEED);

/** The checked AST of an expression, as compileExpression builds it. */
export function astOf(expr: string, schema: RecordSchema): unknown {
  const env = new Environment({ unlistedVariablesAreDyn: schema.open, homogeneousAggregateLiterals: false });
  for (const f of schema.fields) env.registerVariable(f.name, f.type);
  return (env.parse(expr) as unknown as { ast: unknown }).ast;
}

export type Outcome = { value: unknown } | { error: string; name: string };

export function outcome(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message, name: (e as Error).name };
  }
}

/** Scalars compare with Object.is (so -0 and NaN count); lists and maps deeply. */
export function expectSame(a: Outcome, b: Outcome, what = ''): void {
  if ('value' in a && 'value' in b && Object.is(a.value, b.value)) return;
  expect(a, what).toEqual(b);
  const scalar = 'value' in a && (a.value === null || typeof a.value !== 'object');
  if (scalar && 'value' in b) expect(Object.is(a.value, b.value), `${what}: ${String(a.value)} vs ${String(b.value)}`).toBe(true);
}

/**
 * Evaluates random expressions over random records with the fast path on and with cel-js alone
 * and expects the same outcome for each; returns how many records the fast path answered itself
 * (the comparison means something only if that is a good share).
 */
export function compareWithCel(exprs: fc.Arbitrary<string>, records: fc.Arbitrary<Record<string, unknown>>, schema: RecordSchema, numRuns: number): { fastAnswered: number; checked: number } {
  const vars = new Map(schema.fields.map((f) => [f.name, f.type] as const));
  let fastAnswered = 0;
  let checked = 0;
  fc.assert(
    fc.property(exprs, fc.array(records, { minLength: 1, maxLength: 8 }), (expr, rs) => {
      if (!checkExpression(expr, schema).valid) return; // e.g. a ternary mixing types
      const withFast = compileExpression(expr, schema);
      const reference = compileExpression(expr, schema, { interpretOnly: true });
      const fast = compileFastPath(astOf(expr, schema), vars, FAST_PATH_LIMITS);
      for (const r of rs) {
        checked++;
        if (fast !== undefined && fast(r) !== BAIL) fastAnswered++;
        expectSame(outcome(() => withFast.evaluate(r)), outcome(() => reference.evaluate(r)), expr);
      }
    }),
    { numRuns, seed: FUZZ_SEED },
  );
  return { fastAnswered, checked };
}
