import type { DatagenParams } from '@riffle/shared';
import type { Compilation, NodeCompiler, NodeInput, Stream } from './context.js';
import { sourceTable } from './source-table.js';
import { epochMillis } from './sql.js';
import { sourceColumns } from './source-time.js';

/** Keys of the `sequence` profile when the spec gives none (engine operators/source-datagen.ts). */
const DEFAULT_SEQUENCE_KEYS = 1000;

/** Riffle's clickstream events lag their nominal time by up to this much (engine datagen/clickstream.ts). */
const MAX_JITTER_MS = 3000;

/**
 * `source.datagen` (clickstream profile) → Flink's `datagen` connector with the same fields and
 * value ranges (user 1–1000, product 1–100, ~70 % view / 25 % click / 5 % purchase, `ts` on the
 * same schedule from `startTime` minus up to 3 s of jitter), the same rate and count. The values
 * are Flink's random ones, not Riffle's seeded sequence, so the two targets give different rows
 * (the plan says so). The generated helper columns start with `__`; views select the record's
 * fields by name, so they go no further than the table.
 */
export const compileDatagenSource: NodeCompiler<DatagenParams> = (c, n) => {
  const p = n.params;
  if (p.timestamp !== 'ts') {
    // A computed column cannot read another one, so the time column repeats ts's formula.
    c.issue(n, 'flink_unsupported_param', 'on Flink the generator takes its event time from ts only', ['params', 'timestamp']);
    return undefined;
  }
  const start = p.startTime ?? Date.now();
  if (p.profile === 'sequence') return compileSequence(c, n, start);
  // Flink's sequence generator holds every value it will emit, so only a bounded generator
  // numbers its records; an endless one stamps them with the wall clock, where Riffle's schedule
  // (record i at start + i / rate) is when a rate-limited record is made anyway.
  const bounded = p.count !== undefined;
  const due = bounded ? `${start} + CAST(\`__seq\` * 1000 / CAST(${p.ratePerSec} AS DOUBLE) AS BIGINT)` : epochMillis('CAST(CURRENT_ROW_TIMESTAMP() AS TIMESTAMP(3))');
  const ts = `(${due} - \`__jitter\`)`;
  const generated = [
    '`user_id` BIGINT',
    '`product_id` BIGINT',
    '`price` DOUBLE',
    '`__kind` INT',
    '`__jitter` INT',
    ...(bounded ? ['`__seq` BIGINT'] : []),
    "`event_type` AS CASE WHEN `__kind` < 70 THEN 'view' WHEN `__kind` < 95 THEN 'click' ELSE 'purchase' END",
    `\`ts\` AS ${ts}`,
  ];
  const defs = sourceColumns(c, n, [], p, { columns: generated, timestampSql: ts });
  if (defs === undefined) return undefined;
  c.notes.push(`${n.node.id}: Flink's datagen draws random values in the same ranges, not Riffle's seeded sequence (seed ${p.seed}): the rows differ between the targets`);
  if (!bounded) c.notes.push(`${n.node.id}: without a count, event time on Flink follows the wall clock (startTime is not used)`);
  else if (p.startTime === undefined) c.notes.push(`${n.node.id}: no startTime, so event time starts when the job was compiled (${start})`);
  return sourceTable(
    c,
    n,
    defs,
    {
      connector: 'datagen',
      // Flink's rate is a whole number of rows a second.
      'rows-per-second': Math.max(1, Math.round(p.ratePerSec)),
      'number-of-rows': p.count,
      'fields.user_id.min': 1,
      'fields.user_id.max': 1000,
      'fields.product_id.min': 1,
      'fields.product_id.max': 100,
      'fields.price.min': 4.5,
      'fields.price.max': 1098.9,
      'fields.__kind.min': 0,
      'fields.__kind.max': 99,
      'fields.__jitter.min': 0,
      'fields.__jitter.max': MAX_JITTER_MS - 1,
      'fields.__seq.kind': bounded ? 'sequence' : undefined,
      'fields.__seq.start': bounded ? 0 : undefined,
      'fields.__seq.end': bounded ? Math.max(0, p.count! - 1) : undefined,
    },
    n.type.output.fields,
  );
};

/**
 * The `sequence` profile → `datagen` numbering its rows 0, 1, 2, … (Flink's sequence generator):
 * `key` = i mod keys, `seq` = ⌊i / keys⌋ and `ts` on the same schedule, so both targets emit the
 * same rows. Bounded only: Flink's sequence generator holds every value it will emit.
 */
function compileSequence(c: Compilation, n: NodeInput<DatagenParams>, start: number): Stream | undefined {
  const p = n.params;
  if (p.count === undefined) {
    c.issue(n, 'flink_unsupported_param', 'on Flink the sequence profile needs a count (Flink\'s sequence generator holds every value it will emit)', ['params', 'count']);
    return undefined;
  }
  const keys = p.keys ?? DEFAULT_SEQUENCE_KEYS;
  const ts = `(${start} + CAST(\`__seq\` * 1000 / CAST(${p.ratePerSec} AS DOUBLE) AS BIGINT))`;
  const generated = ['`__seq` BIGINT', `\`key\` AS MOD(\`__seq\`, ${keys})`, `\`seq\` AS CAST(FLOOR(\`__seq\` / CAST(${keys} AS DOUBLE)) AS BIGINT)`, `\`ts\` AS ${ts}`];
  const defs = sourceColumns(c, n, [], p, { columns: generated, timestampSql: ts });
  if (defs === undefined) return undefined;
  if (p.startTime === undefined) c.notes.push(`${n.node.id}: no startTime, so event time starts when the job was compiled (${start})`);
  return sourceTable(
    c,
    n,
    defs,
    {
      connector: 'datagen',
      'rows-per-second': Math.max(1, Math.round(p.ratePerSec)),
      'number-of-rows': p.count,
      'fields.__seq.kind': 'sequence',
      'fields.__seq.start': 0,
      'fields.__seq.end': Math.max(0, p.count - 1),
    },
    n.type.output.fields,
  );
}
