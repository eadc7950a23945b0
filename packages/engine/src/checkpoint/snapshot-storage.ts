import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, sha256, writeFileDurably } from './durable-fs.js';
import { CorruptSnapshotError, SnapshotNotFoundError } from './errors.js';
import { CHECKPOINT_FORMAT_VERSION, decodeMetadata, encodeMetadata, type SnapshotFile, type SnapshotMetadata } from './metadata.js';

export const METADATA_FILE = '_metadata';
const CHECKPOINT_DIR_RE = /^chk-(\d{1,15})$/;
const SAVEPOINT_ID_RE = /^sp-\d{1,15}-[a-f0-9]{8}$/;
const FILE_NAME_RE = /^[A-Za-z0-9_.-]{1,200}$/;

/** A completed snapshot as listed: its metadata and where it lives. */
export interface SnapshotInfo {
  /** `chk-<n>` or the savepoint id. */
  id: string;
  dir: string;
  metadata: SnapshotMetadata;
  totalBytes: number;
}

/** A completed snapshot read back with every file verified against its checksum. */
export interface LoadedSnapshot extends SnapshotInfo {
  files: Map<string, Uint8Array>;
}

/** Why a snapshot was passed over while looking for the latest restorable one. */
export interface SkippedSnapshot {
  id: string;
  error: CorruptSnapshotError;
}

/**
 * Durable checkpoint and savepoint storage for one job (ARCHITECTURE.md §4):
 * `<jobDir>/checkpoints/chk-<n>/` and `<jobDir>/savepoints/sp-<n>-<rand>/`, one file per task plus
 * `_metadata`, written last. Every file is written durably and carries a sha256 in the metadata;
 * a snapshot whose metadata is missing or invalid does not exist.
 * @example
 * const storage = new SnapshotStorage('/data/jobs/j1', 'j1');
 * const pending = await storage.begin(7, 'checkpoint');
 * await pending.writeFile('task-window-0', bytes, { nodeId: 'window', subtask: 0 });
 * await pending.complete({ sources: { clicks: [1200] } });
 * await storage.retain(3);
 */
export class SnapshotStorage {
  readonly checkpointsDir: string;
  readonly savepointsDir: string;
  /** Snapshot folders being written by this process; `sweep` leaves them alone. */
  private readonly inProgress = new Set<string>();

  constructor(
    readonly jobDir: string,
    readonly jobId: string,
  ) {
    this.checkpointsDir = join(jobDir, 'checkpoints');
    this.savepointsDir = join(jobDir, 'savepoints');
  }

  /** Starts writing snapshot `checkpointId`; a savepoint gets a fresh, never-reused folder. */
  async begin(checkpointId: number, kind: SnapshotMetadata['kind']): Promise<PendingSnapshot> {
    if (!Number.isSafeInteger(checkpointId) || checkpointId < 1) throw new RangeError(`bad checkpoint id ${checkpointId}`);
    const parent = kind === 'checkpoint' ? this.checkpointsDir : this.savepointsDir;
    const id = kind === 'checkpoint' ? `chk-${checkpointId}` : `sp-${checkpointId}-${randomBytes(4).toString('hex')}`;
    const dir = join(parent, id);
    await mkdir(parent, { recursive: true });
    // A leftover folder of the same id (a crash before its metadata) is garbage: start clean.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await fsyncDir(parent);
    this.inProgress.add(dir);
    return new PendingSnapshot(this, { id, dir, checkpointId, kind }, () => this.inProgress.delete(dir));
  }

  /** Completed checkpoints, oldest first; folders without valid metadata are not listed. */
  async listCheckpoints(): Promise<SnapshotInfo[]> {
    return this.listIn(this.checkpointsDir, (name) => CHECKPOINT_DIR_RE.test(name));
  }

  /** Completed savepoints, oldest first. */
  async listSavepoints(): Promise<SnapshotInfo[]> {
    return this.listIn(this.savepointsDir, (name) => SAVEPOINT_ID_RE.test(name));
  }

