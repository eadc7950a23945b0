/** A record as operators see it: a plain JSON-like object. */
export type Row = Record<string, unknown>;

/**
 * Where an operator sends its output. Records carry their event timestamp and, on a keyed stream
 * (right after a keyBy), the key computed once by the keyBy so that partitioners and keyed
 * operators never evaluate it again. Watermarks travel through the same collector so they stay
 * in order with the records.
 *
 * Records are passed by reference along a chain: operators must not mutate the records they
 * receive (map builds a new object).
 */
export interface Collector {
  collect(value: Row, timestamp: number, key?: unknown): void;
  emitWatermark(watermark: number): void;
}

/** Watermark that closes a bounded stream (Flink's MAX_WATERMARK). */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
/** Watermark before any has been seen. */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;
