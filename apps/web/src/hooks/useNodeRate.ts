import { rateOf } from '../lib/metrics';
import { isActive } from '../store/job-slice';
import { useEditor } from './useEditor';

/**
 * Records/s of a node in the running job: what a source or transform emits, what a sink receives.
 * `undefined` when no job is running or the job has no such node.
 */
export function useNodeRate(nodeId: string): number | undefined {
  return useEditor((s) => {
    if (!isActive(s.job.status)) return undefined;
    const last = s.job.history[s.job.history.length - 1];
    const op = last?.operators.find((o) => o.nodeId === nodeId);
    return op ? rateOf(op) : undefined;
  });
}
