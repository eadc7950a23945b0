import { parseDuration } from '@riffle/shared';
import type { WatermarkEmission } from './source-output.js';
import { BoundedOutOfOrdernessWatermarks, MonotonousWatermarks, type WatermarkGenerator } from './watermark-generator.js';

/** A source's `watermark` params (defaults filled in by validation; older specs may lack the new fields). */
export interface SourceWatermarkParams {
  strategy?: 'bounded' | 'monotonous';
  maxOutOfOrderness: string;
  idleTimeout?: string;
  intervalMs?: number;
}

/** The watermark generator a source's params ask for (Flink's WatermarkStrategy). */
export function watermarkGenerator(p: SourceWatermarkParams): WatermarkGenerator {
  if (p.strategy === 'monotonous') return new MonotonousWatermarks();
  return new BoundedOutOfOrdernessWatermarks(parseDuration(p.maxOutOfOrderness) ?? 0);
}

export function watermarkEmission(p: SourceWatermarkParams): WatermarkEmission {
  return {
    intervalMs: p.intervalMs ?? 200,
    idleTimeoutMs: p.idleTimeout === undefined ? undefined : parseDuration(p.idleTimeout),
  };
}
