import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 1 << 20;

/**
 * Reads the lines of a sequence of files in 1 MB chunks (memory stays flat for large inputs),
 * decoding UTF-8 across chunk boundaries. Lines are served synchronously from the current chunk
 * ({@link nextBuffered}); only refilling awaits, so a source emits a whole batch without awaiting.
 */
export class LineReader {
  private fileIndex = 0;
  private handle: FileHandle | undefined;
  private decoder = new StringDecoder('utf8');
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private partial = '';
  private pending: string[] = [];
  private pendingAt = 0;
  private pendingFile = '';
  private lineNo = 0;
  private pendingIndex = 0;
  /** Per file: bytes of the lines returned so far (the checkpointed read position). */
  private readonly consumed: number[];
  /** Per file: where reading started (0, or a restored position). */
  private readonly start: number[];
  /** Byte offset of the line most recently returned. */
  private lineStart = 0;
  private readPos = 0;
  /**
   * Read at explicit offsets only when resuming inside a file: a named pipe (a live, unbounded
   * input) cannot seek, and a fresh read from the start needs no offset.
   */
  private positional = false;

  /** `start[i]`: byte offset of the first line to read in `files[i]` (a restored position). */
  constructor(
    private readonly files: string[],
    start: readonly number[] = [],
  ) {
    this.consumed = files.map((_, i) => start[i] ?? 0);
    this.start = [...this.consumed];
  }

  /**
   * Byte offset after the last line returned, per file (past the end once a file is done): the
   * position a restored reader continues from. Lines read ahead but not returned do not count.
   */
  positions(): number[] {
    return [...this.consumed];
  }

  /** File of the line most recently returned. */
  get file(): string {
    return this.pendingFile;
  }

  /** 1-based line number (within {@link file}) of the line most recently returned. */
  get line(): number {
    return this.lineNo;
  }

  /**
   * Where the line most recently returned is, for error messages: its line number when the file
   * was read from its start, else its byte offset (a restored reader does not know how many lines
   * came before its start).
   */
  position(): string {
    if (this.start[this.pendingIndex] === 0) return `line ${this.lineNo} of ${this.pendingFile}`;
    return `the line at byte ${this.lineStart} of ${this.pendingFile}`;
  }

  /** A line already in memory, or undefined when {@link fill} must run first. */
  nextBuffered(): string | undefined {
    if (this.pendingAt >= this.pending.length) return undefined;
    this.lineNo++;
    const line = this.pending[this.pendingAt++]!;
    this.lineStart = this.consumed[this.pendingIndex]!;
    this.consumed[this.pendingIndex]! += Buffer.byteLength(line) + 1;
    return line;
  }

  /** Loads the next lines; false at the end of the last file. */
  async fill(): Promise<boolean> {
    for (;;) {
      if (this.fileIndex >= this.files.length) return false;
      const file = this.files[this.fileIndex]!;
      if (this.handle === undefined) {
        this.handle = await open(file, 'r');
        this.readPos = this.consumed[this.fileIndex]!;
        this.positional = this.readPos > 0;
      }
      const { bytesRead } = await this.handle.read(this.buffer, 0, CHUNK_BYTES, this.positional ? this.readPos : null);
      this.readPos += bytesRead;
      if (bytesRead > 0) {
        const lines = (this.partial + this.decoder.write(this.buffer.subarray(0, bytesRead))).split('\n');
        this.partial = lines.pop()!;
        if (lines.length > 0) return this.setPending(lines, file, this.fileIndex);
        continue;
      }
      // End of this file; its last line may lack a newline.
      const rest = this.partial + this.decoder.end();
      await this.close();
      this.partial = '';
      this.decoder = new StringDecoder('utf8');
      this.fileIndex++;
      if (rest !== '') return this.setPending([rest], file, this.fileIndex - 1);
    }
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }

  private setPending(lines: string[], file: string, index: number): true {
    this.pendingIndex = index;
    if (file !== this.pendingFile) {
      this.pendingFile = file;
      this.lineNo = 0;
    }
    this.pending = lines;
    this.pendingAt = 0;
    return true;
  }
}
