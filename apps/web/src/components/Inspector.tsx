import { useEditor } from '../hooks/useEditor';
import { selectedNodeId } from '../store/selection-slice';
import { NodeInspector } from './NodeInspector';
import { PipelineInspector } from './PipelineInspector';
import { SelectionInspector } from './SelectionInspector';

/** The right-hand panel: the selected node, or the pipeline itself when nothing is selected. */
export function Inspector() {
  const nodeId = useEditor(selectedNodeId);
  const exists = useEditor((s) => nodeId !== undefined && s.graph.nodes.some((n) => n.id === nodeId));
  const many = useEditor((s) => s.selection.nodes.length > 1);
  return (
    <aside className="inspector" data-testid="inspector" aria-label="Inspector">
      {many ? <SelectionInspector /> : nodeId && exists ? <NodeInspector key={nodeId} nodeId={nodeId} /> : <PipelineInspector />}
    </aside>
  );
}
