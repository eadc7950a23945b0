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
});
