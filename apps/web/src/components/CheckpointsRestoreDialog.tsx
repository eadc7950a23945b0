import { useEffect, useRef, useState } from 'react';
import type { CheckpointInfo } from '@riffle/shared';
import { formatTime } from '../lib/format';
import { parseParallelism } from '../lib/restore-parallelism';

interface Props {
  snapshot: CheckpointInfo;
  busy: boolean;
  /** The job's parallelism now, offered as the default (undefined while unknown). */
  parallelism: number | undefined;
  maxParallelism: number;
  onCancel(): void;
  onConfirm(parallelism: number | undefined): void;
}

/**
 * Asks before a restore: it stops the running job and rewinds its state to the snapshot. The user
 * may pick another parallelism; keyed state is redistributed by key group.
 */
export function CheckpointsRestoreDialog({ snapshot, busy, parallelism, maxParallelism, onCancel, onConfirm }: Props) {
  const cancel = useRef<HTMLButtonElement>(null);
  const [text, setText] = useState(parallelism === undefined ? '' : String(parallelism));
  // The job's parallelism may arrive after the dialog opened; fill it in unless the user typed.
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!touched && parallelism !== undefined) setText(String(parallelism));
  }, [parallelism, touched]);
  useEffect(() => {
    // Cancel is the safe default for a keyboard user.
    cancel.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onCancel();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  const choice = text === '' && parallelism === undefined ? undefined : parseParallelism(text, maxParallelism);
  const name = snapshot.snapshotId ?? `#${snapshot.id}`;
  const rescale = choice?.ok && parallelism !== undefined && choice.value !== parallelism;
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="restore-title" data-testid="restore-dialog">
        <h3 id="restore-title">
          Restore {snapshot.kind} {name}?
        </h3>
        <p>
          The job stops and starts again from the state it had at {formatTime(snapshot.startedAt)}. Records it processed after that are read and
          processed again.
        </p>
        <label className="dialog__field">
          <span>Parallelism</span>
          <input
            type="number"
            min={1}
            max={maxParallelism}
            step={1}
            value={text}
            onChange={(e) => {
              setTouched(true);
              setText(e.target.value);
            }}
            aria-invalid={choice !== undefined && !choice.ok}
            data-testid="restore-parallelism"
          />
          <span className="muted small" data-testid="restore-parallelism-hint">
            {choice !== undefined && !choice.ok
              ? choice.error
              : rescale
                ? `from ${parallelism} to ${choice.value} subtasks per operator; keyed state is split by key group`
                : 'as it runs now; change it to rescale the job'}
          </span>
        </label>
        <div className="dialog__actions">
          <button type="button" ref={cancel} onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="primary-button"
            onClick={() => onConfirm(choice?.ok ? choice.value : undefined)}
            disabled={busy || (choice !== undefined && !choice.ok)}
            data-testid="restore-confirm"
          >
            {busy ? 'Restoring…' : rescale ? `Restore ${name} at ${choice.value}` : `Restore ${name}`}
          </button>
        </div>
      </div>
    </div>
  );
}
