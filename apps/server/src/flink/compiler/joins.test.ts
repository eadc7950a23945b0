import { describe, expect, it } from 'vitest';
import { joinPipeline, type Step } from '../../../test/flink-specs.js';
import { compileToFlinkSql } from './index.js';

function compile(join: Step, opts: Parameters<typeof joinPipeline>[2] = {}) {
  return compileToFlinkSql(joinPipeline('j', join, opts), { jobName: 'j' });
}

function views(join: Step, opts: Parameters<typeof joinPipeline>[2] = {}): { join: string; all: string[]; notes: string[] } {
  const r = compile(join, opts);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return { join: r.plan.setup.find((s) => s.startsWith(`CREATE TEMPORARY VIEW \`${join.id}\``))!, all: r.plan.setup, notes: r.plan.notes ?? [] };
}

const LEFT_ROW = 'CAST(ROW(l.`user`, l.`item`, l.`qty`, l.`price`, l.`ts`) AS ROW<`user` STRING, `item` BIGINT, `qty` BIGINT, `price` DOUBLE, `ts` BIGINT>) AS `left`';
const RIGHT_ROW = 'CAST(ROW(r.`user`, r.`amount`, r.`ts`) AS ROW<`user` STRING, `amount` DOUBLE, `ts` BIGINT>) AS `right`';

