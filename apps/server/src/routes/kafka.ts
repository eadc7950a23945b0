import express, { type Request, type RequestHandler, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { RiffleError } from '@riffle/shared';
import { listKafkaTopics, parseBrokers, previewKafkaTopic, MAX_PREVIEW_RECORDS } from '@riffle/engine';
import { HttpError } from '../http-errors.js';

/** A Kafka topic name: what the broker accepts (letters, digits, `.`, `_`, `-`; at most 249). */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
/** Budget of one call to the brokers: the inspector waits for it, so keep it short. */
const TIMEOUT_MS = 5000;

export interface KafkaRouterOptions {
  /** Calls per client and minute (each opens connections to the brokers); default 30. `false`: no limit. */
  limitPerMinute?: number | false;
  /** Budget of one call to the brokers, default 5 000 ms. */
  timeoutMs?: number;
}

/**
 * `/api/kafka`: what the inspector of `source.kafka` and `sink.kafka` asks a cluster.
 * - `GET /topics?brokers=h:p,h:p` → `{ topics: string[] }`
 * - `GET /topics/:topic/preview?brokers=…&limit=10` → `{ records: PreviewedRecord[] }` (newest
 *   last, at most 50, read without a consumer group: nothing is committed).
 * Unlike the other reads these are rate-limited (each opens connections to the given brokers).
 * Bad brokers or topic → 400; a cluster that does not answer in time → 502 `kafka_unreachable`.
 */
export function kafkaRouter(opts: KafkaRouterOptions = {}): Router {
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  const r = express.Router();
  if (opts.limitPerMinute !== false) r.use(limiter(opts.limitPerMinute ?? 30));

  r.get('/topics', async (req, res) => {
    const brokers = brokersOf(req);
    res.json({ topics: await engineCall(() => listKafkaTopics(brokers, { timeoutMs })) });
  });

  r.get('/topics/:topic/preview', async (req, res) => {
    const brokers = brokersOf(req);
    const topic = req.params.topic;
    if (typeof topic !== 'string' || !TOPIC.test(topic)) throw new HttpError('invalid_topic', 'a topic name has 1 to 249 letters, digits, ".", "_" or "-"');
    const limit = limitOf(req.query.limit);
    res.json({ records: await engineCall(() => previewKafkaTopic(brokers, topic, { limit, timeoutMs })) });
  });
  return r;
}

function brokersOf(req: Request): string[] {
  const q = req.query.brokers;
  if (typeof q !== 'string') throw new HttpError('invalid_brokers', 'brokers: give them once, as ?brokers=host:port[,host:port]');
  try {
    return parseBrokers(q);
  } catch (e) {
    throw toHttp(e);
  }
}

function limitOf(q: unknown): number {
  if (q === undefined) return 10;
  if (typeof q !== 'string' || !/^\d{1,3}$/.test(q) || Number(q) < 1 || Number(q) > MAX_PREVIEW_RECORDS)
    throw new HttpError('invalid_limit', `limit: a whole number from 1 to ${MAX_PREVIEW_RECORDS}`);
  return Number(q);
}

async function engineCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toHttp(e);
  }
}

function toHttp(e: unknown): unknown {
  if (!(e instanceof RiffleError)) return e;
  // A topic that does not exist is not found; the rest follows the error's domain.
  if (e.code === 'kafka_topic_unavailable') return new HttpError(e.code, e.message, { status: 404, retryable: true });
  return HttpError.fromRiffle(e.toJSON());
}

function limiter(limit: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new HttpError('rate_limited', `more than ${limit} Kafka look-ups per minute from this client; wait for the time in the Retry-After header`, { status: 429, retryable: true })),
  });
}
