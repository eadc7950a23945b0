import { readdirSync, readFileSync } from 'node:fs';
import { validateSpec, type JobSpecInput } from '@riffle/shared';
import { describe, expect, it } from 'vitest';
import { NexmarkGenerator, type NexmarkAuction, type NexmarkBid, type NexmarkPerson } from '../src/nexmark/generator.js';
import { runToEnd } from './helpers.js';

const DIR = new URL('../../../bench/nexmark/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => /^q\d+\.json$/.test(f)).sort();
const load = (f: string): JobSpecInput => JSON.parse(readFileSync(new URL(f, DIR), 'utf8'));

type Row = Record<string, unknown>;

/** Runs a query spec on the first `events` events at `rate` events/s of event time, keeping every output row. */
async function run(file: string, events: number, rate: number): Promise<Row[]> {
  const spec = load(file);
  for (const n of spec.nodes) {
    if (n.kind === 'source.nexmark') Object.assign(n.params!, { maxEvents: events, eventsPerSec: rate });
    if (n.kind === 'sink.collect') n.params = { limit: 10_000 };
  }
  const { job, result } = await runToEnd(spec);
  expect(result.status).toBe('finished');
  return job.preview('out') as Row[];
}

function generate(events: number, rate: number) {
  const gen = new NexmarkGenerator({ seed: 0, eventsPerSec: rate, baseTime: Date.UTC(2026, 0, 1) });
  return Array.from({ length: events }, (_, i) => gen.event(i));
}
const bids = (events: number, rate: number) => generate(events, rate).filter((e): e is NexmarkBid => e.event_type === 2);

const pick = (r: object, cols: string[]) => Object.fromEntries(cols.map((c) => [c, (r as Row)[c]]));
const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('Nexmark query specs (bench/nexmark)', () => {
  it('has q0, q1, q2, q3, q4, q5, q7 and q8, each valid and laid out for the builder', () => {
    expect(FILES).toEqual(expect.arrayContaining(['q0.json', 'q1.json', 'q2.json', 'q3.json', 'q4.json', 'q5.json', 'q7.json', 'q8.json']));
    for (const f of FILES) {
      const spec = load(f);
      const v = validateSpec(spec);
      expect(v.errors, f).toEqual([]);
      expect(v.ok, f).toBe(true);
      const positions = (spec.ui as { positions: Record<string, unknown> }).positions;
      expect(Object.keys(positions).sort(), f).toEqual(spec.nodes.map((n) => n.id).sort());
    }
  });

  it('q0 passes every bid through, q1 converts prices, q2 keeps auctions divisible by 123', async () => {
    const ref = bids(9000, 10_000);
    const cols = ['auction', 'bidder', 'price', 'dateTime', 'extra'];
    expect(sorted(await run('q0.json', 9000, 10_000))).toEqual(sorted(ref.map((b) => pick(b, cols))));
    expect(sorted(await run('q1.json', 9000, 10_000))).toEqual(sorted(ref.map((b) => ({ ...pick(b, cols), price: 0.908 * b.price }))));
    const q2 = await run('q2.json', 9000, 10_000);
    expect(q2.length).toBeGreaterThan(0);
    expect(sorted(q2)).toEqual(sorted(ref.filter((b) => b.auction % 123 === 0).map((b) => pick(b, ['auction', 'price']))));
  });

  it('q5 finds the auctions with the most bids per 10 s window sliding by 2 s, ties included', async () => {
    const ref = bids(40_000, 2000); // 20 s of event time
    const counts = new Map<number, Map<number, number>>(); // window start → auction → bids
    for (const b of ref) {
      for (let s = b.dateTime - (b.dateTime % 2000) - 8000; s <= b.dateTime; s += 2000) {
        const w = counts.get(s) ?? new Map<number, number>();
        w.set(b.auction, (w.get(b.auction) ?? 0) + 1);
        counts.set(s, w);
      }
    }
    const expected: Row[] = [];
    for (const w of counts.values()) {
      const max = Math.max(...w.values());
      for (const [auction, num] of w) if (num === max) expected.push({ auction, num });
    }
    const out = await run('q5.json', 40_000, 2000);
    expect(sorted(out)).toEqual(sorted(expected));
  });

  it('q7 emits the bids with their 10 s tumbling window\'s highest price', async () => {
    const ref = bids(40_000, 2000);
    const max = new Map<number, number>();
    for (const b of ref) max.set(b.dateTime - (b.dateTime % 10_000), Math.max(max.get(b.dateTime - (b.dateTime % 10_000)) ?? 0, b.price));
    const expected = ref.filter((b) => b.price === max.get(b.dateTime - (b.dateTime % 10_000)));
    const out = await run('q7.json', 40_000, 2000);
    expect(out.length).toBe(max.size);
    expect(sorted(out)).toEqual(sorted(expected.map((b) => pick(b, ['auction', 'bidder', 'price', 'dateTime', 'extra']))));
  });

  it('q3 pairs every category-10 auction with its seller when the seller lives in OR, ID or CA', async () => {
    const all = generate(40_000, 2000);
    const persons = new Map(all.filter((e): e is NexmarkPerson => e.event_type === 0).map((p) => [p.id, p]));
    const expected = all
      .filter((e): e is NexmarkAuction => e.event_type === 1 && e.category === 10)
      .flatMap((a) => {
        const p = persons.get(a.seller);
        return p !== undefined && ['OR', 'ID', 'CA'].includes(p.state) ? [{ name: p.name, city: p.city, state: p.state, id: a.id }] : [];
      });
    expect(expected.length).toBeGreaterThan(10);
    expect(sorted(await run('q3.json', 40_000, 2000))).toEqual(sorted(expected));
  });

  it('q8 lists the persons who opened an auction in the 10 s tumbling window they registered in', async () => {
    const all = generate(40_000, 2000);
    const start = (t: number) => t - (t % 10_000);
    const sellers = new Set(all.filter((e): e is NexmarkAuction => e.event_type === 1).map((a) => `${a.seller}@${start(a.dateTime)}`));
    const expected = all
      .filter((e): e is NexmarkPerson => e.event_type === 0 && sellers.has(`${e.id}@${start(e.dateTime)}`))
      .map((p) => ({ id: p.id, name: p.name, starttime: start(p.dateTime) }));
    expect(expected.length).toBeGreaterThan(10);
    expect(sorted(await run('q8.json', 40_000, 2000))).toEqual(sorted(expected));
  });

  it('q4 averages each auction\'s winning bid per category; the latest row per category is the result', async () => {
    const all = generate(8000, 2000);
    const auctions = all.filter((e): e is NexmarkAuction => e.event_type === 1);
    const winning = new Map<number, number>(); // auction id → highest bid within its lifetime
    for (const b of all.filter((e): e is NexmarkBid => e.event_type === 2)) {
      const a = auctions.find((x) => x.id === b.auction);
      if (a !== undefined && b.dateTime >= a.dateTime && b.dateTime <= a.expires) winning.set(a.id, Math.max(winning.get(a.id) ?? -Infinity, b.price));
    }
    const perCategory = new Map<number, number[]>();
    for (const a of auctions) if (winning.has(a.id)) perCategory.set(a.category, [...(perCategory.get(a.category) ?? []), winning.get(a.id)!]);
    const expected = [...perCategory].map(([category, finals]) => ({ category, avg_final: Math.trunc(finals.reduce((x, y) => x + y, 0) / finals.length) }));
    expect(expected.length).toBeGreaterThan(1);
    const latest = new Map<unknown, Row>();
    for (const r of await run('q4.json', 8000, 2000)) latest.set(r.category, r);
    expect(sorted([...latest.values()])).toEqual(sorted(expected));
  });
});
