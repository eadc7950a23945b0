import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLICKSTREAM_SCHEMA } from '../catalog/sources.js';
import { demoSpec } from '../demo.js';
import type { RecordSchema } from '../fields.js';
import { validateSpec } from '../validate.js';
import { checkExpression, compileExpression, ExpressionEvaluationError } from './cel.js';

// T21: expressions are CEL, parsed and type-checked, never JS. Each entry of the corpus must be
// refused at validation or evaluate to a plain value, with no host object reachable.
const OPEN: RecordSchema = { fields: [], open: true };
const nest = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);
const CORPUS: Array<[string, string]> = [
  ['Function via constructor chain', "this.constructor.constructor('return process')()"],
  ['constructor on a record field', "event_type.constructor.constructor('return process')()"],
  ['__proto__', '__proto__'],
  ['__proto__ member', 'r.__proto__.polluted'],
  ['__proto__ map key', '{"__proto__": {"polluted": 1}}'],
  ['constructor', 'constructor'],
  ['globalThis', 'globalThis'],
  ['globalThis.process', 'globalThis.process.env'],
  ['process', 'process'],
  ['process.env', 'process.env.HOME'],
  ['process.exit', 'process.exit(1)'],
  ['require', "require('fs')"],
  ['require member', "require('child_process').execSync('id')"],
  ['dynamic import', "import('fs')"],
  ['unicode escape in an identifier', '\\u0063onstructor'],
  ['unicode escape in a string', '"\\u0063onstructor"'],
  ['computed key', 'r["con"+"structor"]'],
  ['computed key on a string', '"abc"["con" + "structor"]'],
  ['map literal constructor', '{}.constructor'],
  ['list literal constructor', '[].constructor'],
  ['string literal constructor', '"".constructor'],
  ['string literal prototype', '"".__proto__'],
  ['Object', "Object.assign({}, {'polluted': 1})"],
  ['eval', "eval('1')"],
  ['Function', "Function('return 1')()"],
  ['template literal', '`${process}`'],
  ['semicolon injection', "1; process.exit(1)"],
  ['comment injection', "1 /* */ + process"],
  ['10k nested parens', nest(10_000, '(', ')')],
  ['10k nested lists', nest(10_000, '[', ']')],
  ['10k nested maps', nest(10_000, '{"a":', '}')],
  ['10k nested calls', nest(10_000, 'size(', ')', '""')],
  ['a 1 MB expression', `1${' + 1'.repeat(256 * 1024)}`],
  ['a 1 MB string literal', `"${'a'.repeat(1024 * 1024)}" == "a"`],
  ['moderately nested lists', nest(20, '[', ']')],
  ['moderately nested maps', nest(20, '{"a":', '}')],
  ['has on a prototype key', 'has(r.constructor)'],
  ['map over keys of a record', "r.map(k, k)"],
  ['toString', 'r.toString()'],
  ['valueOf', 'r.valueOf'],
  ['hasOwnProperty', "r.hasOwnProperty('x')"],
];

/** A value CEL may legitimately produce: primitives, lists and plain or null-prototype objects. */
function isPlain(v: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  if (v === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof v)) return true;
  if (v instanceof Uint8Array) return true;
  if (Array.isArray(v)) return v.every((x) => isPlain(x, depth + 1));
  if (typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(v as object).every((x) => isPlain(x, depth + 1));
}

const record = () => ({ user_id: 1, product_id: 2, event_type: 'view', price: 1.5, ts: 0, r: { x: 1 } });
let protoKeys: string[];
let fnProtoKeys: string[];
let envBefore: string;

beforeAll(() => {
  protoKeys = Reflect.ownKeys(Object.prototype).map(String).sort();
  fnProtoKeys = Reflect.ownKeys(Function.prototype).map(String).sort();
  envBefore = JSON.stringify(process.env);
});

afterAll(() => {
  // The global checks again, after every case of every test in this file ran.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Reflect.ownKeys(Object.prototype).map(String).sort()).toEqual(protoKeys);
  expect(JSON.stringify(process.env)).toBe(envBefore);
});

describe('sandbox-escape corpus (T21)', () => {
  for (const [what, expr] of CORPUS) {
    it(`${what}: refused at validation or a plain value`, () => {
      for (const schema of [CLICKSTREAM_SCHEMA, OPEN]) {
        const check = checkExpression(expr, schema);
        if (!check.valid) {
          expect(check.message).toMatch(/\S/);
          continue;
        }
        let out: unknown;
        try {
          out = compileExpression(expr, schema).evaluate(record());
        } catch (e) {
          // Failing on a record is fine (it dead-letters), as long as it is the expression error.
          expect(e).toBeInstanceOf(ExpressionEvaluationError);
          continue;
        }
        expect(isPlain(out), `${expr} returned ${String(out)}`).toBe(true);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Reflect.ownKeys(Object.prototype).map(String).sort()).toEqual(protoKeys);
      expect(Reflect.ownKeys(Function.prototype).map(String).sort()).toEqual(fnProtoKeys);
      expect(JSON.stringify(process.env)).toBe(envBefore);
      expect(typeof process.pid).toBe('number');
    });
  }

  it('refuses the host-reaching entries outright rather than evaluating them', () => {
    for (const expr of ["this.constructor.constructor('return process')()", 'globalThis', "require('fs')", "import('fs')", '\\u0063onstructor', '{}.constructor', '[].constructor', '"".constructor', nest(10_000, '(', ')')]) {
      expect(checkExpression(expr, CLICKSTREAM_SCHEMA).valid, expr).toBe(false);
    }
  });

  it('rejects them through validateSpec with the JSON path of the expression', () => {
    for (const [what, expr] of CORPUS) {
      if (checkExpression(expr, CLICKSTREAM_SCHEMA).valid) continue;
      const spec = demoSpec();
      (spec.nodes[1]!.params as { expr: string }).expr = expr;
      const v = validateSpec(spec);
      expect(v.ok, what).toBe(false);
      expect(v.errors.map((e) => e.path), what).toContain('$.nodes[1].params.expr');
    }
  });
});
