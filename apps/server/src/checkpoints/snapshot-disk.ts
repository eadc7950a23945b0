import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptSnapshotError, Engine, SnapshotStorage, type SnapshotListing } from '@riffle/engine';
import type { CheckpointInfo } from '@riffle/shared';
import { checkpointNumber } from './snapshot-ids.js';

/**
 * What the server needs from the snapshots on disk: the retained list (`Engine.listSnapshots`),
 * verification of one snapshot before a restore, the latest restorable checkpoint newer than a
 * user's restore, copying a savepoint into another job's folder (the engine's storage).
 */
export class SnapshotDisk {
  private readonly storage: SnapshotStorage;

  constructor(readonly jobDir: string, readonly jobId: string) {
    this.storage = new SnapshotStorage(jobDir, jobId);
  }

  /** Completed checkpoints and savepoints on disk, newest first, as protocol entries. */
  async retained(): Promise<CheckpointInfo[]> {
    const all = await Engine.listSnapshots(this.jobDir);
    return all.map((s) => this.toInfo(s)).sort(newestFirst);
  }

  /** State bytes per operator of a completed snapshot on disk (undefined when it is not there). */
  async operatorsOf(snapshotId: string): Promise<CheckpointInfo['operators']> {
    return (await this.retained()).find((c) => c.snapshotId === snapshotId)?.operators;
  }

  /** Reads the snapshot and checks every checksum; throws `SnapshotNotFoundError` or `CorruptSnapshotError`. */
  async verify(snapshotId: string): Promise<void> {
    await this.storage.load(snapshotId);
  }

  /** Highest `chk-<n>` number with a folder on disk (0 when none): later checkpoints are newer. */
  async highestCheckpoint(): Promise<number> {
    const list = await this.storage.listCheckpoints();
    return Math.max(0, ...list.map((c) => c.metadata.checkpointId));
  }

  /**
   * The newest checkpoint numbered above `after` that verifies, skipping corrupt ones (reported
   * through `onSkip`), so recovery falls back to the previous retained one and never starts empty.
   */
  async latestRestorable(after: number, onSkip: (id: string, reason: string) => void): Promise<string | undefined> {
    const list = (await this.storage.listCheckpoints()).filter((c) => c.metadata.checkpointId > after).reverse();
    for (const c of list) {
      try {
        await this.storage.load(c.id);
        return c.id;
      } catch (e) {
        if (!(e instanceof CorruptSnapshotError)) throw e;
        onSkip(c.id, e.message);
      }
    }
    return undefined;
  }

  /** Folder of a savepoint id, or undefined when it is not one. */
  savepointDir(id: string): string | undefined {
    const dir = this.storage.dirOf(id);
    return dir !== undefined && checkpointNumber(id) === undefined ? dir : undefined;
  }

  /**
   * Copies savepoint `id` of this job into `target`'s savepoints (regular files only: a symlink
   * planted in DATA_DIR is not followed), then verifies the copy.
   */
  async copySavepointTo(target: SnapshotDisk, id: string): Promise<void> {
    const from = this.savepointDir(id);
    const to = target.savepointDir(id);
    if (from === undefined || to === undefined) throw new RangeError(`not a savepoint id: ${id}`);
    await this.verify(id);
    await rm(to, { recursive: true, force: true });
    await mkdir(to, { recursive: true });
    for (const e of await readdir(from, { withFileTypes: true })) if (e.isFile()) await copyFile(join(from, e.name), join(to, e.name));
    await target.verify(id);
  }

  private toInfo(s: SnapshotListing): CheckpointInfo {
    return {
      jobId: this.jobId,
      id: s.id,
      snapshotId: s.snapshotId,
      kind: s.kind,
      status: 'completed',
      startedAt: s.completedAt,
      bytes: s.bytes,
      // Not recorded on disk; the run's history has it while the server runs.
      alignmentMs: 0,
      operators: s.operators,
      retained: true,
    };
  }
}

/** Newest first: by start time, then by number. */
export function newestFirst(a: CheckpointInfo, b: CheckpointInfo): number {
  return b.startedAt - a.startedAt || b.id - a.id;
}
