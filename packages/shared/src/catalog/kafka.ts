import { z } from 'zod';
import { Duration, parseDuration } from '../duration.js';
import { FIELD_TYPES, type RecordSchema } from '../fields.js';
import { compileRegex, MAX_REGEX_LENGTH } from '../expr/regex.js';
import { checkExpr, checkSourceTime, DeclaredFieldName, Expr, OnError, single, SourceOnError } from './helpers.js';
import type { OperatorDef, ParamIssue } from './types.js';

/** `host:port`; a bare host or a URL is a common mistake, so say what is expected. */
const Broker = z
  .string()
  .regex(/^[A-Za-z0-9._-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/, 'a broker address as host:port, e.g. "localhost:9092"');
const Brokers = z.array(Broker).min(1, 'add at least one broker (host:port)').describe('Bootstrap brokers, host:port');
/** Kafka's legal topic names: up to 249 of [a-zA-Z0-9._-]. */
const Topic = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a topic name: 1–249 letters, digits, ".", "_" or "-"');

/** Longest transaction the broker accepts by default (`transaction.max.timeout.ms`). */
export const MAX_TRANSACTION_TIMEOUT_MS = 15 * 60_000;

const KafkaSourceParams = z.strictObject({
  brokers: Brokers,
  /** One topic; or, instead, `topicPattern`. */
  topic: Topic.optional().describe('The topic to read (or set topicPattern instead)'),
  /** Every topic whose whole name matches (RE2 syntax, as Flink's `topic-pattern` matches whole names). */
  topicPattern: z
    .string()
    .min(1)
    .max(MAX_REGEX_LENGTH)
    .optional()
    .describe('Read every topic whose whole name matches this regular expression (RE2 syntax), e.g. "orders-.*"; instead of topic'),
  /**
   * How often new partitions (and, with a pattern, new topics) are looked for while the job runs;
   * they are read from their earliest offset (Flink's KafkaSource since 1.18: on by default, 5 min).
   * `0s` turns discovery off; a bounded source never discovers.
   */
  partitionDiscovery: Duration.default('5m').describe('How often to look for new partitions and matching topics ("0s": never); new ones are read from the earliest offset'),
  /** Group under which the source commits its offsets, for monitoring (not for assignment). */
  groupId: z.string().min(1).optional().describe('Consumer group the read positions are committed to, for lag monitoring (partitions are not assigned through it)'),
  /** `json`: one JSON object per message; `string`: `{key, value}` as text; `csv`: one line in the order of `fields`. */
  format: z.enum(['json', 'string', 'csv']).default('json').describe('json: one object per message; string: {key, value} as text; csv: one header-less line, columns in the order of fields'),
  startFrom: z
    .union([z.enum(['earliest', 'latest', 'group']), z.strictObject({ timestamp: z.int().min(0) })])
    .default('earliest')
    .describe('"earliest", "latest", "group" (the positions committed to groupId), or {"timestamp": epoch ms}'),
  /** Stop at the log-end offsets seen at start (a batch run over what is in the topic now). */
  bounded: z.boolean().default(false).describe('Stop at the log end seen at start (a batch run); otherwise read forever'),
  /** Records per second over all subtasks; unlimited when absent (replays, tests). */
  ratePerSec: z.number().positive().optional().describe('Read at most this many records per second (all subtasks together); unlimited when empty'),
  /** Declared record fields; without them the schema is open and fields are typed `dyn`. */
  fields: z.array(z.strictObject({ name: DeclaredFieldName, type: z.enum(FIELD_TYPES) })).optional().describe('Declared fields; records with a wrong type are dead-lettered. Without them fields are untyped'),
  /** Malformed records also go to this topic, with their original bytes and error headers. */
  dlqTopic: Topic.optional().describe('Also send malformed records here, with their original bytes and error headers'),
  /** A field name or CEL expression giving the event time (epoch ms); default: the Kafka record timestamp. */
  timestamp: z.string().min(1).optional().meta({ format: 'cel' }).describe('Field or expression giving the event time (epoch ms); default: the Kafka record timestamp'),
  onError: SourceOnError,
  watermark: z
    .strictObject({
      maxOutOfOrderness: Duration.default('0s'),
      /** A partition without records for this long stops holding back the watermark. */
      idleTimeout: Duration.optional().describe('A partition without records this long stops holding back the watermark'),
      /**
       * 0: emit the watermark right after each record that advances it, so lateness depends on the
       * topic's order only (replays, tests; Flink's `on-event` emission). Absent: after each batch read.
       */
      intervalMs: z.literal(0).optional().describe('0: a watermark after every record that advances it (lateness then depends on input order only); empty: after each batch read'),
    })
    .default({ maxOutOfOrderness: '0s' }),
});
export type KafkaSourceParams = z.infer<typeof KafkaSourceParams>;

/** The records a Kafka source emits, from its format and declared fields. */
export function kafkaSourceSchema(p: Pick<KafkaSourceParams, 'format' | 'fields'>): RecordSchema {
  if (p.format === 'string') return { open: false, fields: [{ name: 'key', type: 'string' }, { name: 'value', type: 'string' }] };
  if (p.fields) return { open: false, fields: p.fields.map((f) => ({ name: f.name, type: f.type })) };
  return { open: true, fields: [] };
}

export const kafkaSource: OperatorDef<KafkaSourceParams> = {
  kind: 'source.kafka',
  label: 'Kafka',
  category: 'source',
  description:
    'Reads a Kafka topic (or every topic matching a pattern); partitions are spread over the parallel subtasks. Event time from a field or the record timestamp, watermarks per partition. Malformed records are dead-lettered.',
  params: KafkaSourceParams,
  inputs: [],
  outputs: [{ name: 'out' }],
  defaults: { brokers: ['localhost:9092'], topic: 'events', format: 'json', startFrom: 'earliest', watermark: { maxOutOfOrderness: '5s', idleTimeout: '30s' } },
  infer(params) {
    const issues: ParamIssue[] = [];
    const output = kafkaSourceSchema(params);
    if (params.format === 'csv' && !params.fields?.length) {
      issues.push({ path: ['fields'], code: 'bad_params', message: 'csv needs the declared fields, in column order' });
    }
    if (params.startFrom === 'group' && params.groupId === undefined) {
      issues.push({ path: ['startFrom'], code: 'bad_params', message: 'startFrom "group" needs a groupId' });
    }
    if ((params.topic === undefined) === (params.topicPattern === undefined)) {
      issues.push({ path: ['topic'], code: 'bad_params', message: 'set either topic or topicPattern (one of them)' });
    }
    if (params.topicPattern !== undefined) {
      try {
        compileRegex(params.topicPattern);
      } catch (e) {
        issues.push({ path: ['topicPattern'], code: 'bad_params', message: (e as Error).message.replace('matches() uses', 'topicPattern uses') });
      }
    }
    if (params.dlqTopic !== undefined && (params.dlqTopic === params.topic || (params.topicPattern !== undefined && topicMatches(params.topicPattern, params.dlqTopic)))) {
      issues.push({ path: ['dlqTopic'], code: 'bad_params', message: 'the dead-letter topic must differ from the input topic (and not match topicPattern)' });
    }
    checkSourceTime(issues, params.timestamp, output);
    return { output, issues };
  },
  summary: (p) => `${p.topic ?? `/${p.topicPattern ?? ''}/`} · ${p.format}${p.bounded ? ' · bounded' : ''}`,
};

/** Whether `topic` is one a source with `topicPattern` reads: the whole name matches (RE2). */
export function topicMatches(topicPattern: string, topic: string): boolean {
  try {
    return compileRegex(topicPattern).matcher(topic).matches();
  } catch {
    return false;
  }
}

const KafkaSinkParams = z.strictObject({
  brokers: Brokers,
  topic: Topic,
  /** CEL expression (or field name) for the message key; no key when absent. */
  key: Expr.optional().describe('Expression (or field) for the message key; no key when empty'),
  /** What a record whose `key` expression fails on goes to (T18). */
  onError: OnError,
  format: z.enum(['json']).default('json'),
  delivery: z.enum(['exactly-once', 'at-least-once']).default('at-least-once').describe('exactly-once: transactions, visible to read_committed consumers on commit; at-least-once: idempotent producer'),
  /** Exactly-once only: how long an open transaction may last (the broker's maximum is 15m). */
  transactionTimeout: Duration.refine((s) => (parseDuration(s) ?? 0) >= 1000, 'at least 1s')
    .refine((s) => (parseDuration(s) ?? 0) <= MAX_TRANSACTION_TIMEOUT_MS, 'at most 15m (the broker\'s transaction.max.timeout.ms)')
    .default('15m')
    .describe('Exactly-once: longest a transaction may stay open (at most 15m, the broker maximum)'),
  /** Exactly-once in a job without checkpoints only: how often the open transaction commits (checkpoints drive commits otherwise). */
  commitInterval: Duration.refine((s) => (parseDuration(s) ?? 0) > 0, 'must be greater than zero').default('5s').describe('Exactly-once without checkpoints: how often the open transaction commits'),
  /**
   * Exactly-once only: prefix of the transactional ids: `<prefix>-<subtask>-<n>` with checkpoints
   * (default `riffle-<job id>-<node id>`), `<prefix>-<subtask>` without (default `riffle-<topic>-<node id>`).
   */
  transactionalIdPrefix: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/).optional().describe('Exactly-once: transactional ids are <prefix>-<subtask>-<n> (with checkpoints; default riffle-<job id>-<node id>) or <prefix>-<subtask>'),
});
export type KafkaSinkParams = z.infer<typeof KafkaSinkParams>;

