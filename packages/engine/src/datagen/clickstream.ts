import { fmix32 } from '../key-groups.js';

/** One record of the `clickstream` profile. */
export interface ClickEvent {
  user_id: number;
  product_id: number;
  event_type: 'view' | 'click' | 'purchase';
  price: number;
  ts: number;
}

/** Event times lag the nominal schedule by up to this much, so the stream is out of order within 3 s. */
export const MAX_JITTER_MS = 3000;

const TWO_32 = 4294967296;

/**
 * A counter-based random number: a pure function of (seed, i, stream), so record i can be
 * regenerated from its index alone (a checkpoint stores only "the next i").
 */
function rand32(seed: number, i: number, stream: number): number {
  let h = fmix32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream, 0xc2b2ae35));
  h = fmix32(h ^ (i >>> 0));
  return fmix32(h ^ Math.floor(i / TWO_32));
}

/** The list price of a product, a pure function of (seed, product). */
function listPrice(seed: number, product: number): number {
  const h = rand32(seed, product, 5);
  return h % 10 === 0 ? 200 + ((h >>> 8) % 800) : 5 + ((h >>> 8) % 55);
}

/**
 * Record `i` of the clickstream generated from `seed`. Users 1..1000 uniform; products 1..100
 * skewed toward low ids (a few best sellers); events ≈ 70 % view, 25 % click, 5 % purchase;
 * each product has a list price (most 5–59, every tenth or so a premium 200–999) and a record's
 * price is it ±10 %, so a user's spending has a history a purchase can stand out from; `ts`
 * follows the rate with a deterministic jitter in [0, 3000) ms.
 * @example clickEvent(42, 0, 1000, Date.UTC(2026, 0, 1)).ts
 */
export function clickEvent(seed: number, i: number, ratePerSec: number, startTime: number): ClickEvent {
  return assemble((stream) => rand32(seed, i, stream), (product) => listPrice(seed, product), i, ratePerSec, startTime);
}

/**
 * When record `i` is due at `ratePerSec`, in milliseconds after the start: ⌊i·1000 / rate⌋ (the
 * clickstream's and the sequence profile's event-time schedule).
 */
export function nominalMs(i: number, ratePerSec: number): number {
  return Math.floor((i * 1000) / ratePerSec);
}

/** Record `i` from its random streams (0 user, 1 product, 2 kind, 3 price, 4 jitter) and the list prices. */
function assemble(r: (stream: number) => number, price: (product: number) => number, i: number, ratePerSec: number, startTime: number): ClickEvent {
  const u = r(1) / TWO_32;
  const kind = r(2) % 100;
  const product = 1 + Math.floor(100 * u * u);
  return {
    user_id: 1 + (r(0) % 1000),
    product_id: product,
    event_type: kind < 70 ? 'view' : kind < 95 ? 'click' : 'purchase',
    price: Math.round(price(product) * (90 + (r(3) % 21))) / 100,
    ts: startTime + nominalMs(i, ratePerSec) - (r(4) % MAX_JITTER_MS),
  };
}

/**
 * {@link clickEvent} for one seed, with what depends on the seed alone computed once: each
 * stream's first hash round and the 100 list prices. Same records, about half the hashing per
 * record (the generator is the bench's and the demo's source, so its cost shows in every figure).
 */
export class ClickstreamGenerator {
  private readonly streams: Int32Array;
  private readonly prices: Float64Array;

  constructor(seed: number) {
    this.streams = Int32Array.from({ length: 5 }, (_, s) => fmix32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(s, 0xc2b2ae35)));
    this.prices = Float64Array.from({ length: 101 }, (_, p) => (p === 0 ? 0 : listPrice(seed, p)));
  }

  /** Record `i`, equal to `clickEvent(seed, i, ratePerSec, startTime)`. */
  event(i: number, ratePerSec: number, startTime: number): ClickEvent {
    const hi = Math.floor(i / TWO_32);
    const lo = i >>> 0;
    const s = this.streams;
    const p = this.prices;
    return assemble((k) => fmix32(fmix32(s[k]! ^ lo) ^ hi), (product) => p[product]!, i, ratePerSec, startTime);
  }
}

/*
 * V8 type feedback, primed once per thread. `i * 1000` fits in a small integer until i passes
 * ~2.1M; V8 optimizes the generator for small-integer arithmetic first, and when a run passes
 * that index every optimized function that inlined it deoptimizes ("overflow") and is compiled
 * again, 3 to 11 deopts per process on the keyed bench row at 16M events (`--trace-deopt`), the
 * more of them the slower that process tended to run (234–293 ns/event over five processes).
 * Generating records at a large index before any real one makes V8 see doubles there from the
 * start: no such deopt since, and over six processes 232–277 ns/event against 228–307 before
 * (the spread between processes narrowed, it did not vanish). V8 gives a function its feedback
 * only after a few calls, hence a few dozen.
 */
const primer = new ClickstreamGenerator(0);
for (let k = 0; k < 64; k++) primer.event(2 ** 40 + k, 1, 0);
