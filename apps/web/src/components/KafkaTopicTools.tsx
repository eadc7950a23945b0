import { useState } from 'react';
import type { KafkaPreviewRecord } from '@riffle/shared';
import { listTopics, previewTopic } from '../api/kafka-api';
import { useEditorStore } from '../hooks/useEditorStore';
import type { EditorNode } from '../store/graph-types';
import './kafka-tools.css';

/** The node kinds whose inspector gets the topic picker and preview. */
export const KAFKA_KINDS = new Set(['source.kafka', 'sink.kafka']);

const PREVIEW_LIMIT = 10;

const shown = (v: KafkaPreviewRecord['value']) => (v === null ? 'null' : typeof v === 'string' ? v : `base64:${v.base64}`);

/**
 * Inspector tools of a Kafka node: "Load topics" asks the node's brokers for their topics (through
 * the server) and offers them as a picker that sets the `topic` param; "Preview" shows the newest
 * records of the chosen topic. Both are read-only on the cluster.
 */
export function KafkaTopicTools({ node }: { node: EditorNode }) {
  const store = useEditorStore();
  const brokers = Array.isArray(node.params.brokers) ? (node.params.brokers as unknown[]).filter((b): b is string => typeof b === 'string' && b !== '') : [];
  const topic = typeof node.params.topic === 'string' ? node.params.topic : '';
  const [topics, setTopics] = useState<string[]>();
  const [records, setRecords] = useState<KafkaPreviewRecord[]>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function run<T>(call: () => Promise<{ ok: true; value: T } | { ok: false; message: string }>, done: (v: T) => void) {
    setBusy(true);
    setError(undefined);
    const a = await call();
    setBusy(false);
    if (a.ok) done(a.value);
    else setError(a.message);
  }

  return (
    <section className="inspector__section kafka-tools" data-testid="kafka-tools">
      <h3 className="section-title">Topics on the cluster</h3>
      <div className="button-row">
        <button type="button" disabled={busy || brokers.length === 0} data-testid="kafka-load-topics" onClick={() => void run(() => listTopics(brokers), setTopics)}>
          Load topics
        </button>
        <button type="button" disabled={busy || brokers.length === 0 || topic === ''} data-testid="kafka-preview" onClick={() => void run(() => previewTopic(brokers, topic, PREVIEW_LIMIT), setRecords)}>
          Preview
        </button>
      </div>
      {brokers.length === 0 && <p className="muted">Set the brokers first.</p>}
      {topics !== undefined && (
        <div className="param">
          <label htmlFor={`kafka-topic-${node.id}`}>pick a topic ({topics.length})</label>
          <select
            id={`kafka-topic-${node.id}`}
            data-testid="kafka-topic-picker"
            value={topics.includes(topic) ? topic : ''}
            onChange={(e) => {
              if (e.target.value !== '') store.getState().setParam(node.id, ['topic'], e.target.value);
              setRecords(undefined);
            }}
          >
            <option value="">—</option>
            {topics.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
      )}
      {error !== undefined && (
        <p className="field-error" role="alert" data-testid="kafka-error">
          {error}
        </p>
      )}
      {records !== undefined && (
        <div className="kafka-tools__preview" data-testid="kafka-preview-records">
          {records.length === 0 && <p className="muted">No records in {topic}.</p>}
          {records.map((r) => (
            <div key={`${r.partition}@${r.offset}`} className="kafka-tools__record" data-testid="kafka-preview-record">
              <span className="muted mono">
                p{r.partition}@{r.offset} · {new Date(r.timestamp).toISOString()}
                {r.key !== null && ` · key ${shown(r.key)}`}
              </span>
              <code className="mono">{shown(r.value)}{r.truncated ? ' …' : ''}</code>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
