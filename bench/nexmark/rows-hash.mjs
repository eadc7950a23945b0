// The output check of the Nexmark runner, shared by run.mjs (both systems) and run-riffle.mjs
// (`--out`, to compare an engine change before/after on Riffle alone).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Updating queries and their result key: Riffle emits the updated row for every change, so its
 * result is the latest row per key; Flink's changelog is materialized by NexmarkFlink.
 */
export const UPSERT_KEYS = { q4: ['category'] };

/** sha256 of the rows sorted, each row's fields in name order; non-integers to 3 decimals (Flink's q1 is DECIMAL). */
export function rowsHash(file, upsertKey) {
  let lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  if (upsertKey !== undefined) {
    const latest = new Map();
    for (const l of lines) {
      const r = JSON.parse(l);
      latest.set(JSON.stringify(upsertKey.map((k) => r[k])), l);
    }
    lines = [...latest.values()];
  }
  const canon = lines.map((l) => {
    const r = JSON.parse(l);
    return Object.keys(r).sort().map((k) => (typeof r[k] === 'number' && !Number.isInteger(r[k]) ? r[k].toFixed(3) : String(r[k]))).join('|');
  });
  canon.sort();
  return { rows: canon.length, sha256: createHash('sha256').update(canon.join('\n')).digest('hex') };
}
