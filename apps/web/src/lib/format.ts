const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Epoch ms → local `HH:MM:SS` (window bounds, chart ticks). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const TIME_COLUMNS = new Set(['window_start', 'window_end']);

/** How a record value is shown in the preview table. */
export function formatCell(column: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') {
    if (TIME_COLUMNS.has(column)) return formatTime(value);
    return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
