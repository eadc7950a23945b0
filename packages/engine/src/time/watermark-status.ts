/**
 * In-band marker of an idle input (Flink's WatermarkStatus.IDLE), sent where a watermark goes.
 * −∞ is never a real watermark (nothing emits it: watermarks only advance from −∞), so it can
 * travel through every collector, channel and operator unchanged: operators ignore it
 * (`advanceWatermark(−∞)` fires nothing) and forward it, metrics read it as "no watermark", and
 * the watermark valve of the next task excludes that channel until it sends a real watermark.
 * A runtime with a typed control element can replace this with a proper status element.
 */
export const IDLE_WATERMARK = Number.NEGATIVE_INFINITY;
