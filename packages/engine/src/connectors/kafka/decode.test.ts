import { describe, expect, it } from 'vitest';
import type { FetchedRecord } from './client.js';
import { decodeRecord, parseCsvLine, RecordDecodeError } from './decode.js';

const rec = (value: Buffer | string | null, key: string | null = null): FetchedRecord => ({
  offset: 7, timestamp: 1000, key: key === null ? null : Buffer.from(key), value: typeof value === 'string' ? Buffer.from(value) : value, headers: {},
});
const fields = [{ name: 'id', type: 'int' as const }, { name: 'name', type: 'string' as const }, { name: 'ok', type: 'bool' as const }];

function errorOf(fn: () => unknown): RecordDecodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RecordDecodeError) return e;
    throw e;
  }
  throw new Error('expected a RecordDecodeError');
}

describe('decodeRecord', () => {
  it('json: an object, checked against declared fields (absent or null allowed)', () => {
    expect(decodeRecord(rec('{"id":1,"name":"a"}'), 'json', fields)).toEqual({ id: 1, name: 'a' });
    expect(decodeRecord(rec('{"anything":[1]}'), 'json', undefined)).toEqual({ anything: [1] });
    expect(errorOf(() => decodeRecord(rec('{"id":"1"}'), 'json', fields)).errorClass).toBe('WrongType');
    expect(errorOf(() => decodeRecord(rec('{"id":1.5}'), 'json', fields)).errorClass).toBe('WrongType');
    expect(errorOf(() => decodeRecord(rec('not json'), 'json', undefined)).errorClass).toBe('InvalidJson');
    expect(errorOf(() => decodeRecord(rec('[1,2]'), 'json', undefined)).errorClass).toBe('NotAnObject');
  });

  it('rejects tombstones and invalid UTF-8', () => {
    expect(errorOf(() => decodeRecord(rec(null), 'json', undefined)).errorClass).toBe('NullValue');
    expect(errorOf(() => decodeRecord(rec(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'json', undefined)).errorClass).toBe('InvalidUtf8');
    expect(errorOf(() => decodeRecord(rec(Buffer.from([0xc3])), 'string', undefined)).errorClass).toBe('InvalidUtf8');
  });

  it('string: key and value as text', () => {
    expect(decodeRecord(rec('héllo', 'k1'), 'string', undefined)).toEqual({ key: 'k1', value: 'héllo' });
    expect(decodeRecord(rec(''), 'string', undefined)).toEqual({ key: null, value: '' });
  });

  it('csv: header-less columns in declared order, typed, with RFC 4180 quoting', () => {
    expect(decodeRecord(rec('1,"a, ""b""",true'), 'csv', fields)).toEqual({ id: 1, name: 'a, "b"', ok: true });
    expect(parseCsvLine('2,,false\n', fields)).toEqual({ id: 2, name: null, ok: false });
    expect(errorOf(() => parseCsvLine('x,a,true', fields)).errorClass).toBe('WrongType');
    expect(errorOf(() => parseCsvLine('1,a', fields)).errorClass).toBe('CsvColumns');
    expect(errorOf(() => parseCsvLine('1,"a,true', fields)).errorClass).toBe('CsvSyntax');
  });
});
