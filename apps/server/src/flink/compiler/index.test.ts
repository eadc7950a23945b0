import type { JobSpec } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { linePipeline, ORDER_FIELDS } from '../../../test/flink-specs.js';
import { compileToFlinkSql } from './index.js';

describe('compileToFlinkSql', () => {
  it('statements run in dependency order and every sink is an INSERT of the one statement set', () => {
    const spec = linePipeline('fan-out', [{ id: 'big', kind: 'filter', params: { expr: 'qty > 1' } }]);
    spec.nodes.push({ id: 'all', kind: 'sink.file', params: { path: '/data/all' } });
    spec.edges.push({ from: 'src', to: 'all' });
    const r = compileToFlinkSql(spec, { jobName: 'fan-out' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const names = r.plan.setup.filter((s) => s.startsWith('CREATE')).map((s) => /`([^`]+)`/.exec(s)![1]);
    expect(names).toHaveLength(4);
    expect(names.indexOf('src')).toBe(0);
    expect(names.indexOf('big')).toBeLessThan(names.indexOf('out'));
    expect(r.plan.insert.match(/INSERT INTO/g)).toHaveLength(2);
    expect(r.plan.insert).toMatch(/^EXECUTE STATEMENT SET\nBEGIN\n[\s\S]*END$/);
    expect(Object.keys(r.plan.nodes).sort()).toEqual(['all', 'big', 'out', 'src']);
  });

  it('two edges into one port are a UNION ALL view', () => {
    const spec = linePipeline('union', []);
    spec.nodes.splice(1, 0, { id: 'src2', kind: 'source.file', params: { path: '/data/b', fields: [...ORDER_FIELDS], timestamp: 'ts' } });
    spec.edges.push({ from: 'src2', to: 'out' });
    const r = compileToFlinkSql(spec, { jobName: 'union' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.plan.setup).toContain(
      'CREATE TEMPORARY VIEW `out__in` AS\nSELECT `user`, `item`, `qty`, `price`, `ts`, `__rt` FROM `src`\nUNION ALL\nSELECT `user`, `item`, `qty`, `price`, `ts`, `__rt` FROM `src2`',
    );
    expect(r.plan.insert).toContain('FROM `out__in`');
  });

  it('a kind with no Flink form, and a late side output, are issues on their node and edge', () => {
    const spec = linePipeline('j', [
      { id: 'byUser', kind: 'keyBy', params: { key: 'user' } },
      { id: 'w', kind: 'window.tumbling', params: { size: '1m', aggregate: [{ fn: 'count', as: 'n' }] } },
      { id: 'dd', kind: 'dedupe', params: { within: '1m' } },
    ]);
    // dedupe needs a keyed input: key it again.
    spec.nodes.splice(3, 0, { id: 'byKey', kind: 'keyBy', params: { key: 'key' } });
    spec.edges = spec.edges.filter((e) => e.from !== 'w');
    spec.edges.push({ from: 'w', to: 'byKey' }, { from: 'byKey', to: 'dd' });
    spec.nodes.push({ id: 'late', kind: 'sink.file', params: { path: '/data/late' } });
    spec.edges.push({ from: 'w', to: 'late', fromPort: 'late' });
    const r = compileToFlinkSql(spec, { jobName: 'j' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const edge = spec.edges.findIndex((e) => e.fromPort === 'late');
    expect(r.issues).toEqual(
      expect.arrayContaining([
        // With the reason: Riffle's interval restarts at the first record outside it.
        expect.objectContaining({ code: 'flink_unsupported_kind', nodeId: 'dd', path: ['nodes', spec.nodes.findIndex((n) => n.id === 'dd'), 'kind'], message: expect.stringMatching(/^dd: dedupe does not run on Flink: .*restarts the interval/) }),
        expect.objectContaining({ code: 'flink_unsupported_port', nodeId: 'w', path: ['edges', edge, 'fromPort'] }),
      ]),
    );
  });

  it('an invalid spec comes back as issues with array paths', () => {
    const spec = linePipeline('bad', [{ id: 'f', kind: 'filter', params: { expr: 'nope > 1' } }]) as JobSpec;
    const r = compileToFlinkSql(spec, { jobName: 'bad' });
    expect(r.ok || r.issues[0]).toEqual(expect.objectContaining({ code: expect.stringMatching(/^invalid_spec_/), path: ['nodes', 1, 'params', 'expr'] }));
  });
});
