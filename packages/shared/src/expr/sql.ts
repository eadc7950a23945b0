import type { Field, FieldType, RecordSchema } from '../fields.js';
import { parseExpression } from './cel.js';

/** A CEL expression as Flink SQL, or why it cannot be one. */
export type SqlExpression = { ok: true; sql: string; type: FieldType } | { ok: false; message: string };

/**
 * A field as `celToSql` reads it: a `map` field may name its own fields in `row` (a join's
 * `left`/`right`, which Flink holds as ROW columns), so `left.price` translates to
 * `` `left`.`price` `` with the type of `price`.
 */
export interface SqlField extends Field {
  row?: readonly SqlField[];
}

/** A translated (sub)expression: its SQL, its type and, for a ROW value, its fields. */
interface Sql {
  sql: string;
  type: FieldType;
  row?: readonly SqlField[] | undefined;
}

interface Node {
  op: string;
  args: unknown;
}

class Untranslatable extends Error {}

const COMPARE: Record<string, string> = { '==': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const ARITHMETIC = new Set(['+', '-', '*', '/']);
const CASTS: Record<string, [string, FieldType]> = { int: ['BIGINT', 'int'], double: ['DOUBLE', 'double'], string: ['STRING', 'string'] };

/**
 * Translates a CEL expression to a Flink SQL expression for the `flink` target, for the subset
 * whose meaning is the same in both: fields, literals, comparisons, `&&`/`||`/`!`, `?:`, integer
 * and double arithmetic (`%` as MOD; integer division truncates in both), string `+` (as `||`),
 * `x in [literals]`, `int()`/`double()`/`string()`, `size()` of a string and
 * `startsWith`/`endsWith`/`contains`, and `x.f` / `x['f']` on a field whose fields are known
 * ({@link SqlField}'s `row`). Anything else is refused with a message naming it, so a
 * pipeline never runs with a silently different meaning on Flink. Records an expression fails on
 * (overflow, division by zero) still differ: Riffle dead-letters them, Flink fails or yields NULL.
 */
export function celToSql(expr: string, schema: RecordSchema): SqlExpression {
  let ast: unknown;
  try {
    ast = parseExpression(expr, schema);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  const types = new Map(schema.fields.map((f) => [f.name, f as SqlField] as const));
  try {
    const { sql, type } = translate(ast as Node, types);
    return { ok: true, sql, type };
  } catch (e) {
    if (e instanceof Untranslatable) return { ok: false, message: `"${expr}" cannot run on Flink: ${e.message}` };
    throw e;
  }
}

/** A field name as a Flink SQL identifier (backquoted, backquotes doubled). */
export function sqlIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A string as a Flink SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function translate(n: Node, types: ReadonlyMap<string, SqlField>): Sql {
  const sub = (x: unknown) => translate(x as Node, types);
  const args = n.args as unknown[];
  switch (n.op) {
    case 'id': {
      const name = n.args as string;
      const f = types.get(name);
      return { sql: sqlIdentifier(name), type: f?.type ?? 'dyn', row: f?.row };
    }
    case '.':
      return member(sub(args[0]), args[1] as string);
    case '[]': {
      const [target, index] = args as [Node, Node];
      if (index.op !== 'value' || typeof index.args !== 'string') throw new Untranslatable('indexing ([]) other than by a string literal has no Flink SQL translation yet');
      return member(sub(target), index.args);
    }
    case 'value':
      return literal(n.args);
    case '!_':
      return { sql: `(NOT ${sub(n.args).sql})`, type: 'bool' };
    case '-_':
      return { sql: `(- ${sub(n.args).sql})`, type: sub(n.args).type };
    case '&&':
    case '||':
      return { sql: `(${sub(args[0]).sql} ${n.op === '&&' ? 'AND' : 'OR'} ${sub(args[1]).sql})`, type: 'bool' };
    case '?:': {
      const [c, a, b] = args.map(sub) as [{ sql: string }, { sql: string; type: FieldType }, { sql: string }];
      return { sql: `(CASE WHEN ${c.sql} THEN ${a.sql} ELSE ${b.sql} END)`, type: a.type };
    }
    case 'in': {
      const [x, list] = args as [Node, Node];
      if (list.op !== 'list') throw new Untranslatable('`in` needs a list of literals on its right');
      const items = (list.args as Node[]).map((i) => (i.op === 'value' ? literal(i.args).sql : undefined));
      if (items.some((i) => i === undefined) || items.length === 0) throw new Untranslatable('`in` needs a non-empty list of literals on its right');
      return { sql: `(${sub(x).sql} IN (${items.join(', ')}))`, type: 'bool' };
    }
    case '%':
      return { sql: `MOD(${sub(args[0]).sql}, ${sub(args[1]).sql})`, type: 'int' };
    case 'call':
      return call(n.args as [string, Node[]], sub);
    case 'rcall':
      return method(n.args as [string, Node, Node[]], sub);
    default:
      break;
  }
  if (n.op in COMPARE) {
    const [l, r] = args as [Node, Node];
    const isNull = (x: Node) => x.op === 'value' && x.args === null;
    if (isNull(r) || isNull(l)) {
      const other = sub(isNull(r) ? l : r).sql;
      if (n.op === '==') return { sql: `(${other} IS NULL)`, type: 'bool' };
      if (n.op === '!=') return { sql: `(${other} IS NOT NULL)`, type: 'bool' };
    }
    return { sql: `(${sub(l).sql} ${COMPARE[n.op]} ${sub(r).sql})`, type: 'bool' };
  }
  if (ARITHMETIC.has(n.op)) {
    const [l, r] = (args as Node[]).map(sub) as [{ sql: string; type: FieldType }, { sql: string; type: FieldType }];
    if (n.op === '+' && (l.type === 'string' || r.type === 'string')) return { sql: `(${l.sql} || ${r.sql})`, type: 'string' };
    const type: FieldType = l.type === 'double' || r.type === 'double' ? 'double' : l.type === 'int' && r.type === 'int' ? 'int' : 'dyn';
    return { sql: `(${l.sql} ${n.op} ${r.sql})`, type };
  }
  throw new Untranslatable(`the operator "${n.op === '.' ? 'field access (.)' : n.op}" has no Flink SQL translation yet`);
}

/** `x.name` on a ROW value: Flink's `x`.`name`; refused where the compiler does not know x's fields. */
function member(target: Sql, name: string): Sql {
  if (target.row === undefined) throw new Untranslatable(`field access (.${name}) needs a value whose fields are known (a join's left or right); this one's are not`);
  const f = target.row.find((x) => x.name === name);
  if (f === undefined) throw new Untranslatable(`"${name}" is not one of its fields (${target.row.map((x) => x.name).join(', ')})`);
  return { sql: `${target.sql}.${sqlIdentifier(name)}`, type: f.type, row: f.row };
}

function literal(v: unknown): { sql: string; type: FieldType } {
  if (typeof v === 'bigint') return { sql: v < 0n ? `(${v})` : `${v}`, type: 'int' };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Untranslatable(`the number ${v}`);
    // A DOUBLE literal (1.5E0): a bare 1.5 would be an exact DECIMAL in Flink SQL.
    return { sql: `${v.toExponential().replace('e+', 'E').replace('e-', 'E-')}`, type: 'double' };
  }
  if (typeof v === 'string') return { sql: sqlString(v), type: 'string' };
  if (typeof v === 'boolean') return { sql: v ? 'TRUE' : 'FALSE', type: 'bool' };
  if (v === null) return { sql: 'NULL', type: 'dyn' };
  throw new Untranslatable('a literal of this kind (lists, maps, bytes) has no Flink SQL translation yet');
}

function call([name, args]: [string, Node[]], sub: (x: unknown) => { sql: string; type: FieldType }): { sql: string; type: FieldType } {
  const cast = CASTS[name];
  if (cast !== undefined && args.length === 1) return { sql: `CAST(${sub(args[0]).sql} AS ${cast[0]})`, type: cast[1] };
  if (name === 'size' && args.length === 1) {
    const a = sub(args[0]);
    if (a.type === 'string') return { sql: `CHAR_LENGTH(${a.sql})`, type: 'int' };
  }
  throw new Untranslatable(`the function ${name}() has no Flink SQL translation yet`);
}

function method([name, target, args]: [string, Node, Node[]], sub: (x: unknown) => { sql: string; type: FieldType }): { sql: string; type: FieldType } {
  const s = sub(target).sql;
  const a = args.length === 1 ? sub(args[0]).sql : undefined;
  if (a !== undefined && name === 'startsWith') return { sql: `(POSITION(${a} IN ${s}) = 1)`, type: 'bool' };
  if (a !== undefined && name === 'contains') return { sql: `(POSITION(${a} IN ${s}) > 0)`, type: 'bool' };
  if (a !== undefined && name === 'endsWith') return { sql: `(RIGHT(${s}, CHAR_LENGTH(${a})) = ${a})`, type: 'bool' };
  throw new Untranslatable(`the method .${name}() has no Flink SQL translation yet`);
}