export const kafkaSink: OperatorDef<KafkaSinkParams> = {
  kind: 'sink.kafka',
  label: 'Kafka',
  category: 'sink',
  description:
    'Writes records as JSON to a Kafka topic: at-least-once (idempotent producer) or exactly-once (transactions). A record larger than the topic allows is dead-lettered.',
  params: KafkaSinkParams,
  inputs: [{ name: 'in' }],
  outputs: [],
  defaults: { brokers: ['localhost:9092'], topic: 'output', format: 'json', delivery: 'at-least-once' },
  infer(params, ctx) {
    const input = single(ctx.inputs);
    const issues: ParamIssue[] = [];
    if (params.key !== undefined) checkExpr(issues, ['key'], params.key, input);
    const timeout = parseDuration(params.transactionTimeout) ?? 0;
    if (params.delivery === 'exactly-once' && ctx.checkpoints !== undefined) {
      // A transaction stays open from one barrier until the next checkpoint completes: up to an
      // interval plus a checkpoint timeout. A shorter timeout lets the broker abort it first.
      const needed = ctx.checkpoints.intervalMs + ctx.checkpoints.timeoutMs;
      if (timeout < needed)
        issues.push({ path: ['transactionTimeout'], code: 'bad_params', message: `must be at least the checkpoint interval + checkpoint timeout (${needed} ms), or the broker aborts transactions before their checkpoint completes` });
    } else if (params.delivery === 'exactly-once' && (parseDuration(params.commitInterval) ?? 0) >= timeout) {
      issues.push({ path: ['commitInterval'], code: 'bad_params', message: 'must be shorter than transactionTimeout' });
    }
    return { output: input, issues };
  },
  summary: (p) => `${p.topic} · ${p.delivery}`,
};
