import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointInfo } from '@riffle/shared';
import { writeFileAtomic } from '../atomic-write.js';

/** Entries kept per job: enough to see a trend or a run of failures, small enough to rewrite whole. */
export const HISTORY_KEPT = 100;

/** File name inside the job's folder. */
export const HISTORY_FILE = 'checkpoint-history.json';

interface HistoryDoc {
  version: 1;
  entries: CheckpointInfo[];
}

/**
 * The job's finished checkpoints (completed and failed, with duration, size per operator,
 * alignment and failure reason) in `DATA_DIR/jobs/<id>/checkpoint-history.json`, so
 * `GET /api/jobs/:id/checkpoints` still lists them after a server restart. Bounded to
 * {@link HISTORY_KEPT} entries; every write replaces the file atomically (temp → fsync → rename →
 * fsync dir), so a crash leaves the previous or the new list. Writes are coalesced: while one is
 * on its way, later records only mark the list dirty and one more write follows.
 * @example
 * const h = new CheckpointHistoryFile(jobDir);
 * const past = await h.load();
 * h.record(info); await h.flush();
 */
export class CheckpointHistoryFile {
  private readonly byId = new Map<number, CheckpointInfo>();
  private writing: Promise<void> | undefined;
  private dirty = false;

  constructor(
    readonly jobDir: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Reads the file (an absent or unreadable one is an empty history); oldest first. */
  async load(): Promise<CheckpointInfo[]> {
    let doc: Partial<HistoryDoc>;
    try {
      doc = JSON.parse(await readFile(join(this.jobDir, HISTORY_FILE), 'utf8')) as Partial<HistoryDoc>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(err);
      return [];
    }
    const entries = doc?.version === 1 && Array.isArray(doc.entries) ? doc.entries.filter(isEntry) : [];
    for (const e of entries) this.byId.set(e.id, e);
    this.trim();
    return this.entries();
  }

  /** Adds or replaces a finished entry (in-progress ones are not kept: a crash ends them). */
  record(info: CheckpointInfo): void {
    if (info.status === 'in_progress') return;
    this.byId.delete(info.id);
    this.byId.set(info.id, { ...info });
    this.trim();
    this.dirty = true;
    if (!this.writing) this.writing = this.drain();
  }

  /** Oldest first. */
  entries(): CheckpointInfo[] {
    return [...this.byId.values()].map((e) => ({ ...e }));
  }

  /** Resolves once every recorded entry is on disk (or its write failed and was reported). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        const doc: HistoryDoc = { version: 1, entries: this.entries() };
        try {
          await writeFileAtomic(join(this.jobDir, HISTORY_FILE), JSON.stringify(doc) + '\n');
        } catch (err) {
          // History is informational: a full disk must not stop the job; the next record retries.
          this.onError(err);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private trim(): void {
    const extra = this.byId.size - HISTORY_KEPT;
    if (extra <= 0) return;
    // Insertion order is the order finished entries arrived in: drop the oldest.
    for (const id of [...this.byId.keys()].slice(0, extra)) this.byId.delete(id);
  }
}

function isEntry(e: unknown): e is CheckpointInfo {
  const c = e as Partial<CheckpointInfo> | null;
  return typeof c === 'object' && c !== null && Number.isInteger(c.id) && typeof c.startedAt === 'number' && (c.status === 'completed' || c.status === 'failed');
}
