import { useFocusNode } from '../hooks/useFocusNode';
import { useProblems } from '../hooks/useProblems';
import type { LocatedProblem } from '../store/validation';

/** Every problem (path + message); clicking one selects its node and centres the view on it. */
export function ProblemsPanel() {
  const focusNode = useFocusNode();
  const problems = useProblems();
  const select = (p: LocatedProblem) => {
    if (p.nodeId) focusNode(p.nodeId);
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
