import { useEditor } from './useEditor';

/** A node's effective parallelism: its own, else the pipeline's, else 1 (the spec's default). */
export function useParallelism(nodeId: string): number {
  return useEditor((s) => s.graph.nodes.find((n) => n.id === nodeId)?.parallelism ?? s.graph.config?.parallelism ?? 1);
}
