import { describe, expect, it } from 'vitest';
import { createTableSql, insertSql, parseTableName, quoteIdent } from './sql.js';

describe('postgres sink SQL', () => {
  it('quotes every identifier, doubling embedded quotes, so user text cannot end it', () => {
    expect(quoteIdent('a')).toBe('"a"');
    expect(quoteIdent('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"');
    expect(() => quoteIdent('bad\0')).toThrow();
    expect(createTableSql(parseTableName('s.t"x'), [{ name: 'id', type: 'int' }], [])).toBe('CREATE TABLE IF NOT EXISTS "s"."t""x" ("id" bigint)');
  });

  it('maps field types to column types and makes the key columns the primary key', () => {
    const sql = createTableSql(parseTableName('counts'), [
      { name: 'id', type: 'int' }, { name: 'avg', type: 'double' }, { name: 'name', type: 'string' },
      { name: 'ok', type: 'bool' }, { name: 'tags', type: 'list' }, { name: 'x', type: 'dyn' },
    ], ['id']);
    expect(sql).toBe('CREATE TABLE IF NOT EXISTS "counts" ("id" bigint NOT NULL, "avg" double precision, "name" text, "ok" boolean, "tags" jsonb, "x" jsonb, PRIMARY KEY ("id"))');
  });

  it('builds multi-row inserts and upserts with parameters only', () => {
    const t = parseTableName('t');
    expect(insertSql(t, ['a', 'b'], 2, undefined)).toBe('INSERT INTO "t" ("a", "b") VALUES ($1, $2), ($3, $4)');
    expect(insertSql(t, ['k', 'v'], 1, ['k'])).toBe('INSERT INTO "t" ("k", "v") VALUES ($1, $2) ON CONFLICT ("k") DO UPDATE SET "v" = EXCLUDED."v"');
    expect(insertSql(t, ['k'], 1, ['k'])).toBe('INSERT INTO "t" ("k") VALUES ($1) ON CONFLICT ("k") DO NOTHING');
  });
});
