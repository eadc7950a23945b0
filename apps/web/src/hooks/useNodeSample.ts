import { useEffect, useMemo, useState } from 'react';
import { followNodeSample, type SampleUpdate } from '../api/node-sample';
import { isActive } from '../store/job-slice';
import { useEditor } from './useEditor';

export interface NodeSampleView {
  nodeId: string;
  /** The records' values, oldest first. */
  records: readonly unknown[];
  error?: string;
}

const EMPTY: readonly unknown[] = [];

/**
 * The live preview of the selected node while a job runs: its sampled output records, pushed by
 * the server about once a second. Undefined when no single node is selected, no job is running,
 * or the node is a sink (sinks emit no records; a Preview sink's input is in the table anyway).
 */
export function useNodeSample(): NodeSampleView | undefined {
  const jobId = useEditor((s) => (isActive(s.job.status) ? s.job.id : undefined));
  const nodeId = useEditor((s) => {
    const id = s.selection.nodes.length === 1 ? s.selection.nodes[0] : undefined;
    const kind = s.graph.nodes.find((n) => n.id === id)?.kind;
    return kind === undefined || kind.startsWith('sink.') ? undefined : id;
  });
  const [update, setUpdate] = useState<SampleUpdate & { key: string }>();
  const key = jobId && nodeId ? `${jobId}/${nodeId}` : undefined;
  useEffect(() => {
    if (!jobId || !nodeId) return undefined;
    const k = `${jobId}/${nodeId}`;
    return followNodeSample(jobId, nodeId, (u) => setUpdate({ ...u, key: k }));
  }, [jobId, nodeId]);
  // An update for the node selected before is not this node's sample.
  const mine = key !== undefined && update?.key === key ? update : undefined;
  const records = useMemo(() => mine?.records?.map((r) => r.value) ?? EMPTY, [mine]);
  if (!key || !nodeId) return undefined;
  return { nodeId, records, ...(mine?.error ? { error: mine.error } : {}) };
}
