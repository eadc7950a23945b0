import { useMemo, useState } from 'react';
import { useCapabilities } from '../hooks/useCapabilities';
import { useEditor } from '../hooks/useEditor';
import { useNodeSample } from '../hooks/useNodeSample';
import { formatCell } from '../lib/format';
import { previewEmptyMessage } from '../lib/preview-message';

const MAX_ROWS = 200;
const EMPTY: readonly unknown[] = [];

const isRecord = (r: unknown): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r);

/** Columns from the record keys (first seen first); non-object records get a `value` column. */
function columnsOf(records: readonly unknown[]): string[] {
  const cols = new Set<string>();
  for (const r of records.slice(-50)) {
    if (isRecord(r)) for (const k of Object.keys(r)) cols.add(k);
    else cols.add('value');
  }
  return [...cols];
}

const cellOf = (r: unknown, c: string) => (isRecord(r) ? r[c] : c === 'value' ? r : undefined);

/**
 * The latest records reaching a `sink.collect` node, newest first; while a job runs and another
 * node is selected, a live sample of that node's output instead.
 */
export function PreviewTable() {
  const nodes = useEditor((s) => s.graph.nodes);
  const previews = useEditor((s) => s.job.previews);
  const target = useEditor((s) => s.graph.config?.target ?? 'embedded');
  const { flinkPreview } = useCapabilities();
  const sinks = useMemo(() => {
    const ids = new Set(nodes.filter((n) => n.kind === 'sink.collect').map((n) => n.id));
    for (const id of Object.keys(previews)) ids.add(id);
    return [...ids];
  }, [nodes, previews]);
  const [picked, setPicked] = useState<string>();
  const sinkId = picked && sinks.includes(picked) ? picked : (sinks.find((id) => (previews[id]?.length ?? 0) > 0) ?? sinks[0]);
  const sample = useNodeSample();
  const records = sample ? sample.records : (sinkId && previews[sinkId]) || EMPTY;
  const columns = useMemo(() => columnsOf(records), [records]);
  const rows = useMemo(() => records.slice(-MAX_ROWS).reverse(), [records]);

  return (
    <section className="bottom-section preview" aria-label="Preview">
      <h2 className="panel-title">
        Preview
        {sample ? (
          <span className="muted mono" data-testid="preview-node" title="A live sample of the records this node emits (about 20 per second)">
            {sample.nodeId} · sampled output
          </span>
        ) : sinks.length > 1 ? (
          <select value={sinkId} onChange={(e) => setPicked(e.target.value)} data-testid="preview-sink">
            {sinks.map((id) => (
              <option key={id}>{id}</option>
            ))}
          </select>
        ) : (
          sinkId && <span className="muted mono">{sinkId}</span>
        )}
        {records.length > 0 && <span className="muted">{records.length} records</span>}
      </h2>
      <div className="table-wrap">
        <table className="preview-table" data-testid="preview-table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={records.length - i}>
                {columns.map((c) => (
                  <td key={c}>{formatCell(c, cellOf(r, c))}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && sample && <p className="muted empty">{sample.error ?? `Waiting for records from ${sample.nodeId}…`}</p>}
        {rows.length === 0 && !sample && (
          <p className="muted empty" data-testid="preview-empty">
            {previewEmptyMessage({ target, sinkCount: sinks.length, flinkPreview: flinkPreview === true })}
          </p>
        )}
      </div>
    </section>
  );
}
