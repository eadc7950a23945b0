import type { OperatorMetrics } from '@riffle/shared';
import { isActive } from '../store/job-slice';
import type { EditorState } from '../store/editor-store';
import { useEditor } from './useEditor';

export type LoadLevel = 'ok' | 'busy' | 'backpressured';

/** How strained a node of the running job is, from its back-pressure and busy ratios (Flink's UI colours). */
export function loadLevel(backPressured: number | undefined, busy: number | undefined): LoadLevel {
  if ((backPressured ?? 0) >= 0.5) return 'backpressured';
  if ((busy ?? 0) >= 0.8 || (backPressured ?? 0) >= 0.1) return 'busy';
  return 'ok';
}

function latest(s: EditorState, nodeId: string): OperatorMetrics | undefined {
  if (!isActive(s.job.status)) return undefined;
  return s.job.history[s.job.history.length - 1]?.operators.find((o) => o.nodeId === nodeId);
}

/** The load of a node in the running job, or undefined when none runs or the job reports no ratios. */
export function useNodeLoad(nodeId: string): { level: LoadLevel; busy: number; backPressured: number } | undefined {
  // Two primitive selectors: a selector returning a fresh object would re-render forever.
  const busy = useEditor((s) => latest(s, nodeId)?.busyRatio);
  const backPressured = useEditor((s) => latest(s, nodeId)?.backPressuredRatio);
  if (busy === undefined && backPressured === undefined) return undefined;
  return { level: loadLevel(backPressured, busy), busy: busy ?? 0, backPressured: backPressured ?? 0 };
}
