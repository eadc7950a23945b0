import type { EditorState } from '../store/editor-store';
import { locateProblem, validateGraph } from '../store/validation';
import { useEditor } from './useEditor';

function serverProblems(s: EditorState, nodeId: string) {
  if (s.job.serverErrors.length === 0) return [];
  const ids = s.graph.nodes.map((n) => n.id);
  return s.job.serverErrors.filter((p) => locateProblem(p, ids).nodeId === nodeId);
}

/** How many problems a node has (live validation plus the server's last answer) and the first one. */
export function useNodeProblems(nodeId: string): { count: number; first: string | undefined } {
  const count = useEditor((s) => (validateGraph(s.graph).byNode.get(nodeId)?.length ?? 0) + serverProblems(s, nodeId).length);
  const first = useEditor((s) => serverProblems(s, nodeId)[0]?.message ?? validateGraph(s.graph).byNode.get(nodeId)?.[0]?.message);
  return { count, first };
}
