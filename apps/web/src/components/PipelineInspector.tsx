import { useEditor } from '../hooks/useEditor';
import { useEditorStore } from '../hooks/useEditorStore';
import { useProblems } from '../hooks/useProblems';

/** Shown when no node is selected: the pipeline's name and a few facts. */
export function PipelineInspector() {
  const store = useEditorStore();
  const name = useEditor((s) => s.graph.name);
  const nodeCount = useEditor((s) => s.graph.nodes.length);
  const edgeCount = useEditor((s) => s.graph.edges.length);
  const errors = useProblems();
  return (
    <div className="inspector__body">
      <h2 className="panel-title">Pipeline</h2>
      <div className="param">
        <label htmlFor="pipeline-name">name</label>
        <input id="pipeline-name" value={name} data-testid="pipeline-name" onChange={(e) => store.getState().rename(e.target.value)} />
      </div>
      <p className="muted">
        {nodeCount} operator{nodeCount === 1 ? '' : 's'}, {edgeCount} connection{edgeCount === 1 ? '' : 's'},{' '}
        {errors.length === 0 ? 'no problems' : `${errors.length} problem${errors.length === 1 ? '' : 's'}`}.
      </p>
      <p className="muted">Select a node to edit its parameters. Drag operators from the palette; connect a node's right handle to the next node's left handle.</p>
    </div>
  );
}
