import type { CheckpointInfo } from '@riffle/shared';
import { formatBytes } from '../hooks/useNodeState';
import { formatDuration } from './lib/format';

/** `#12 · 3.1 KB · 14s ago`, or a dash when the job has none (or the server does not say). */
export function LastCheckpoint({ checkpoint: c, now }: { checkpoint?: CheckpointInfo | undefined; now: number }) {
  if (!c) return <span className="muted">—</span>;
  const ended = c.startedAt + (c.durationMs ?? 0);
  return (
    <span className={c.status === 'failed' ? 'job-error' : ''} title={c.error ?? c.snapshotId}>
      #{c.id} · {c.status === 'completed' ? formatBytes(c.bytes) : c.status.replace('_', ' ')} · {formatDuration(now - ended)} ago
    </span>
  );
}