describe('joins → Flink SQL joins', () => {
  it('window join: both sides as TUMBLE, joined on key and window; left/right as named ROWs; window_time stays the time column', () => {
    const v = views({ id: 'j', kind: 'join.window', params: { size: '1m' } }).join;
    expect(v).toContain("FROM (SELECT * FROM TABLE(TUMBLE(TABLE `ordersByUser`, DESCRIPTOR(`__rt`), INTERVAL '0 00:01:00.000' DAY TO SECOND(3)))) AS l");
    expect(v).toContain("JOIN (SELECT * FROM TABLE(TUMBLE(TABLE `paymentsByUser`, DESCRIPTOR(`__rt`), INTERVAL '0 00:01:00.000' DAY TO SECOND(3)))) AS r");
    expect(v).toContain('ON l.`__key` = r.`__key` AND l.window_start = r.window_start AND l.window_end = r.window_end');
    expect(v).toContain('SELECT l.`__key` AS `key`, ');
    expect(v).toMatch(/l\.window_start\).*AS `window_start`.*l\.window_end\).*AS `window_end`/);
    expect(v).toContain(LEFT_ROW);
    expect(v).toContain(RIGHT_ROW);
    expect(v).toContain('l.window_time AS `__rt`');
  });

  it('a window after a window join compiles (window_time is still event time), over a view with the join’s window bounds renamed', () => {
    const all = views({ id: 'j', kind: 'join.window', params: { size: '1m' } }, { after: [{ id: 'k', kind: 'keyBy', params: { key: 'key' } }, { id: 'w', kind: 'window.tumbling', params: { size: '5m', aggregate: [{ fn: 'count', as: 'n' }] } }] }).all;
    // The TVF adds window_start/window_end: the input's own would be ambiguous (top_n's whole records read them renamed).
    expect(all).toContain('CREATE TEMPORARY VIEW `w__input` AS\nSELECT `key`, `window_start` AS `__in_window_start`, `window_end` AS `__in_window_end`, `left`, `right`, `__rt`, `__key` FROM `k`');
    expect(all.some((s) => s.includes('TUMBLE(TABLE `w__input`'))).toBe(true);
  });

  it("interval join: right time BETWEEN left time − before AND left time + after (inclusive, as Riffle's), output time the later of the two", () => {
    const { join: v, notes } = views({ id: 'j', kind: 'join.interval', params: { before: '2s', after: '1500ms' } });
    expect(v).toContain('FROM `ordersByUser` AS l\nJOIN `paymentsByUser` AS r');
    expect(v).toContain("ON l.`__key` = r.`__key` AND r.`__rt` BETWEEN l.`__rt` - INTERVAL '0 00:00:02.000' DAY TO SECOND(3) AND l.`__rt` + INTERVAL '0 00:00:01.500' DAY TO SECOND(3)");
    expect(v).toContain(`${LEFT_ROW}, ${RIGHT_ROW}, GREATEST(l.\`__rt\`, r.\`__rt\`) AS \`__rt\``);
    expect(notes.join('\n')).toMatch(/behind the watermark/);
  });

  it('regular join: an equi-join on the key; ttl as a STATE_TTL hint on both sides', () => {
    expect(views({ id: 'j', kind: 'join.regular' }).join).toMatch(/^CREATE TEMPORARY VIEW `j` AS\nSELECT l\.`__key` AS `key`, CAST.*\nFROM `ordersByUser` AS l\nJOIN `paymentsByUser` AS r\nON l\.`__key` = r\.`__key`$/);
    const { join: v, notes } = views({ id: 'j', kind: 'join.regular', params: { ttl: '90s' } });
    expect(v).toContain("SELECT /*+ STATE_TTL('l' = '90000 ms', 'r' = '90000 ms') */ l.`__key`");
    expect(notes.join('\n')).toMatch(/expires each kept row/);
    // On processing time the output gets a fresh processing-time column.
    expect(views({ id: 'j', kind: 'join.regular' }, { config: { parallelism: 1, time: 'processing' } }).join).toContain('PROCTIME() AS `__rt`');
  });

  it("reads a join side's fields after the join (left.price) and writes the sides as ROW columns", () => {
    const { all } = views(
      { id: 'j', kind: 'join.interval', params: { before: '1s', after: '1s' } },
      { after: [{ id: 'big', kind: 'filter', params: { expr: 'left.price > 10.0' } }, { id: 'm', kind: 'map', params: { keepInput: true, fields: [{ as: 'paid', expr: 'right.amount * 2.0' }] } }] },
    );
    expect(all.find((s) => s.startsWith('CREATE TEMPORARY VIEW `big`'))).toContain('WHERE (`left`.`price` > 1E1)');
    expect(all.find((s) => s.startsWith('CREATE TEMPORARY VIEW `m`'))).toContain('(`right`.`amount` * 2E0) AS `paid`');
    expect(all.find((s) => s.startsWith('CREATE TEMPORARY TABLE `out`'))).toContain('`left` ROW<`user` STRING, `item` BIGINT, `qty` BIGINT, `price` DOUBLE, `ts` BIGINT>,\n  `right` ROW<`user` STRING, `amount` DOUBLE, `ts` BIGINT>,\n  `paid` DOUBLE');
  });

  it('refuses what would differ: event-time nodes after an interval or regular join, time-bounded joins on processing time, unknown fields', () => {
    const window: Step = { id: 'w', kind: 'window.tumbling', params: { size: '1m', aggregate: [{ fn: 'count', as: 'n' }] } };
    for (const kind of ['join.interval', 'join.regular']) {
      const r = compile({ id: 'j', kind }, { after: [{ id: 'f', kind: 'filter', params: { expr: 'key != "x"' } }, { id: 'k', kind: 'keyBy', params: { key: 'key' } }, window] });
      expect(r.ok || r.issues).toEqual([expect.objectContaining({ code: 'flink_no_event_time', nodeId: 'w', message: expect.stringMatching(/needs event time on Flink, but j \(an? (interval|regular) join\)/) })]);
    }
    const p = compile({ id: 'j', kind: 'join.window', params: { size: '1m' } }, { config: { parallelism: 1, time: 'processing' } });
    expect(p.ok || p.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_time', nodeId: 'j' })]);
    const f = compile({ id: 'j', kind: 'join.interval' }, { after: [{ id: 'f', kind: 'filter', params: { expr: 'left.amount > 1.0' } }] });
    expect(f.ok || f.issues).toEqual([expect.objectContaining({ code: 'flink_untranslatable_expression', nodeId: 'f', message: expect.stringMatching(/"amount" is not one of its fields/) })]);
  });

  it('refuses a PostgreSQL sink of a whole join side (a column takes one value)', () => {
    const sink: Step = { id: 'out', kind: 'sink.postgres', params: { connectionString: 'postgres://u:p@127.0.0.1:5432/db', table: 't', mode: 'append', createTable: false } };
    const r = compile({ id: 'j', kind: 'join.regular' }, { sink });
    expect(r.ok || r.issues).toEqual([expect.objectContaining({ code: 'flink_unsupported_type', nodeId: 'out', message: expect.stringMatching(/"left" is a whole record/) })]);
  });
});
