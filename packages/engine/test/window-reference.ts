/**
 * An independent, brute-force reference for window results, used to compute the expected output
 * of the window golden tests (never the engine). It follows the definitions directly: every
 * record is put into every window that contains it, lateness is judged against the watermark
 * the source emitted before the record (max timestamp so far − bound − 1), and aggregates are
 * computed from the final list of records of each window.
 */
export interface Event {
  user: string;
  amount: number | null;
  item: string;
  ts: number;
}

export type Agg = { fn: string; field?: string; as: string; n?: number };

export type WindowKind =
  | { kind: 'tumbling'; size: number }
  | { kind: 'sliding'; size: number; slide: number }
  | { kind: 'session'; gap: number }
  | { kind: 'global'; count: number };

const floorTo = (t: number, size: number) => Math.floor(t / size) * size;

function aggregate(events: Event[], aggs: Agg[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of aggs) {
    const vals = events.map((e) => (a.field === undefined ? undefined : (e as unknown as Record<string, unknown>)[a.field])).filter((v) => v !== null && v !== undefined);
    const nums = vals as number[];
    const byTs = events.filter((e) => (e as unknown as Record<string, unknown>)[a.field ?? ''] != null);
    switch (a.fn) {
      case 'count':
        out[a.as] = events.length;
        break;
      case 'sum':
        out[a.as] = nums.length ? nums.reduce((x, y) => x + y, 0) : null;
        break;
      case 'avg':
        out[a.as] = nums.length ? nums.reduce((x, y) => x + y, 0) / nums.length : null;
        break;
      case 'min':
        out[a.as] = nums.length ? Math.min(...nums) : null;
        break;
      case 'max':
        out[a.as] = nums.length ? Math.max(...nums) : null;
        break;
      case 'first': {
        const e = [...byTs].sort((x, y) => x.ts - y.ts)[0];
        out[a.as] = e === undefined ? null : (e as unknown as Record<string, unknown>)[a.field!];
        break;
      }
      case 'last': {
        const e = [...byTs].sort((x, y) => y.ts - x.ts)[0];
        out[a.as] = e === undefined ? null : (e as unknown as Record<string, unknown>)[a.field!];
        break;
      }
      case 'count_distinct':
        out[a.as] = new Set(vals).size;
        break;
      case 'top_n':
        out[a.as] = [...byTs].sort((x, y) => (y as any)[a.field!] - (x as any)[a.field!] || x.ts - y.ts).slice(0, a.n);
        break;
    }
  }
  return out;
}

export interface ReferenceResult {
  /** Final result per key and window (the last firing), as JSON lines sorted. */
  rows: string[];
  /** Records later than the allowed lateness. */
  late: Event[];
}

/** Expected final window results for events arriving in `arrival` order. */
export function referenceWindows(arrival: Event[], w: WindowKind, aggs: Agg[], boundMs: number, latenessMs = 0): ReferenceResult {
  let maxTs = -Infinity;
  const late: Event[] = [];
  const kept: Event[] = [];
  for (const e of arrival) {
    const wm = maxTs - boundMs - 1;
    let lastMaxTs: number;
    if (w.kind === 'tumbling') lastMaxTs = floorTo(e.ts, w.size) + w.size - 1;
    else if (w.kind === 'sliding') lastMaxTs = floorTo(e.ts, w.slide) + w.size - 1;
    else if (w.kind === 'session') lastMaxTs = e.ts + w.gap - 1; // inputs for sessions keep records within the bound
    else lastMaxTs = Infinity;
    if (lastMaxTs + latenessMs <= wm) late.push(e);
    else kept.push(e);
    maxTs = Math.max(maxTs, e.ts);
  }
  const byUser = new Map<string, Event[]>();
  for (const e of kept) byUser.set(e.user, [...(byUser.get(e.user) ?? []), e]);
  const rows: string[] = [];
  for (const [user, events] of byUser) {
    if (w.kind === 'global') {
      for (let i = 0; i + w.count <= events.length; i += w.count) rows.push(JSON.stringify({ key: user, ...aggregate(events.slice(i, i + w.count), aggs) }));
      continue;
    }
    const windows: Array<[number, number, Event[]]> = [];
    if (w.kind === 'session') {
      const sorted = [...events].sort((a, b) => a.ts - b.ts);
      let cur: [number, number, Event[]] | undefined;
      for (const e of sorted) {
        // A record at or before the current session's end (last ts + gap) belongs to it.
        if (cur !== undefined && e.ts <= cur[1]) {
          cur[1] = Math.max(cur[1], e.ts + w.gap);
          cur[2].push(e);
        } else windows.push((cur = [e.ts, e.ts + w.gap, [e]]));
      }
    } else {
      const size = w.size;
      const slide = w.kind === 'sliding' ? w.slide : w.size;
      const starts = new Set<number>();
      for (const e of events) for (let s = floorTo(e.ts, slide); s > e.ts - size; s -= slide) starts.add(s);
      for (const s of starts) windows.push([s, s + size, events.filter((e) => e.ts >= s && e.ts < s + size)]);
    }
    for (const [start, end, evs] of windows) rows.push(JSON.stringify({ key: user, window_start: start, window_end: end, ...aggregate(evs, aggs) }));
  }
  return { rows: rows.sort(), late };
}

