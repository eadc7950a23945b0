import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/**
 * Parses a duration string such as `"250ms"`, `"5s"`, `"1m"`, `"2h"` into milliseconds.
 * Returns `undefined` when the text is not a duration.
 * @example parseDuration('1m') // 60000
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** Formats milliseconds back into the largest whole unit (`60000` → `"1m"`). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A duration string as it appears in a job spec (`"10s"`). */
export const Duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, {
    message: 'expected a duration such as "500ms", "10s", "1m" or "1h"',
  })
  .meta({ format: 'duration' });

/** A duration that must be greater than zero. */
export const PositiveDuration = Duration.refine((s) => (parseDuration(s) ?? 0) > 0, {
  message: 'must be greater than zero',
});
