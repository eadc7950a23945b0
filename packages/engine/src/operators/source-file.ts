import { relative, resolve } from 'node:path';
import type { FileSourceParams } from '@riffle/shared';
import { LineReader } from '../connectors/file/line-reader.js';
import { listInputFiles } from '../connectors/file/list-files.js';
import { assertInsideBaseDir } from '../connectors/file/confine.js';
import { END_OF_INPUT, SourceOperator, type OperatorContext, type StateDescriptor } from '../operator.js';

/**
 * How long a poll waits for a read before it returns empty-handed. A named pipe (a live input)
 * blocks a read until the writer sends more; without this limit an idle pipe would hold the
 * source loop inside one poll, so checkpoint barriers (injected between polls) and stops would
 * wait for the next line.
 */
export const IDLE_POLL_MS = 50;

/**
 * Reads NDJSON from a file or a folder of files (bounded). Subtask k of n reads the files whose
 * index ≡ k (mod n). A line that is not a JSON object is dead-lettered with its file and line
 * number; blank lines are skipped.
 */
export class FileSource extends SourceOperator {
  override readonly stateDescriptors: readonly StateDescriptor[] = [{ name: 'file-position', kind: 'value', keyed: false }];
  private reader: LineReader | undefined;
  private readonly path: string;
  /** The `path` param as written (the confinement check resolves it again). */
  private readonly param: string;
  /** This subtask's files, as read (absolute paths). */
  private files: string[] = [];
  /** Restored read positions: file (relative to `path`) → byte offset. */
  private restored: Record<string, number> = {};
  /** A read still in flight from an earlier poll (an idle pipe); the next poll awaits it again. */
  private filling: Promise<boolean> | undefined;
  private emitting = false;

  constructor(params: FileSourceParams, ctx: OperatorContext) {
    super();
    this.path = resolve(ctx.baseDir, params.path);
    this.param = params.path;
    if (params.ratePerSec !== undefined) this.ratePerSec = params.ratePerSec / ctx.parallelism;
  }

  override async open(): Promise<void> {
    if (this.ctx.confineFiles === true) await assertInsideBaseDir(this.ctx.baseDir, this.param, this.ctx.nodeId);
    const files = await listInputFiles(this.path);
    this.files = files.filter((_, i) => i % this.ctx.parallelism === this.ctx.subtaskIndex);
    this.reader = new LineReader(this.files, this.files.map((f) => this.restored[this.key(f)] ?? 0));
  }

  /** The read position: byte offset per file of this subtask (files are split by index, so rescalable). */
  override snapshotState(): FileSourcePosition {
    const at = this.reader?.positions() ?? [];
    return { files: Object.fromEntries(this.files.map((f, i) => [this.key(f), at[i] ?? 0])) };
  }

  override restoreState(snapshot: unknown): void {
    Object.assign(this.restored, (snapshot as FileSourcePosition | undefined)?.files ?? {});
  }

  /** Old subtasks read disjoint files: their positions merge, and each new subtask takes its files'. */
  override restoreRescaled(snapshots: unknown[]): void {
    for (const s of snapshots) this.restoreState(s);
  }

  /** A file's name relative to the source path, so a moved data folder keeps its positions. */
  private key(file: string): string {
    return relative(this.path, file) || '.';
  }

  async pollNext(max: number): Promise<number> {
    const reader = this.reader!;
    let n = 0;
    while (n < max) {
      const line = reader.nextBuffered();
      if (line === undefined) {
        // Return what we have before awaiting I/O, so a batch never straddles a read.
        if (n > 0) return n;
        const more = await this.fillWithin(reader, IDLE_POLL_MS);
        if (more === undefined) return 0; // nothing yet: let barriers and stops through
        if (!more) return END_OF_INPUT;
        continue;
      }
      if (line.trim() === '') continue;
      n++;
      this.emitLine(line, reader);
    }
    return n;
  }

  /**
   * The reader's next fill, or undefined when it has not finished within `ms` (it stays in flight:
   * the read position counts only returned lines, so a snapshot meanwhile is exact).
   */
  private async fillWithin(reader: LineReader, ms: number): Promise<boolean | undefined> {
    if (this.filling === undefined) {
      this.filling = reader.fill();
      // Observed by a later poll; a read failing after the job stopped must not go unhandled.
      this.filling.catch(() => undefined);
    }
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    try {
      const more = await Promise.race([this.filling, idle]);
      if (more !== undefined) this.filling = undefined;
      return more;
    } finally {
      clearTimeout(timer);
    }
  }

  private emitLine(line: string, reader: LineReader): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      this.ctx.deadLetter(line, new Error(`${reader.file}:${reader.line}: not valid JSON (${(e as Error).message})`));
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.ctx.deadLetter(line, new Error(`${reader.file}:${reader.line}: not a JSON object`));
      return;
    }
    this.emitting = true;
    try {
      this.out.collect(value as Record<string, unknown>, NaN);
    } finally {
      this.emitting = false;
    }
  }

  /** While a line is being emitted: its file and line (for the errors of chained operators). */
  override currentPosition(): string | undefined {
    return this.emitting ? this.reader?.position() : undefined;
  }

  override async close(): Promise<void> {
    await this.reader?.close();
  }

  override abort(): void {
    void this.reader?.close();
  }
}

/** A file source subtask's checkpointed position. */
export interface FileSourcePosition {
  files: Record<string, number>;
}