/** Deterministic PRNG (mulberry32) so a failing shuffle can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Events in timestamp order with seeded random users, amounts (some null) and items; timestamps are multiples of 10 ms. */
export function generateEvents(seed: number, count: number): Event[] {
  const r = prng(seed);
  const users = ['ann', 'bob', 'cid', 'dee', 'eve'];
  const items = ['apple', 'pear', 'plum', 'fig'];
  const out: Event[] = [];
  let ts = 1_000_000;
  for (let i = 0; i < count; i++) {
    ts += 10 * (1 + Math.floor(r() * 60)); // strictly increasing: first/last never tie
    out.push({ user: users[Math.floor(r() * users.length)]!, amount: r() < 0.1 ? null : Math.floor(r() * 100), item: items[Math.floor(r() * items.length)]!, ts });
  }
  return out;
}

/**
 * Shuffles events within an out-of-orderness bound: each event arrives in the order of
 * `ts + random(0..bound)`, so no event arrives after one more than `bound` newer.
 */
export function shuffleWithinBound(events: Event[], boundMs: number, seed: number): Event[] {
  const r = prng(seed);
  return events
    .map((e, i) => ({ e, k: e.ts + Math.floor(r() * (boundMs + 1)), i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.e);
}

/** The window golden tests' out-of-orderness bound (ms); their sources emit a watermark after every record. */
export const GOLDEN_BOUND = 2_000;

/** The window golden tests' aggregates: every kind a window has (also run on Flink, minus those it refuses). */
export const GOLDEN_AGGS: Agg[] = [
  { fn: 'count', as: 'n' },
  { fn: 'sum', field: 'amount', as: 'total' },
  { fn: 'min', field: 'amount', as: 'lo' },
  { fn: 'max', field: 'amount', as: 'hi' },
  { fn: 'avg', field: 'amount', as: 'mean' },
  { fn: 'first', field: 'item', as: 'first_item' },
  { fn: 'last', field: 'item', as: 'last_item' },
  { fn: 'count_distinct', field: 'item', as: 'items' },
  { fn: 'top_n', field: 'amount', n: 2, as: 'top2' },
];

/** The golden input: 80 events shuffled within the bound, plus four records 8 s or 30 s behind (beyond the bound: late). */
export function goldenInput(): Event[] {
  const events = shuffleWithinBound(generateEvents(7, 80), GOLDEN_BOUND, 11);
  const late = [events[49]!, events[48]!, events[69]!, events[68]!].map((e, i) => ({ ...e, ts: e.ts - (i % 2 ? 30_000 : 8_000) }));
  return [...events.slice(0, 50), late[0]!, late[1]!, ...events.slice(50, 70), late[2]!, late[3]!, ...events.slice(70)];
}
