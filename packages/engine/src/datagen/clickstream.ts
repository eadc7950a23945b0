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
  const u = rand32(seed, i, 1) / TWO_32;
  const kind = rand32(seed, i, 2) % 100;
  const product = 1 + Math.floor(100 * u * u);
  return {
    user_id: 1 + (rand32(seed, i, 0) % 1000),
    product_id: product,
    event_type: kind < 70 ? 'view' : kind < 95 ? 'click' : 'purchase',
    price: Math.round(listPrice(seed, product) * (90 + (rand32(seed, i, 3) % 21))) / 100,
    ts: startTime + Math.floor((i * 1000) / ratePerSec) - (rand32(seed, i, 4) % MAX_JITTER_MS),
  };
}
