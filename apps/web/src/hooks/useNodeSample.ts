import { useEffect, useMemo, useRef, useState } from 'react';
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
 * The live preview of the node the user selects while a job runs: its sampled output records,
 * pushed by the server about once a second. Undefined when no single node is selected, no job is
 * running, the node is a sink (sinks emit no records; a Preview sink's input is in the table
 * anyway), or the node was already selected when the job started (it was being edited, not
 * picked for a preview: the table keeps showing the Preview sink until the user picks a node).
 */
export function useNodeSample(): NodeSampleView | undefined {
  const jobId = useEditor((s) => (isActive(s.job.status) ? s.job.id : undefined));
  const selected = useEditor((s) => {
    const id = s.selection.nodes.length === 1 ? s.selection.nodes[0] : undefined;
    const kind = s.graph.nodes.find((n) => n.id === id)?.kind;
    return kind === undefined || kind.startsWith('sink.') ? undefined : id;
  });
  // The selection at the start of a job, until it changes. Same inputs give the same result, so
  // updating it during render is safe under StrictMode's double render.
  const atStart = useRef<{ jobId?: string; nodeId?: string }>({});
  if (atStart.current.jobId !== jobId) atStart.current = { jobId, nodeId: selected };
  else if (atStart.current.nodeId !== undefined && atStart.current.nodeId !== selected) atStart.current = { jobId };
  const nodeId = selected !== atStart.current.nodeId ? selected : undefined;
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
