import { closeSync, mkdirSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const FLUSH_CHARS = 1 << 20;

/** The hidden name of a sealed part waiting for its checkpoint to complete. */
export function pendingName(part: string): string {
  return `.${part}.pending`;
}

/**
 * Flink's file-sink convention for one subtask: lines go to a hidden in-progress file
 * (`.part-<subtask>-<n>.ndjson.inprogress`) that becomes visible as `part-<subtask>-<n>.ndjson`
 * only when rolled, so readers of the folder never see a half-written file.
 *
 * Writes are synchronous: they happen inside the synchronous processing of a batch, in 1 MB
 * pieces, so they keep record order without blocking the event loop for long.
 */
export class PartFileWriter {
  private fd: number | undefined;
  private counter = 0;
  private chunks: string[] = [];
  private chunkChars = 0;
  /** Bytes (approximately: UTF-16 units) in the open in-progress file. */
  private size = 0;
  private openedAt = 0;

  constructor(
    private readonly dir: string,
    private readonly subtask: number,
  ) {}

  /**
   * Creates the folder and continues numbering after existing parts (also hidden pending ones),
   * so earlier output is never overwritten.
   */
  open(): void {
    mkdirSync(this.dir, { recursive: true });
    const re = new RegExp(`^\\.?part-${this.subtask}-(\\d+)\\.ndjson(\\.pending)?$`);
    for (const name of readdirSync(this.dir)) {
      const m = re.exec(name);
      if (m) this.counter = Math.max(this.counter, Number(m[1]) + 1);
    }
  }

  get inProgressPath(): string {
    return join(this.dir, `.part-${this.subtask}-${this.counter}.ndjson.inprogress`);
  }

  get bytesInProgress(): number {
    return this.size + this.chunkChars;
  }

  /** Milliseconds since the in-progress file was opened (0 when none is open). */
  age(now: number): number {
    return this.fd === undefined ? 0 : now - this.openedAt;
  }

  write(line: string): void {
    if (this.fd === undefined) {
      this.fd = openSync(this.inProgressPath, 'w');
      this.openedAt = Date.now();
    }
    this.chunks.push(line);
    this.chunkChars += line.length;
    if (this.chunkChars >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.fd === undefined || this.chunks.length === 0) return;
    const text = this.chunks.join('');
    writeSync(this.fd, text);
    this.size += text.length;
    this.chunks = [];
    this.chunkChars = 0;
  }

  /** Finishes the in-progress file: it becomes a visible part file. Returns its path, if any. */
  roll(): string | undefined {
    if (this.fd === undefined) return undefined;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
    const from = this.inProgressPath;
    const to = join(this.dir, `part-${this.subtask}-${this.counter}.ndjson`);
    renameSync(from, to);
    this.counter++;
    this.size = 0;
    return to;
  }

  /**
   * Closes the in-progress file as a hidden pending part (`.part-<subtask>-<n>.ndjson.pending`):
   * complete, but not visible until published (transactional mode, see transactional-parts.ts).
   * Returns the name it will be published under, if a file was open.
   */
  seal(): string | undefined {
    if (this.fd === undefined) return undefined;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
    const name = `part-${this.subtask}-${this.counter}.ndjson`;
    renameSync(this.inProgressPath, join(this.dir, pendingName(name)));
    this.counter++;
    this.size = 0;
    return name;
  }

  /** Gives up the in-progress file (the job failed): nothing half-written becomes visible. */
  discard(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    this.chunks = [];
    this.chunkChars = 0;
    this.size = 0;
    try {
      unlinkSync(this.inProgressPath);
    } catch {
      // Already gone; nothing to clean up.
    }
  }
}
