import { useEffect, useState } from 'react';
import { followNodeSample, type SampleUpdate } from '../api/node-sample';
import { TableHead } from './TableHead';
import { formatCell } from '../lib/format';

/** Records shown: enough to see the shape and the values; the server keeps up to 50. */
const SHOWN = 10;

const isRecord = (r: unknown): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r);

/** One column per field (first seen first); a record that is not an object shows as `value`. */
function columnsOf(values: readonly unknown[]): string[] {
  const cols = new Set<string>();
  for (const v of values) for (const k of isRecord(v) ? Object.keys(v) : ['value']) cols.add(k);
  return [...cols];
}

/**
 * A live sample of the records a node of a running job emits, newest first. The server samples
 * (about 20 a second, bounded) only while someone follows the node, so closing the detail turns
 * the tap off. Sinks emit nothing, and a job on Flink is not sampled: they say so instead.
 */
export function NodeSample({ jobId, nodeId, kind, running, onFlink = false }: { jobId: string; nodeId: string; kind: string; running: boolean; onFlink?: boolean }) {
  const [update, setUpdate] = useState<SampleUpdate>();
  const sink = kind.startsWith('sink.');
  useEffect(() => {
    setUpdate(undefined);
    // Flink's operators hand no records to the server, so following would wait for ever.
    if (!running || sink || onFlink) return undefined;
    return followNodeSample(jobId, nodeId, setUpdate);
  }, [jobId, nodeId, running, sink, onFlink]);
  const records = update?.records?.slice(-SHOWN).reverse();
  const columns = columnsOf(records?.map((r) => r.value) ?? []);
  let empty: string | undefined;
  if (sink) empty = 'A sink emits no records; its input is the sample of the node before it.';
  else if (onFlink) empty = "A job on Flink has no live sample: Flink's operators do not hand their records to Riffle. Its sinks hold the output.";
  else if (!running) empty = 'The job is not running: no live sample.';
  else if (update?.error) empty = update.error;
  else if (!records?.length) empty = `Waiting for records from ${nodeId}…`;
  return (
    <section className="node-sample" aria-label={`Live sample of ${nodeId}`}>
      <h3 className="panel-title">
        Live sample <span className="muted">records it emits, newest first</span>
      </h3>
      {empty ? (
        <p className="muted small" data-testid="node-sample-note">
          {empty}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="console-table compact" data-testid="node-sample">
            <TableHead columns={columns} />
            <tbody>
              {records!.map((r, i) => (
                <tr key={`${r.at}-${r.subtask}-${i}`} title={JSON.stringify(r.value)}>
                  {columns.map((c) => (
                    <td key={c} className="mono">
                      {formatCell(c, isRecord(r.value) ? r.value[c] : c === 'value' ? r.value : undefined)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
