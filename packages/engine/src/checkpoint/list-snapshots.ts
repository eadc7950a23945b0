import { CorruptSnapshotError } from './errors.js';
import { SnapshotStorage, type SnapshotInfo } from './snapshot-storage.js';

/** A completed checkpoint or savepoint on disk, as {@link listSnapshots} reports it. */
export interface SnapshotListing {
  /** `chk-<n>` or `sp-…`: what `restoreFrom` takes. */
  snapshotId: string;
  kind: 'checkpoint' | 'savepoint';
  /** Checkpoint number (savepoints share the counter). */
  id: number;
  /** Epoch ms when its `_metadata` was written. */
  completedAt: number;
  /** State files plus metadata. */
  bytes: number;
  /** State bytes per operator. */
  operators: Array<{ nodeId: string; bytes: number }>;
  /** With `verify`: whether every file matches its checksum (false: restore would refuse it). */
  valid?: boolean;
  /** With `verify`, when not valid: the file and the reason. */
  error?: string;
}

/**
 * The retained checkpoints and the savepoints in a job folder (the `checkpointDir` a job ran
 * with), newest first, read from their `_metadata`: what a server lists as restorable after it
 * restarted. Folders without valid metadata are not snapshots and are not listed. `verify` also
 * reads every state file and checks its checksum (costs a full read of the state).
 * @example
 * const snaps = await Engine.listSnapshots('/data/jobs/j1', { verify: true });
 * const restorable = snaps.filter((s) => s.valid);
 */
export async function listSnapshots(checkpointDir: string, options: { verify?: boolean } = {}): Promise<SnapshotListing[]> {
  // The job id is only written into new metadata; listing and loading do not use it.
  const storage = new SnapshotStorage(checkpointDir, '');
  const all = [...(await storage.listCheckpoints()), ...(await storage.listSavepoints())];
  const out: SnapshotListing[] = [];
  for (const s of all) {
    const listing = describe(s);
    if (options.verify) {
      try {
        await storage.load(s.id);
        listing.valid = true;
      } catch (e) {
        if (!(e instanceof CorruptSnapshotError)) throw e;
        listing.valid = false;
        listing.error = e.message;
      }
    }
    out.push(listing);
  }
  return out.sort((a, b) => b.completedAt - a.completedAt || b.id - a.id);
}

function describe(s: SnapshotInfo): SnapshotListing {
  const perNode = new Map<string, number>();
  for (const f of s.metadata.files) {
    // Files of the first format carry no per-operator sizes: the whole file counts for its chain.
    const parts = f.operators ?? (f.nodeId === undefined ? [] : [{ nodeId: f.nodeId, bytes: f.bytes }]);
    for (const o of parts) perNode.set(o.nodeId, (perNode.get(o.nodeId) ?? 0) + o.bytes);
  }
  return {
    snapshotId: s.id,
    kind: s.metadata.kind,
    id: s.metadata.checkpointId,
    completedAt: s.metadata.createdAt,
    bytes: s.totalBytes,
    operators: [...perNode].map(([nodeId, bytes]) => ({ nodeId, bytes })),
  };
}
