import { toJsonPath } from '../json-path.js';
import { SPEC_VERSION } from '../spec.schema.js';

export interface MigrationProblem {
  path: string;
  message: string;
  code: 'unsupported_version';
}

/** One step from version `from` to `from + 1`. */
export interface Migration {
  from: number;
  migrate(spec: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Ordered migrations. Version 1 is the first format, so there are none yet; a change to the spec
 * format adds `{ from: 1, migrate }` here together with a test in `migrations.test.ts`.
 */
export const MIGRATIONS: readonly Migration[] = [];

/**
 * Brings a saved spec up to the current `specVersion`. Specs without a version are treated as
 * version 1. Newer versions than this build knows are refused.
 */
export function migrateSpec(
  input: unknown,
  migrations: readonly Migration[] = MIGRATIONS,
  current: number = SPEC_VERSION,
): { ok: true; spec: unknown } | { ok: false; problem: MigrationProblem } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: true, spec: input };
  let spec = input as Record<string, unknown>;
  const raw = spec.specVersion ?? 1;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) return { ok: true, spec };
  if (raw > current) {
    return {
      ok: false,
      problem: {
        path: toJsonPath(['specVersion']),
        code: 'unsupported_version',
        message: `specVersion ${raw} is newer than this Riffle understands (${current}); upgrade Riffle`,
      },
    };
  }
  for (let v = raw; v < current; v++) {
    const m = migrations.find((x) => x.from === v);
    if (!m) {
      return { ok: false, problem: { path: '$.specVersion', code: 'unsupported_version', message: `no migration from specVersion ${v}` } };
    }
    spec = { ...m.migrate(spec), specVersion: v + 1 };
  }
  return { ok: true, spec: spec.specVersion === undefined ? { ...spec, specVersion: 1 } : spec };
}
