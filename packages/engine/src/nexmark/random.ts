/**
 * The Nexmark generator's random numbers: a stream per event, derived from (seed, event id)
 * alone, so event i can be regenerated from its number (a checkpoint stores one integer) and any
 * subtask can produce any event. The Java baseline (`bench/flink`) implements the same
 * arithmetic bit for bit, which is why everything here is 32-bit integer math plus IEEE double
 * operations that Java and JavaScript round identically.
 */

const TWO_32 = 4294967296;

/** Murmur3's 32-bit finaliser. Kept local: the Java twin must match this exact function. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Random draws for one event. `next()` is a mulberry32 step (a small, well-tested generator for
 * which 32-bit state suffices here: an event draws a few hundred numbers at most).
 */
export class EventRandom {
  private state = 0;

  /** Re-seeds for event `eventId`; reusing one instance avoids an allocation per event. */
  reset(seed: number, eventId: number): this {
    const lo = eventId % TWO_32 | 0;
    const hi = Math.floor(eventId / TWO_32) | 0;
    this.state = mix32(mix32(Math.imul(seed, 0x9e3779b9) ^ lo) ^ Math.imul(hi, 0x85ebca6b));
    return this;
  }

  /** The next 32 random bits as an unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }

  /** A double in [0, 1) with 32 bits of resolution. */
  nextDouble(): number {
    return this.next() / TWO_32;
  }

  /** An integer in [0, n) for n < 2^21 (the product stays exact in a double). */
  below(n: number): number {
    return Math.floor(this.nextDouble() * n);
  }
}
