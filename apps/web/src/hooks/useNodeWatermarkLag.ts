import { isActive } from '../store/job-slice';
import { useEditor } from './useEditor';

/**
 * How far a node's event-time watermark trails the time of the latest sample, in ms; undefined
 * when no job runs or the node has no watermark yet (processing time, or no records so far).
 */
export function useNodeWatermarkLag(nodeId: string): number | undefined {
  return useEditor((s) => {
    if (!isActive(s.job.status)) return undefined;
    const last = s.job.history[s.job.history.length - 1];
    const wm = last?.operators.find((o) => o.nodeId === nodeId)?.watermark;
    return last && typeof wm === 'number' ? last.ts - wm : undefined;
  });
}
