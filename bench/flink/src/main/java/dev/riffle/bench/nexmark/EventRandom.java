package dev.riffle.bench.nexmark;

/**
 * Random draws for one Nexmark event, derived from (seed, event id) alone. The twin of Riffle's
 * packages/engine/src/nexmark/random.ts: the same 32-bit integer and IEEE double arithmetic, so
 * both generators produce the same events bit for bit (checked by NexmarkGeneratorTest).
 */
final class EventRandom {
  private int state;

  private static int mix32(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  EventRandom reset(int seed, long eventId) {
    int lo = (int) eventId;
    int hi = (int) (eventId >>> 32);
    state = mix32(mix32((seed * 0x9e3779b9) ^ lo) ^ (hi * 0x85ebca6b));
    return this;
  }

  /** The next 32 random bits (mulberry32). */
  int next() {
    state += 0x6d2b79f5;
    int z = state;
    z = (z ^ (z >>> 15)) * (z | 1);
    z ^= z + (z ^ (z >>> 7)) * (z | 61);
    return z ^ (z >>> 14);
  }

  double nextDouble() {
    return (double) (next() & 0xffffffffL) / 4294967296.0;
  }

  /** An integer in [0, n) for n below 2^21. */
  long below(long n) {
    return (long) Math.floor(nextDouble() * (double) n);
  }
}
