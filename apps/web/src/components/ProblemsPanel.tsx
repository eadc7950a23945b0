import { useEditorStore } from '../hooks/useEditorStore';
import { useProblems } from '../hooks/useProblems';
import type { LocatedProblem } from '../store/validation';

/** Every problem (path + message); clicking one selects its node. */
export function ProblemsPanel() {
  const store = useEditorStore();
  const problems = useProblems();
  const select = (p: LocatedProblem) => {
    if (p.nodeId && store.getState().graph.nodes.some((n) => n.id === p.nodeId)) store.getState().setSelection({ nodes: [p.nodeId], edges: [] });
  };
  return (
    <section className="bottom-section problems" data-testid="validation-panel" aria-label="Problems">
      <h2 className="panel-title">
        Problems <span className={`count ${problems.length ? 'count--bad' : 'count--ok'}`}>{problems.length}</span>
      </h2>
      {problems.length === 0 ? (
        <p className="muted empty">No problems: the pipeline is ready to run.</p>
      ) : (
        <ul className="problem-list">
          {problems.map((p, i) => (
            <li key={`${p.source}:${p.path}:${i}`}>
              <button type="button" className="problem" data-testid="validation-item" data-node-id={p.nodeId} onClick={() => select(p)}>
                <span className="problem__path mono">{p.path}</span>
                {p.source === 'server' && <span className="tag">server</span>}
                <span className="problem__message">{p.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
