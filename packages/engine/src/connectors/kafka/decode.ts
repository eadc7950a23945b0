import type { FieldType, KafkaSourceParams } from '@riffle/shared';
import type { Row } from '../../collector.js';
import type { FetchedRecord } from './client.js';

/** Why a Kafka record could not become a Riffle record (Kafka Connect's `errors.*` model). */
export class RecordDecodeError extends Error {
  constructor(
    message: string,
    /** Kafka Connect's stage names: `VALUE_CONVERTER` for bytes → record, `TIMESTAMP` for event time. */
    readonly stage: 'VALUE_CONVERTER' | 'TIMESTAMP',
    /** A short error class for the DLQ header, e.g. `NullValue`, `InvalidUtf8`. */
    readonly errorClass: string,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

type Declared = NonNullable<KafkaSourceParams['fields']>;

/**
 * Turns a record's bytes into a row per the source's format; throws {@link RecordDecodeError}.
 * A null value (a tombstone) is an error: a stream of rows has no deletes.
 */
export function decodeRecord(record: FetchedRecord, format: KafkaSourceParams['format'], fields: Declared | undefined): Row {
  if (record.value === null) throw new RecordDecodeError('null value (tombstone)', 'VALUE_CONVERTER', 'NullValue');
  let text: string;
  try {
    text = utf8.decode(record.value);
  } catch {
    throw new RecordDecodeError('value is not valid UTF-8', 'VALUE_CONVERTER', 'InvalidUtf8');
  }
  if (format === 'string') {
    let key: string | null = null;
    if (record.key !== null) {
      try {
        key = utf8.decode(record.key);
      } catch {
        throw new RecordDecodeError('key is not valid UTF-8', 'VALUE_CONVERTER', 'InvalidUtf8');
      }
    }
    return { key, value: text };
  }
  const row = format === 'csv' ? parseCsvLine(text, fields ?? []) : parseJsonObject(text);
  if (fields !== undefined && format === 'json') checkTypes(row, fields);
  return row;
}

function parseJsonObject(text: string): Row {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RecordDecodeError(`not valid JSON (${(e as Error).message})`, 'VALUE_CONVERTER', 'InvalidJson');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RecordDecodeError('not a JSON object', 'VALUE_CONVERTER', 'NotAnObject');
  }
  return value as Row;
}

/** Declared fields may be absent or null; a present value must have the declared type. */
function checkTypes(row: Row, fields: Declared): void {
  for (const f of fields) {
    const v = row[f.name];
    if (v === undefined || v === null) continue;
    if (!hasType(v, f.type)) {
      throw new RecordDecodeError(`field "${f.name}" is ${JSON.stringify(v)}, expected ${f.type}`, 'VALUE_CONVERTER', 'WrongType');
    }
  }
}

function hasType(v: unknown, t: FieldType): boolean {
  switch (t) {
    case 'int': return typeof v === 'number' && Number.isInteger(v);
    case 'double': return typeof v === 'number';
    case 'string': return typeof v === 'string';
    case 'bool': return typeof v === 'boolean';
    case 'list': return Array.isArray(v);
    case 'map': return typeof v === 'object' && !Array.isArray(v);
    default: return true;
  }
}

/** One header-less CSV line (RFC 4180 quoting) whose columns are the declared fields, in order. */
export function parseCsvLine(text: string, fields: Declared): Row {
  const cells = splitCsv(text.replace(/\r?\n$/, ''));
  if (cells.length !== fields.length) {
    throw new RecordDecodeError(`expected ${fields.length} CSV columns, got ${cells.length}`, 'VALUE_CONVERTER', 'CsvColumns');
  }
  const row: Row = {};
  fields.forEach((f, i) => {
    row[f.name] = csvValue(cells[i]!, f.name, f.type);
  });
  return row;
}

function csvValue(cell: string | null, name: string, type: FieldType): unknown {
  if (cell === null) return null;
  const bad = () => new RecordDecodeError(`column "${name}" is ${JSON.stringify(cell)}, expected ${type}`, 'VALUE_CONVERTER', 'WrongType');
  switch (type) {
    case 'int': {
      if (!/^-?\d+$/.test(cell)) throw bad();
      return Number(cell);
    }
    case 'double': {
      const n = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(n)) throw bad();
      return n;
    }
    case 'bool':
      if (cell === 'true') return true;
      if (cell === 'false') return false;
      throw bad();
    case 'list':
    case 'map': {
      try {
        const v: unknown = JSON.parse(cell);
        if (hasType(v, type)) return v;
      } catch {
        // fall through
      }
      throw bad();
    }
    default:
      return cell;
  }
}

/** Splits on commas outside quotes; an empty unquoted cell is null, `""` is the empty string. */
function splitCsv(line: string): Array<string | null> {
  const cells: Array<string | null> = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new RecordDecodeError('unterminated quoted CSV field', 'VALUE_CONVERTER', 'CsvSyntax');
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push(s);
      if (i < line.length && line[i] !== ',') throw new RecordDecodeError('text after a quoted CSV field', 'VALUE_CONVERTER', 'CsvSyntax');
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      const s = line.slice(i, end);
      cells.push(s === '' ? null : s);
      i = end;
    }
    if (i >= line.length) return cells;
    i++; // the comma
  }
}
