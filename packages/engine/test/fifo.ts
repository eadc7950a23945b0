import { execFileSync } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * A named pipe the test writes NDJSON into while a `source.file` reads it: input arrives exactly
 * when the test writes it (no rate limits, no clock), and ends when the test closes it.
 */
export function mkfifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/** Opens the pipe for writing; resolves once the reader (the job's source) opened it too. */
export function openWriter(path: string): Promise<FileHandle> {
  return open(path, 'w');
}

export async function writeLines(w: FileHandle, records: object[]): Promise<void> {
  await w.write(records.map((r) => JSON.stringify(r) + '\n').join(''));
}