  /** Reads a snapshot (`chk-<n>` or a savepoint id), verifying every checksum. */
  async load(id: string): Promise<LoadedSnapshot> {
    const dir = this.dirOf(id);
    if (!dir) throw new SnapshotNotFoundError(id);
    let metaBytes: Uint8Array;
    try {
      metaBytes = await readFile(join(dir, METADATA_FILE));
    } catch {
      throw new SnapshotNotFoundError(id);
    }
    const meta = decodeMetadata(metaBytes);
    if (!meta.ok) throw new CorruptSnapshotError(id, METADATA_FILE, meta.reason);
    const files = new Map<string, Uint8Array>();
    let totalBytes = metaBytes.byteLength;
    for (const f of meta.body.files) {
      if (!FILE_NAME_RE.test(f.name)) throw new CorruptSnapshotError(id, f.name, 'invalid file name in metadata');
      let data: Uint8Array;
      try {
        data = await readFile(join(dir, f.name));
      } catch {
        throw new CorruptSnapshotError(id, f.name, 'file is missing');
      }
      if (data.byteLength !== f.bytes) throw new CorruptSnapshotError(id, f.name, `size ${data.byteLength} bytes, expected ${f.bytes}`);
      if (sha256(data) !== f.sha256) throw new CorruptSnapshotError(id, f.name, 'checksum mismatch');
      files.set(f.name, data);
      totalBytes += data.byteLength;
    }
    return { id, dir, metadata: meta.body, totalBytes, files };
  }

  /**
   * The newest checkpoint that verifies completely. Corrupt ones are passed over and reported
   * through `onSkip`, so recovery falls back to the previous retained checkpoint instead of
   * starting empty or failing.
   */
  async loadLatestCheckpoint(onSkip?: (s: SkippedSnapshot) => void): Promise<LoadedSnapshot | undefined> {
    for (const id of await this.checkpointIds()) {
      try {
        return await this.load(id);
      } catch (e) {
        if (e instanceof CorruptSnapshotError) onSkip?.({ id, error: e });
        else if (!(e instanceof SnapshotNotFoundError)) throw e;
      }
    }
    return undefined;
  }

  /** Ids (`chk-<n>`) of the checkpoint folders on disk, newest first, completed or not. */
  async checkpointIds(): Promise<string[]> {
    const names = await this.dirNames(this.checkpointsDir, (n) => CHECKPOINT_DIR_RE.test(n));
    return names.sort((a, b) => checkpointNumber(b) - checkpointNumber(a));
  }

  /**
   * Keeps the newest `retain` completed checkpoints and deletes older ones; savepoints are never
   * deleted. Called after a newer checkpoint's metadata is durable. Metadata goes first, so a
   * half-deleted folder never looks complete.
   */
  async retain(retain: number): Promise<string[]> {
    const completed = await this.listCheckpoints();
    const doomed = completed.slice(0, Math.max(0, completed.length - retain));
    for (const s of doomed) await this.deleteSnapshot(s.dir);
    return doomed.map((s) => s.id);
  }

