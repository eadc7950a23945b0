import { useEditor } from './useEditor';
import { formatCount, latest } from './useNodeState';

/** `· 12 dead · 3 skipped`: the records a node dead-lettered or skipped (onError), or undefined when none. */
export function dropsLabel(deadLettered: number | undefined, skipped: number | undefined): string | undefined {
  const parts: string[] = [];
  if (deadLettered) parts.push(`${formatCount(deadLettered)} dead`);
  if (skipped) parts.push(`${formatCount(skipped)} skipped`);
  return parts.length === 0 ? undefined : `· ${parts.join(' · ')}`;
}

/**
 * What a node of the running job dropped so far: dead-lettered records and records its
 * `onError: skip` policy skipped, as a label for its rate line; undefined when there are none.
 */
export function useNodeDrops(nodeId: string): string | undefined {
  // Primitive selectors: a selector returning a fresh object would re-render forever.
  const dead = useEditor((s) => latest(s, nodeId)?.deadLettered);
  const skipped = useEditor((s) => latest(s, nodeId)?.skippedRecords);
  return dropsLabel(dead, skipped);
}
