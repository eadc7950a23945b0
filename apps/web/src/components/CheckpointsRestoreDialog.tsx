import { useEffect, useRef } from 'react';
import type { CheckpointInfo } from '@riffle/shared';
import { formatTime } from '../lib/format';

interface Props {
  snapshot: CheckpointInfo;
  busy: boolean;
  onCancel(): void;
  onConfirm(): void;
}

/** Asks before a restore: it stops the running job and rewinds its state to the snapshot. */
export function CheckpointsRestoreDialog({ snapshot, busy, onCancel, onConfirm }: Props) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Cancel is the safe default for a keyboard user.
    cancel.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onCancel();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  const name = snapshot.snapshotId ?? `#${snapshot.id}`;
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="restore-title" data-testid="restore-dialog">
        <h3 id="restore-title">Restore {snapshot.kind} {name}?</h3>
        <p>
          The job stops and starts again from the state it had at {formatTime(snapshot.startedAt)}. Records it processed after that are read and
          processed again.
        </p>
        <div className="dialog__actions">
          <button type="button" ref={cancel} onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="primary-button" onClick={onConfirm} disabled={busy} data-testid="restore-confirm">
            {busy ? 'Restoring…' : `Restore ${name}`}
          </button>
        </div>
      </div>
    </div>
  );
}
