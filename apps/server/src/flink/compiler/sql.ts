import { sqlIdentifier, sqlString, type Field, type FieldType } from '@riffle/shared';

/** Every compiled relation carries its record time in this column (a rowtime or proctime attribute). */
export const TIME = '`__rt`';
/** Right after a keyBy, the key the next node groups or partitions by. */
export const KEY = '`__key`';

export const q = sqlIdentifier;
export const lit = sqlString;

const SQL_TYPES: Partial<Record<FieldType, string>> = { int: 'BIGINT', double: 'DOUBLE', string: 'STRING', bool: 'BOOLEAN' };

/** The Flink SQL type of a Riffle field type; lists, maps and untyped (`dyn`) fields have none yet. */
export function sqlType(t: FieldType): string | undefined {
  return SQL_TYPES[t];
}

/** The record columns of a relation, in schema order. */
export function columns(fields: readonly Field[]): string {
  return fields.map((f) => q(f.name)).join(', ');
}

/**
 * A duration as a day-time interval literal. `INTERVAL '90' SECOND` would overflow the default
 * two-digit leading precision, so every duration is written in full: `'D HH:MM:SS.mmm' DAY TO SECOND`.
 */
export function interval(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor(ms / 3_600_000) % 24;
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `INTERVAL '${d} ${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}' DAY TO SECOND(3)`;
}

/**
 * A window TVF's `window_start`/`window_end` (TIMESTAMP(3) in the session time zone, which the plan
 * sets to UTC) as epoch milliseconds, the unit Riffle's windows emit. Flink has no direct
 * TIMESTAMP → epoch-ms function, and TIMESTAMPDIFF returns an INT (seconds would overflow in 2038):
 * whole days since the epoch, then the time of day from its fields.
 */
export function epochMillis(timestamp: string): string {
  const days = `CAST(TIMESTAMPDIFF(DAY, TIMESTAMP '1970-01-01 00:00:00', ${timestamp}) AS BIGINT) * 86400000`;
  const time = `EXTRACT(HOUR FROM ${timestamp}) * 3600000 + EXTRACT(MINUTE FROM ${timestamp}) * 60000 + EXTRACT(SECOND FROM ${timestamp}) * 1000 + MOD(EXTRACT(MILLISECOND FROM ${timestamp}), 1000)`;
  return `(${days} + ${time})`;
}

/** A connector's `WITH (…)` clause. */
export function withOptions(options: Record<string, string | number | undefined>): string {
  const entries = Object.entries(options).filter((e): e is [string, string | number] => e[1] !== undefined);
  return `WITH (${entries.map(([k, v]) => `${lit(k)} = ${lit(String(v))}`).join(', ')})`;
}
