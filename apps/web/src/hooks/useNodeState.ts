import { isActive } from '../store/job-slice';
import type { EditorState } from '../store/editor-store';
import { useEditor } from './useEditor';

/** The node's figures in the running job's latest metrics sample (undefined when no job runs). */
export function latest(s: EditorState, nodeId: string) {
  if (!isActive(s.job.status)) return undefined;
  return s.job.history[s.job.history.length - 1]?.operators.find((o) => o.nodeId === nodeId);
}

/** `1234` → `1.2k` (keys). */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** `348160` → `340 KB` (binary units, as heap sizes usually are). */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

/** `· 1.2k keys · 340 KB`, or undefined for a node without keyed state. */
export function stateLabel(keys: number | undefined, bytes: number | undefined): string | undefined {
  if (keys === undefined) return undefined;
  return `· ${formatCount(keys)} key${keys === 1 ? '' : 's'} · ${formatBytes(bytes ?? 0)}`;
}

/**
 * The keyed-state size of a node in the running job (`stateKeys` / `stateBytes`, approximate),
 * as a label for its rate line; undefined when no job runs or the node keeps no keyed state.
 */
export function useNodeState(nodeId: string): string | undefined {
  // Primitive selectors: a selector returning a fresh object would re-render forever.
  const keys = useEditor((s) => latest(s, nodeId)?.stateKeys);
  const bytes = useEditor((s) => latest(s, nodeId)?.stateBytes);
  return stateLabel(keys, bytes);
}