  /**
   * Removes debris of crashed writes: temporary files, and checkpoint folders without valid
   * metadata that this process is not writing. Returns what it removed.
   */
  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    for (const parent of [this.checkpointsDir, this.savepointsDir]) {
      for (const name of await this.dirNames(parent, () => true)) {
        const dir = join(parent, name);
        if (this.inProgress.has(dir)) continue;
        const valid = await readFile(join(dir, METADATA_FILE)).then((b) => decodeMetadata(b).ok, () => false);
        if (!valid) {
          // An invalid _metadata may be a corrupted completed snapshot: keep it for inspection
          // (restore refuses it); only folders that never got metadata are debris.
          const hasMeta = await stat(join(dir, METADATA_FILE)).then(() => true, () => false);
          if (!hasMeta) {
            await rm(dir, { recursive: true, force: true });
            removed.push(name);
            continue;
          }
        }
        for (const f of await readdir(dir)) {
          if (f.endsWith('.tmp')) {
            await rm(join(dir, f), { force: true });
            removed.push(`${name}/${f}`);
          }
        }
      }
    }
    return removed;
  }

  /** Folder of a snapshot id, or undefined for anything that is not a well-formed id. */
  dirOf(id: string): string | undefined {
    if (CHECKPOINT_DIR_RE.test(id)) return join(this.checkpointsDir, id);
    if (SAVEPOINT_ID_RE.test(id)) return join(this.savepointsDir, id);
    return undefined;
  }

  private async deleteSnapshot(dir: string): Promise<void> {
    await rm(join(dir, METADATA_FILE), { force: true });
    await fsyncDir(dir).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }

  private async dirNames(parent: string, keep: (name: string) => boolean): Promise<string[]> {
    try {
      return (await readdir(parent, { withFileTypes: true })).filter((d) => d.isDirectory() && keep(d.name)).map((d) => d.name);
    } catch {
      return [];
    }
  }

  private async listIn(parent: string, keep: (name: string) => boolean): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for (const id of await this.dirNames(parent, keep)) {
      const dir = join(parent, id);
      const meta = await readFile(join(dir, METADATA_FILE)).then((b) => ({ bytes: b.byteLength, m: decodeMetadata(b) }), () => undefined);
      if (!meta?.m.ok) continue;
      const totalBytes = meta.bytes + meta.m.body.files.reduce((n, f) => n + f.bytes, 0);
      out.push({ id, dir, metadata: meta.m.body, totalBytes });
    }
    return out.sort((a, b) => a.metadata.checkpointId - b.metadata.checkpointId || a.metadata.createdAt - b.metadata.createdAt);
  }
}

function checkpointNumber(id: string): number {
  return Number(CHECKPOINT_DIR_RE.exec(id)?.[1] ?? -1);
}

/** A snapshot being written: task files first, then `complete` writes the metadata. */
export class PendingSnapshot {
  private readonly files: SnapshotFile[] = [];
  private done = false;

  constructor(
    private readonly storage: SnapshotStorage,
    readonly target: { id: string; dir: string; checkpointId: number; kind: SnapshotMetadata['kind'] },
    private readonly release: () => void,
  ) {}

  /** Writes one state file durably and records its checksum for the metadata. */
  async writeFile(name: string, data: Uint8Array, owner: Pick<SnapshotFile, 'nodeId' | 'subtask' | 'operators'> = {}): Promise<SnapshotFile> {
    if (this.done) throw new Error(`snapshot ${this.target.id} is already finished`);
    if (!FILE_NAME_RE.test(name) || name === METADATA_FILE) throw new RangeError(`bad snapshot file name "${name}"`);
    await writeFileDurably(join(this.target.dir, name), data, { beforeFsync: 'chk.task.beforeFsync', afterRename: 'chk.task.afterRename' });
    const f: SnapshotFile = { name, sha256: sha256(data), bytes: data.byteLength, ...owner };
    this.files.push(f);
    return f;
  }

  /** Writes `_metadata` last; only then does the snapshot exist. */
  async complete(extra?: Record<string, unknown>): Promise<SnapshotInfo> {
    if (this.done) throw new Error(`snapshot ${this.target.id} is already finished`);
    const metadata: SnapshotMetadata = {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      jobId: this.storage.jobId,
      checkpointId: this.target.checkpointId,
      kind: this.target.kind,
      ...(this.target.kind === 'savepoint' ? { savepointId: this.target.id } : {}),
      createdAt: Date.now(),
      files: [...this.files],
      ...(extra ? { extra } : {}),
    };
    const bytes = encodeMetadata(metadata);
    try {
      await writeFileDurably(join(this.target.dir, METADATA_FILE), bytes, { beforeRename: 'chk.meta.beforeRename', afterRename: 'chk.meta.afterRename' });
    } finally {
      this.done = true;
      this.release();
    }
    return { id: this.target.id, dir: this.target.dir, metadata, totalBytes: bytes.byteLength + this.files.reduce((n, f) => n + f.bytes, 0) };
  }

  /** Gives up on this snapshot and removes what was written. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.release();
    await rm(this.target.dir, { recursive: true, force: true });
  }
}
