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

  it('refuses allowed lateness and the aggregates whose meaning differs (first, last, top_n)', () => {
    const r = compileToFlinkSql(
      linePipeline('w', [{ id: 'w', kind: 'window.tumbling', params: { size: '1m', allowedLateness: '10s', aggregate: [{ fn: 'count', as: 'n' }] } }]),
      { jobName: 'w' },
    );
    expect(r.ok || r.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_param', path: ['nodes', 1, 'params', 'allowedLateness'] })]);
    const f = compileToFlinkSql(linePipeline('w', [{ id: 'w', kind: 'window.tumbling', params: { size: '1m', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'last', field: 'price', as: 'p' }] } }]), { jobName: 'w' });
    expect(f.ok || f.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_aggregate', path: ['nodes', 1, 'params', 'aggregate', 1, 'fn'] })]);
  });
});
