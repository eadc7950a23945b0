import { describe, expect, it } from 'vitest';
import { linePipeline, type Step } from '../../../test/flink-specs.js';
import { compileToFlinkSql } from './index.js';

const AGGS = [
  { fn: 'count', as: 'n' },
  { fn: 'sum', field: 'qty', as: 'qty_sum' },
  { fn: 'min', field: 'price', as: 'lo' },
  { fn: 'max', field: 'price', as: 'hi' },
  { fn: 'avg', field: 'qty', as: 'qty_avg' },
  { fn: 'count_distinct', field: 'item', as: 'items' },
];

function windowView(window: Step, keyed = true): string {
  const steps = keyed ? [{ id: 'byUser', kind: 'keyBy', params: { key: 'user' } }, window] : [window];
  const r = compileToFlinkSql(linePipeline('w', steps), { jobName: 'w' });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.plan.setup.find((s) => s.startsWith(`CREATE TEMPORARY VIEW \`${window.id}\``))!;
}

describe('windows → window table-valued functions', () => {
  it('tumbling: TUMBLE over the time column, grouped by the window and the key, Riffle’s output fields', () => {
    const v = windowView({ id: 'w', kind: 'window.tumbling', params: { size: '1m', aggregate: AGGS } });
    expect(v).toContain("FROM TABLE(TUMBLE(TABLE `byUser`, DESCRIPTOR(`__rt`), INTERVAL '0 00:01:00.000' DAY TO SECOND(3)))");
    expect(v).toContain('GROUP BY window_start, window_end, window_time, `__key`');
    expect(v).toContain('SELECT `__key` AS `key`, ');
    // Riffle emits window bounds as epoch ms.
    expect(v).toMatch(/TIMESTAMPDIFF\(DAY, TIMESTAMP '1970-01-01 00:00:00', window_start\).*AS `window_start`/);
    expect(v).toContain('COUNT(*) AS `n`, SUM(`qty`) AS `qty_sum`, MIN(`price`) AS `lo`, MAX(`price`) AS `hi`, AVG(CAST(`qty` AS DOUBLE)) AS `qty_avg`, COUNT(DISTINCT `item`) AS `items`');
    expect(v).toContain('window_time AS `__rt`');
  });

  it('sliding: HOP takes the slide before the size', () => {
    const v = windowView({ id: 'w', kind: 'window.sliding', params: { size: '10s', slide: '2500ms', aggregate: [{ fn: 'count', as: 'n' }] } });
    expect(v).toContain("HOP(TABLE `byUser`, DESCRIPTOR(`__rt`), INTERVAL '0 00:00:02.500' DAY TO SECOND(3), INTERVAL '0 00:00:10.000' DAY TO SECOND(3))");
  });

  it('session: SESSION partitioned by the key; unkeyed windows have a NULL key and no partition', () => {
    expect(windowView({ id: 'w', kind: 'window.session', params: { gap: '30s', aggregate: [{ fn: 'count', as: 'n' }] } })).toContain(
      "SESSION(TABLE `byUser` PARTITION BY `__key`, DESCRIPTOR(`__rt`), INTERVAL '0 00:00:30.000' DAY TO SECOND(3))",
    );
    const v = windowView({ id: 'w', kind: 'window.session', params: { gap: '30s', aggregate: [{ fn: 'count', as: 'n' }] } }, false);
    expect(v).toContain("SESSION(TABLE `src`, DESCRIPTOR(`__rt`), INTERVAL '0 00:00:30.000' DAY TO SECOND(3))");
    expect(v).toContain('CAST(NULL AS STRING) AS `key`');
    expect(v).toMatch(/GROUP BY window_start, window_end, window_time$/);
  });

  it('having filters the window results', () => {
    const v = windowView({ id: 'w', kind: 'window.tumbling', params: { size: '1m', having: 'n >= 2', aggregate: [{ fn: 'count', as: 'n' }] } });
    expect(v).toMatch(/^CREATE TEMPORARY VIEW `w` AS\nSELECT \* FROM \(\n[\s\S]*\n\) WHERE \(`n` >= 2\)$/);
  });

  it('refuses allowed lateness', () => {
    const r = compileToFlinkSql(
      linePipeline('w', [{ id: 'w', kind: 'window.tumbling', params: { size: '1m', allowedLateness: '10s', aggregate: [{ fn: 'count', as: 'n' }] } }]),
      { jobName: 'w' },
    );
    expect(r.ok || r.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_param', path: ['nodes', 1, 'params', 'allowedLateness'] })]);
  });

  it('first/last: the value of the earliest/latest record by event time (MIN/MAX of a time-stamped text), cast back, with a note on ties', () => {
    const r = compileToFlinkSql(
      linePipeline('w', [{ id: 'byUser', kind: 'keyBy', params: { key: 'user' } }, { id: 'w', kind: 'window.session', params: { gap: '10s', aggregate: [{ fn: 'first', field: 'price', as: 'p0' }, { fn: 'last', field: 'user', as: 'u1' }] } }]),
      { jobName: 'w' },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const v = r.plan.setup.find((s) => s.startsWith('CREATE TEMPORARY VIEW `w`'))!;
    const stamp = "DATE_FORMAT(CAST(`__rt` AS TIMESTAMP(3)), 'yyyyMMddHHmmssSSS')";
    expect(v).toContain(`CAST(SUBSTRING(MIN(CONCAT(${stamp}, CAST(\`price\` AS STRING))) FROM 18) AS DOUBLE) AS \`p0\``);
    expect(v).toContain(`SUBSTRING(MAX(CONCAT(${stamp}, CAST(\`user\` AS STRING))) FROM 18) AS \`u1\``);
    expect(r.plan.notes).toContainEqual(expect.stringMatching(/^w: first\/last .*same millisecond/));
    // Typed columns in the sink: double and string.
    expect(r.plan.setup.find((s) => s.startsWith('CREATE TEMPORARY TABLE `out`'))).toContain('`p0` DOUBLE,\n  `u1` STRING');
  });

  it('top_n: a Window Top-N per window and key collected with ARRAY_AGG into whole records, left-joined to the other aggregates', () => {
    const r = compileToFlinkSql(
      linePipeline('w', [
        { id: 'byUser', kind: 'keyBy', params: { key: 'user' } },
        { id: 'w', kind: 'window.tumbling', params: { size: '1m', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'top_n', field: 'qty', n: 3, as: 'top' }, { fn: 'max', field: 'price', as: 'hi' }] } },
      ]),
      { jobName: 'w' },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const view = (id: string) => r.plan.setup.find((s) => s.startsWith(`CREATE TEMPORARY VIEW \`${id}\``))!;
    const tvf = "TABLE(TUMBLE(TABLE `byUser`, DESCRIPTOR(`__rt`), INTERVAL '0 00:01:00.000' DAY TO SECOND(3)))";
    const top = view('w__top_1');
    expect(top).toContain('ROW_NUMBER() OVER (PARTITION BY window_start, window_end, `__key` ORDER BY `qty` DESC, `__rt` ASC) AS `__rank`');
    expect(top).toContain(`FROM ${tvf} WHERE \`qty\` IS NOT NULL`);
    expect(top).toContain('WHERE `__rank` <= 3');
    const record = 'CAST(ROW(`user`, `item`, `qty`, `price`, `ts`) AS ROW<`user` STRING, `item` BIGINT, `qty` BIGINT, `price` DOUBLE, `ts` BIGINT>)';
    expect(top).toContain(`SELECT window_start, window_end, \`__key\`, ${record} AS \`__record\``);
    expect(top).toContain('ARRAY_AGG(`__record`) AS `top`');
    expect(top).toMatch(/GROUP BY window_start, window_end, `__key`$/);
    expect(view('w__aggs')).toContain('SELECT window_start, window_end, window_time, `__key`, COUNT(*) AS `n`, MAX(`price`) AS `hi`');
    const v = view('w');
    expect(v).toContain('FROM `w__aggs` a\nLEFT JOIN `w__top_1` t0 ON a.window_start = t0.window_start AND a.window_end = t0.window_end AND a.`__key` = t0.`__key`');
    // Riffle's field order; a window without a value to rank gets [] as in Riffle.
    expect(v).toMatch(/AS `window_end`, a\.`n`, COALESCE\(t0\.`top`, ARRAY_SLICE\(ARRAY\[CAST\(NULL AS ROW<.*>\)\], 2, 1\)\) AS `top`, a\.`hi`, a\.window_time AS `__rt`/);
    // A JSON sink takes the list as ARRAY<ROW<…>>.
    expect(r.plan.setup.find((s) => s.startsWith('CREATE TEMPORARY TABLE `out`'))).toContain('`top` ARRAY<ROW<`user` STRING, `item` BIGINT, `qty` BIGINT, `price` DOUBLE, `ts` BIGINT>>');
  });

  it('top_n after a window keeps the input records’ own window bounds (renamed around the TVF)', () => {
    const r = compileToFlinkSql(
      linePipeline('w', [
        { id: 'per', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'count', as: 'sales' }] } },
        { id: 'byEnd', kind: 'keyBy', params: { key: 'window_end' } },
        { id: 'top', kind: 'window.tumbling', params: { size: '10s', aggregate: [{ fn: 'top_n', field: 'sales', n: 5, as: 'top' }] } },
      ]),
      { jobName: 'w' },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const top = r.plan.setup.find((s) => s.startsWith('CREATE TEMPORARY VIEW `top__top_0`'))!;
    expect(top).toContain('CAST(ROW(`key`, `__in_window_start`, `__in_window_end`, `sales`) AS ROW<`key` STRING, `window_start` BIGINT, `window_end` BIGINT, `sales` BIGINT>)');
    // A window's results share a timestamp; Riffle emits them in key order: the last tie-break.
    expect(top).toContain('ORDER BY `sales` DESC, `__rt` ASC, `key` ASC)');
  });

  it('top_n outside time windows is refused on its param', () => {
    const refused = (step: Record<string, unknown>) => {
      const r = compileToFlinkSql(linePipeline('w', [{ id: 'byUser', kind: 'keyBy', params: { key: 'user' } }, step as never]), { jobName: 'w' });
      return r.ok ? [] : r.issues.map((i) => [i.code, i.path.join('.')]);
    };
    expect(refused({ id: 'r', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }, { fn: 'top_n', field: 'qty', n: 2, as: 't' }] } })).toEqual([['flink_unsupported_aggregate', 'nodes.2.params.aggregate.1.fn']]);
    const proc = compileToFlinkSql(
      linePipeline('w', [{ id: 'w', kind: 'window.tumbling', params: { size: '1m', aggregate: [{ fn: 'top_n', field: 'qty', n: 2, as: 't' }] } }], { config: { parallelism: 1, time: 'processing' } }),
      { jobName: 'w' },
    );
    expect(proc.ok || proc.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_aggregate', message: expect.stringContaining('processing time') })]);
    expect(refused({ id: 'g', kind: 'window.global', params: { trigger: { count: 3 }, aggregate: [{ fn: 'top_n', field: 'qty', n: 2, as: 't' }] } })).toEqual([['flink_unsupported_aggregate', 'nodes.2.params.aggregate.0.fn']]);
  });
});
