// Process measurements from /proc, read the same way as bench/flink's NexmarkFlink does.
import { readFileSync } from 'node:fs';

/** User + system CPU seconds of this process, all threads (clock ticks of 1/100 s). */
export function cpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Peak resident set size (VmHWM) in kB. */
export function peakRssKb() {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.replace(/[^0-9]/g, '')) : -1;
}
