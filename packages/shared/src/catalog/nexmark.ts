import { z } from 'zod';
import type { RecordSchema } from '../fields.js';
import { checkSourceTime, SourceTimeParams } from './helpers.js';
import type { OperatorDef, ParamIssue } from './types.js';

/**
 * Fields of the Nexmark stream: persons (`event_type` 0), auctions (1) and bids (2) on one
 * stream, as in the Nexmark suite's Flink table. Each record carries only the fields of its
 * kind, so queries filter on `event_type` before reading the others. `dateTime` and `expires`
 * are epoch milliseconds; ids, prices and categories are integers.
 */
export const NEXMARK_SCHEMA: RecordSchema = {
  open: false,
  fields: [
    { name: 'event_type', type: 'int' },
    // person
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'emailAddress', type: 'string' },
    { name: 'creditCard', type: 'string' },
    { name: 'city', type: 'string' },
    { name: 'state', type: 'string' },
    // auction (also `id`)
    { name: 'itemName', type: 'string' },
    { name: 'description', type: 'string' },
    { name: 'initialBid', type: 'int' },
    { name: 'reserve', type: 'int' },
    { name: 'expires', type: 'int' },
    { name: 'seller', type: 'int' },
    { name: 'category', type: 'int' },
    // bid
    { name: 'auction', type: 'int' },
    { name: 'bidder', type: 'int' },
    { name: 'price', type: 'int' },
    { name: 'channel', type: 'string' },
    { name: 'url', type: 'string' },
    // all kinds
    { name: 'dateTime', type: 'int' },
    { name: 'extra', type: 'string' },
  ],
};

const NexmarkParams = z.strictObject({
  /** Event-time rate: event i is stamped `baseTime + i · 1e6 / eventsPerSec` µs (not the wall clock). */
  eventsPerSec: z.number().positive().max(1e9).default(1_000_000),
  /** Total events over all subtasks; unbounded when absent. */
  maxEvents: z.int().min(0).optional(),
  /** Seeds every event's random draws; with it, the stream is a pure function of the params. */
  seed: z.int().default(0),
  /** Event time of event 0 (epoch ms). A fixed default keeps runs deterministic. */
  baseTime: z.int().min(0).default(Date.UTC(2026, 0, 1)),
  /** Wall-clock emission limit over all subtasks (events/s); unlimited when absent. */
  ratePerSec: z.number().positive().max(1e9).optional(),
  ...SourceTimeParams,
  timestamp: SourceTimeParams.timestamp.default('dateTime'),
});
export type NexmarkParams = z.infer<typeof NexmarkParams>;

export const nexmarkSource: OperatorDef<NexmarkParams> = {
  kind: 'source.nexmark',
  label: 'Nexmark',
  category: 'source',
  description: 'The Nexmark benchmark stream (persons, auctions, bids; 1 : 3 : 46), deterministic; bounded when maxEvents is set.',
  params: NexmarkParams,
  inputs: [],
  outputs: [{ name: 'out' }],
  defaults: { eventsPerSec: 1_000_000, seed: 0, timestamp: 'dateTime', watermark: { maxOutOfOrderness: '4s' } },
  infer(params) {
    const issues: ParamIssue[] = [];
    checkSourceTime(issues, params.timestamp, NEXMARK_SCHEMA);
    return { output: NEXMARK_SCHEMA, issues };
  },
  summary: (p) => `nexmark · ${p.eventsPerSec}/s event time${p.maxEvents === undefined ? '' : ` · ${p.maxEvents} events`}`,
};
