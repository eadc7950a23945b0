const pad = (n: number) => String(n).padStart(2, '0');

/** `3723000` → `1h 02m`, `125000` → `2m 05s`, `9000` → `9s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${s}s`;
}

/** Milliseconds as `850 ms` or `2.4 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** How long a job has run: until now while it runs, until it ended afterwards. */
export function uptime(job: { startedAt?: number; endedAt?: number }, now: number): number | undefined {
  if (job.startedAt === undefined) return undefined;
  return (job.endedAt ?? now) - job.startedAt;
}
