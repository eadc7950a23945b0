import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventLine, NexmarkGenerator, type NexmarkAuction, type NexmarkBid, type NexmarkPerson } from './generator.js';
import { lastBase0AuctionId, lastBase0PersonId } from './model.js';

const BASE = Date.UTC(2026, 0, 1);
const config = { seed: 0, eventsPerSec: 1_000_000, baseTime: BASE };

function first(n: number, gen = new NexmarkGenerator(config)) {
  return Array.from({ length: n }, (_, i) => gen.event(i));
}

/** sha256 over the first n events' lines; the Java generator in bench/flink computes the same. */
function hashOf(n: number, c = config): string {
  const h = createHash('sha256');
  const gen = new NexmarkGenerator(c);
  for (let i = 0; i < n; i++) h.update(`${eventLine(gen.event(i))}\n`);
  return h.digest('hex');
}

describe('Nexmark generator', () => {
  it('makes persons, auctions and bids 1 : 3 : 46 by event number', () => {
    const events = first(50_000);
    const count = (t: number) => events.filter((e) => e.event_type === t).length;
    expect([count(0), count(1), count(2)]).toEqual([1000, 3000, 46_000]);
    expect(events.slice(0, 5).map((e) => e.event_type)).toEqual([0, 1, 1, 1, 2]);
  });

  it('stamps event i at base + i·1e6/rate µs, from the event number only', () => {
    const slow = new NexmarkGenerator({ ...config, eventsPerSec: 1000 });
    expect(slow.event(0).dateTime).toBe(BASE);
    expect(slow.event(1234).dateTime).toBe(BASE + 1234);
    const fast = new NexmarkGenerator(config);
    expect(fast.event(999).dateTime).toBe(BASE);
    expect(fast.event(1000).dateTime).toBe(BASE + 1);
    expect(new NexmarkGenerator({ ...config, eventsPerSec: 3 }).timestamp(2)).toBe(BASE + 666);
  });

  it('is deterministic and depends on the seed', () => {
    const a = first(2000);
    // Out of order and on a fresh generator: event i does not depend on what was generated before.
    const gen = new NexmarkGenerator(config);
    expect([1999, 7, 0, 1500].map((i) => gen.event(i))).toEqual([a[1999], a[7], a[0], a[1500]]);
    const other = first(2000, new NexmarkGenerator({ ...config, seed: 1 }));
    expect(other.filter((e, i) => JSON.stringify(e) === JSON.stringify(a[i])).length).toBeLessThan(20);
  });

  it('keeps ids in range: persons and auctions numbered in order, bids refer to existing or leading ids', () => {
    const events = first(100_000);
    const persons = events.filter((e): e is NexmarkPerson => e.event_type === 0);
    const auctions = events.filter((e): e is NexmarkAuction => e.event_type === 1);
    expect(persons.map((p) => p.id)).toEqual(persons.map((_, k) => 1000 + k));
    expect(auctions.map((a) => a.id)).toEqual(auctions.map((_, k) => 1000 + k));
    const bad: unknown[] = [];
    events.forEach((e, i) => {
      if (e.event_type === 2) {
        const lastA = lastBase0AuctionId(i) + 1000;
        const lastP = lastBase0PersonId(i) + 1000;
        if (e.auction < Math.max(1000, lastA - 100) || e.auction > lastA + 10) bad.push(['auction', i, e]);
        if (e.bidder < Math.max(1000, lastP - 1000) || e.bidder > lastP + 10) bad.push(['bidder', i, e]);
        if (e.price < 100 || e.price > 100_000_000 || !Number.isInteger(e.price)) bad.push(['price', i, e]);
      } else if (e.event_type === 1) {
        if (e.category < 10 || e.category > 14) bad.push(['category', i, e]);
        if (e.expires <= e.dateTime || e.reserve < e.initialBid) bad.push(['auction', i, e]);
      } else if (!['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'].includes(e.state) || !/^\d{4} \d{4} \d{4} \d{4}$/.test(e.creditCard)) {
        bad.push(['person', i, e]);
      }
    });
    expect(bad).toEqual([]);
  });

  it('concentrates bids on hot auctions and bidders, and half of them on 4 hot channels', () => {
    const bids = first(100_000).filter((e): e is NexmarkBid => e.event_type === 2);
    const hotAuction = bids.filter((b) => (b.auction - 1000) % 100 === 0).length / bids.length;
    const hotBidder = bids.filter((b) => (b.bidder - 1000) % 100 === 1).length / bids.length;
    const hotChannel = bids.filter((b) => ['Google', 'Facebook', 'Baidu', 'Apple'].includes(b.channel)).length / bids.length;
    // 1/2 choose the batch's hot auction, plus the random picks that land on one.
    expect(hotAuction).toBeGreaterThan(0.5);
    expect(hotAuction).toBeLessThan(0.53);
    expect(hotBidder).toBeGreaterThan(0.75);
    expect(hotBidder).toBeLessThan(0.77);
    expect(hotChannel).toBeCloseTo(0.5, 1);
    const categories = new Set(first(5000).flatMap((e) => (e.event_type === 1 ? [e.category] : [])));
    expect([...categories].sort()).toEqual([10, 11, 12, 13, 14]);
  });

  it('pads events to the model\'s average sizes', () => {
    const events = first(50_000);
    const avg = (t: number) => {
      const xs = events.filter((e) => e.event_type === t).map((e) => eventLine(e).length);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    // The `|` separators and the type tag add a few characters on top of the model's sizes.
    expect(avg(2)).toBeGreaterThan(100);
    expect(avg(2)).toBeLessThan(230);
    expect(avg(1)).toBeGreaterThan(480);
    expect(avg(0)).toBeGreaterThan(190);
  });

  it('matches the golden hash of its first 10k events', () => {
    // The same file is checked by bench/flink's Java generator test, so both stay hash-equal.
    // Changing the model changes the hashes: update the Java twin and the file together.
    const golden = JSON.parse(readFileSync(new URL('../../../../bench/nexmark/generator-hashes.json', import.meta.url), 'utf8'));
    expect(golden.config).toEqual(config);
    expect(hashOf(10_000)).toBe(golden.hashes['10000']);
  });
});
