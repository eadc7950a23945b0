import { describe, expect, it } from 'vitest';
import { linePipeline, type Step } from '../../../test/flink-specs.js';
import { compileToFlinkSql } from './index.js';

function keyedView(step: Step): string {
  const r = compileToFlinkSql(linePipeline('k', [{ id: 'byUser', kind: 'keyBy', params: { key: 'user' } }, step]), { jobName: 'k' });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.plan.setup.find((s) => s.startsWith(`CREATE TEMPORARY VIEW \`${step.id}\``))!;
}

describe('keyed aggregates → over aggregation', () => {
  it('reduce: one running result per record, ROWS from the key’s first record to the current one', () => {
    const v = keyedView({ id: 'r', kind: 'reduce', params: { aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'qty', as: 'total' }] } });
    expect(v).toContain('SELECT `__key` AS `key`, COUNT(*) OVER w AS `n`, SUM(`qty`) OVER w AS `total`, `__rt` FROM `byUser`');
    expect(v).toContain('WINDOW w AS (PARTITION BY `__key` ORDER BY `__rt` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)');
  });

  it('over: the record with aggregates over the RANGE of its key’s preceding records', () => {
    const v = keyedView({ id: 'o', kind: 'over', params: { range: '10s', aggregate: [{ fn: 'avg', field: 'price', as: 'avg_price' }] } });
    expect(v).toContain('SELECT `user`, `item`, `qty`, `price`, `ts`, AVG(CAST(`price` AS DOUBLE)) OVER w AS `avg_price`, `__rt` FROM `byUser`');
    expect(v).toContain("RANGE BETWEEN INTERVAL '0 00:00:10.000' DAY TO SECOND(3) PRECEDING AND CURRENT ROW)");
  });

  it('reduce with a TTL or an upsert key is refused', () => {
    const r = compileToFlinkSql(linePipeline('k', [{ id: 'byUser', kind: 'keyBy', params: { key: 'user' } }, { id: 'r', kind: 'reduce', params: { ttl: '1h', aggregate: [{ fn: 'count', as: 'n' }] } }]), { jobName: 'k' });
    expect(r.ok || r.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_param', path: ['nodes', 2, 'params', 'ttl'] })]);
  });

  it('reduce with first/last: the time-stamped MIN/MAX over the same ROWS window', () => {
    const v = keyedView({ id: 'r', kind: 'reduce', params: { aggregate: [{ fn: 'first', field: 'item', as: 'first_item' }, { fn: 'last', field: 'price', as: 'last_price' }] } });
    const stamp = "DATE_FORMAT(CAST(`__rt` AS TIMESTAMP(3)), 'yyyyMMddHHmmssSSS')";
    expect(v).toContain(`CAST(SUBSTRING(MIN(CONCAT(${stamp}, CAST(\`item\` AS STRING))) OVER w FROM 18) AS BIGINT) AS \`first_item\``);
    expect(v).toContain(`CAST(SUBSTRING(MAX(CONCAT(${stamp}, CAST(\`price\` AS STRING))) OVER w FROM 18) AS DOUBLE) AS \`last_price\``);
  });
});

describe('count windows (window.global) → two over aggregations', () => {
  it('numbers each key’s records, aggregates the last `count` rows and keeps the row that completes a batch', () => {
    const r = compileToFlinkSql(
      linePipeline('k', [
        { id: 'byUser', kind: 'keyBy', params: { key: 'user' } },
        { id: 'g', kind: 'window.global', params: { trigger: { count: 3 }, having: 'n > 1', aggregate: [{ fn: 'count', as: 'n' }, { fn: 'sum', field: 'qty', as: 'qty_sum' }] } },
      ]),
      { jobName: 'k' },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const view = (id: string) => r.plan.setup.find((s) => s.startsWith(`CREATE TEMPORARY VIEW \`${id}\``))!;
    expect(view('g__seq')).toContain('SELECT `user`, `item`, `qty`, `price`, `ts`, `__rt`, `__key`, COUNT(*) OVER (PARTITION BY `__key` ORDER BY `__rt` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `__seq` FROM `byUser`');
    const g = view('g');
    expect(g).toContain('SELECT `__key` AS `key`, COUNT(*) OVER w AS `n`, SUM(`qty`) OVER w AS `qty_sum`, `__seq`, `__rt` FROM `g__seq`');
    expect(g).toContain('WINDOW w AS (PARTITION BY `__key` ORDER BY `__rt` ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)');
    expect(g).toMatch(/^CREATE TEMPORARY VIEW `g` AS\nSELECT `key`, `n`, `qty_sum`, `__rt` FROM \(\n[\s\S]*\n\) WHERE MOD\(`__seq`, 3\) = 0 AND \(`n` > 1\)$/);
    expect(r.plan.notes).toContainEqual(expect.stringMatching(/^g: Flink counts each key's records in event-time order/));
    // Riffle's output: the key and the aggregates, no window bounds.
    expect(r.plan.setup.find((s) => s.startsWith('CREATE TEMPORARY TABLE `out`'))).toContain('`key` STRING,\n  `n` BIGINT,\n  `qty_sum` BIGINT\n)');
  });
});
