import type { FieldType } from '@riffle/shared';
import { sqlType, TIME } from './sql.js';

/** Characters of the time prefix `yyyyMMddHHmmssSSS` that {@link firstLastCall} puts before each value. */
const STAMP = 17;

/**
 * Riffle's `first`/`last` as a Flink SQL aggregate: the value of the record with the smallest
 * (first) or largest (last) event timestamp, whatever order the records arrive in. Flink's
 * FIRST_VALUE/LAST_VALUE take arrival order instead, so they would differ on out-of-order input.
 * Each value is prefixed with its record's time as a fixed-width text stamp; MIN/MAX of that text
 * picks the earliest/latest record, and the value is cut out and cast back to its type. As in
 * Riffle, NULL values are skipped (the prefixed text is NULL too). Records of a key with the same
 * millisecond differ: Riffle keeps the one that arrived first, this the smaller (MIN) or larger
 * (MAX) value; the plan's notes say so.
 * @example firstLastCall('first', '`item`', 'string', ' OVER w')
 * // SUBSTRING(MIN(CONCAT(DATE_FORMAT(CAST(`__rt` AS TIMESTAMP(3)), 'yyyyMMddHHmmssSSS'), CAST(`item` AS STRING))) OVER w FROM 18)
 */
export function firstLastCall(fn: 'first' | 'last', value: string, type: FieldType, over = ''): string {
  const stamp = `DATE_FORMAT(CAST(${TIME} AS TIMESTAMP(3)), 'yyyyMMddHHmmssSSS')`;
  const pick = `${fn === 'first' ? 'MIN' : 'MAX'}(CONCAT(${stamp}, CAST(${value} AS STRING)))${over}`;
  const text = `SUBSTRING(${pick} FROM ${STAMP + 1})`;
  return type === 'string' ? text : `CAST(${text} AS ${sqlType(type)!})`;
}

/** The plan note for nodes with first/last. */
export const FIRST_LAST_NOTE = 'first/last pick by event time on both engines; between records of a key with the same millisecond, Riffle keeps the earlier arrival, Flink the smaller (first) or larger (last) value';
