import { describe, expect, it } from 'vitest';
import { linePipeline } from '../../../test/flink-specs.js';
import { compileToFlinkSql } from './index.js';

const compile = (spec: Parameters<typeof compileToFlinkSql>[0]) => compileToFlinkSql(spec, { jobName: 'test' });

function plan(spec: Parameters<typeof compileToFlinkSql>[0]) {
  const r = compile(spec);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.plan;
}

const viewOf = (p: { setup: string[] }, id: string) => p.setup.find((s) => s.startsWith(`CREATE TEMPORARY VIEW \`${id}\``)) ?? '';

describe('filter, map and keyBy → views', () => {
  it('a filter is a view with the translated predicate, keeping the fields and the time column', () => {
    const p = plan(linePipeline('f', [{ id: 'big', kind: 'filter', params: { expr: "qty > 2 && user != 'bot'" } }]));
    expect(viewOf(p, 'big')).toBe("CREATE TEMPORARY VIEW `big` AS\nSELECT `user`, `item`, `qty`, `price`, `ts`, `__rt` FROM `src` WHERE ((`qty` > 2) AND (`user` <> 'bot'))");
    expect(p.nodes.big).toEqual({ name: 'big', role: 'view' });
    expect(p.insert).toContain('INSERT INTO `out` SELECT `user`, `item`, `qty`, `price`, `ts` FROM `big`');
  });

  it('a map projects in Riffle’s field order; keepInput replaces a field in place and appends new ones', () => {
    const p = plan(
      linePipeline('m', [
        { id: 'proj', kind: 'map', params: { fields: [{ as: 'total', expr: 'double(qty) * price' }, { as: 'who', expr: "'u-' + user" }] } },
        { id: 'keep', kind: 'map', params: { keepInput: true, fields: [{ as: 'who', expr: 'who + "!"' }, { as: 'big', expr: 'total > 10.0' }] } },
      ]),
    );
    expect(viewOf(p, 'proj')).toContain("SELECT (CAST(`qty` AS DOUBLE) * `price`) AS `total`, ('u-' || `user`) AS `who`, `__rt` FROM `src`");
    expect(viewOf(p, 'keep')).toContain("SELECT `total`, (`who` || '!') AS `who`, (`total` > 1E1) AS `big`, `__rt` FROM `proj`");
    expect(p.setup.find((s) => s.startsWith('CREATE TEMPORARY TABLE `out`'))).toContain('`total` DOUBLE,\n  `who` STRING,\n  `big` BOOLEAN');
  });

  it('keyBy adds the key as a column for the node after it', () => {
    const p = plan(linePipeline('k', [{ id: 'byUser', kind: 'keyBy', params: { key: "user + '/' + string(item)" } }]));
    expect(viewOf(p, 'byUser')).toContain("SELECT `user`, `item`, `qty`, `price`, `ts`, `__rt`, ((`user` || '/') || CAST(`item` AS STRING)) AS `__key` FROM `src`");
  });

  it('an expression with no Flink SQL translation is an issue on its param, not a different meaning', () => {
    const r = compile(linePipeline('x', [{ id: 'm', kind: 'map', params: { fields: [{ as: 'a', expr: 'qty' }, { as: 'b', expr: "user.matches('^a')" }] } }]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([expect.objectContaining({ code: 'flink_untranslatable_expression', path: ['nodes', 1, 'params', 'fields', 1, 'expr'], nodeId: 'm' })]);
    expect(r.issues[0]!.message).toContain('matches');
  });
});
