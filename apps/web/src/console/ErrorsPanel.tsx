import { formatTime } from '../lib/format';
import { TableHead } from './TableHead';
import { useConsole } from './useConsole';

function preview(record: unknown): string {
  let s: string;
  try {
    s = typeof record === 'string' ? record : (JSON.stringify(record) ?? String(record));
  } catch {
    s = String(record);
  }
  return s.length > 240 ? `${s.slice(0, 240)}…` : s;
}

const SHOWN = 20;

/**
 * The job's last exceptions and a sample of its dead-lettered records, optionally of one node:
 * the REST history, then what the server pushes (`job:failure`, `job:dead-letters`).
 */
export function ErrorsPanel({ nodeId }: { nodeId?: string | undefined }) {
  const failures = useConsole((s) => s.failures);
  const deadLetters = useConsole((s) => s.deadLetters);
  const total = useConsole((s) => s.deadTotal);
  // The newest few are enough to see what goes wrong; the server keeps a larger sample.
  const dead = (nodeId ? deadLetters?.filter((d) => d.nodeId === nodeId) : deadLetters)?.slice(0, SHOWN);
  return (
    <section className="errors-panel" aria-label="Errors and dead letters" data-testid="errors-panel">
      <div className="errors-panel__col">
        <h3 className="panel-title">Exceptions</h3>
        {failures?.length === 0 && <p className="muted small">No failures or restarts.</p>}
        {failures && failures.length > 0 && (
          <table className="console-table compact" data-testid="failures-table">
            <tbody>
              {failures.map((f, i) => (
                <tr key={`${f.ts}-${i}`}>
                  <td className="mono">{formatTime(f.ts)}</td>
                  <td>{f.error.nodeId ?? '—'}</td>
                  <td>
                    <span className={`status-pill status-${f.status}`}>{f.status}</span>
                  </td>
                  <td className="wrap" title={f.error.code}>
                    {f.error.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="errors-panel__col">
        <h3 className="panel-title">
          Dead letters <span className="muted">{nodeId ? `of ${nodeId}` : `${total} in all`}</span>
        </h3>
        {dead?.length === 0 && <p className="muted small">No dead-lettered records{nodeId ? ' from this node' : ''}.</p>}
        {dead && dead.length > 0 && (
          <table className="console-table compact" data-testid="dead-letters-table">
            <TableHead columns={['time', 'operator', 'error', 'record']} />
            <tbody>
              {dead.map((d, i) => (
                <tr key={`${d.ts}-${i}`}>
                  <td className="mono">{formatTime(d.ts)}</td>
                  <td>{d.nodeId}</td>
                  <td className="wrap">{d.error}</td>
                  <td className="mono wrap">{preview(d.record)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
