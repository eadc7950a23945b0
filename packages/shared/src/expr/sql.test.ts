import { describe, expect, it } from 'vitest';
import { CLICKSTREAM_SCHEMA } from '../catalog/index.js';
import type { RecordSchema } from '../fields.js';
import { celToSql, type SqlField } from './sql.js';

const sql = (e: string) => {
  const r = celToSql(e, CLICKSTREAM_SCHEMA);
  if (!r.ok) throw new Error(r.message);
  return r.sql;
};

describe('CEL → Flink SQL', () => {
  it('translates fields, literals, comparisons and boolean logic', () => {
    expect(sql("event_type == 'purchase' && price > 100.0")).toBe("((`event_type` = 'purchase') AND (`price` > 1E2))");
    expect(sql('!(user_id != 3) || product_id <= 7')).toBe('((NOT (`user_id` <> 3)) OR (`product_id` <= 7))');
    expect(sql("event_type in ['view', 'click']")).toBe("(`event_type` IN ('view', 'click'))");
  });

  it('keeps types: integer arithmetic, MOD, doubles as DOUBLE literals, string + as ||', () => {
    expect(celToSql('user_id * 100 + product_id % 7', CLICKSTREAM_SCHEMA)).toEqual({ ok: true, sql: '((`user_id` * 100) + MOD(`product_id`, 7))', type: 'int' });
    expect(celToSql('price * 1.5', CLICKSTREAM_SCHEMA)).toEqual({ ok: true, sql: '(`price` * 1.5E0)', type: 'double' });
    expect(celToSql("'user-' + string(user_id)", CLICKSTREAM_SCHEMA)).toEqual({ ok: true, sql: "('user-' || CAST(`user_id` AS STRING))", type: 'string' });
    expect(sql('int(price) / 2')).toBe('(CAST(`price` AS BIGINT) / 2)');
  });

  it('escapes string literals, and translates the string functions it knows', () => {
    expect(sql("event_type == 'it''s'".replace("''", "\\'"))).toBe("(`event_type` = 'it''s')");
    expect(sql("event_type.startsWith('pur') && size(event_type) > 3")).toBe("((POSITION('pur' IN `event_type`) = 1) AND (CHAR_LENGTH(`event_type`) > 3))");
    expect(sql("event_type.endsWith('ase')")).toBe("(RIGHT(`event_type`, CHAR_LENGTH('ase')) = 'ase')");
  });

  it('refuses what it cannot translate, naming it, instead of guessing', () => {
    const r = celToSql("event_type.matches('^p')", CLICKSTREAM_SCHEMA);
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/cannot run on Flink: the method \.matches\(\)/) });
    expect(celToSql('[1, 2].size() > 1', CLICKSTREAM_SCHEMA).ok).toBe(false);
    expect(celToSql('nope > 1', CLICKSTREAM_SCHEMA)).toEqual({ ok: false, message: expect.stringMatching(/invalid expression/) });
  });

  it("translates a field of a join's left/right (a ROW whose fields it knows), and refuses the rest", () => {
    const joined: RecordSchema = {
      fields: [
        { name: 'key', type: 'string' },
        { name: 'left', type: 'map', row: [{ name: 'price', type: 'double' }, { name: 'user', type: 'string' }] } as SqlField,
        { name: 'other', type: 'map' },
      ],
      open: false,
    };
    expect(celToSql('left.price > 10.0', joined)).toEqual({ ok: true, sql: '(`left`.`price` > 1E1)', type: 'bool' });
    expect(celToSql("left['user'] + '!'", joined)).toEqual({ ok: true, sql: "(`left`.`user` || '!')", type: 'string' });
    expect(celToSql('left.price', joined)).toEqual({ ok: true, sql: '`left`.`price`', type: 'double' });
    expect(celToSql('left.nope == 1', joined)).toEqual({ ok: false, message: expect.stringMatching(/"nope" is not one of its fields \(price, user\)/) });
    expect(celToSql('other.x == 1', joined)).toEqual({ ok: false, message: expect.stringMatching(/field access \(\.x\) needs a value whose fields are known/) });
    expect(celToSql("left[key] == 1", joined).ok).toBe(false);
  });
});
