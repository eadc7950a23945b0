import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { faultPoint, type FaultPoint } from './fault.js';

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** fsyncs a directory so that a rename or unlink inside it is durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface AtomicWriteFaults {
  beforeFsync?: FaultPoint;
  afterRename?: FaultPoint;
  beforeRename?: FaultPoint;
}

/**
 * Writes `data` to `path` so that after a crash the file is either absent or complete: write to
 * a temporary name, fsync it, rename over the target, fsync the directory. A failure at any step
 * rejects (the caller marks the checkpoint failed) and removes the temporary file; a failed
 * fsync is never retried on the same file, because the kernel may already have dropped the dirty
 * pages (the PostgreSQL fsync lesson).
 */
export async function writeFileDurably(path: string, data: Uint8Array, faults: AtomicWriteFaults = {}): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      if (faults.beforeFsync) faultPoint(faults.beforeFsync);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (faults.beforeRename) faultPoint(faults.beforeRename);
    await rename(tmp, path);
    renamed = true;
    if (faults.afterRename) faultPoint(faults.afterRename);
    await fsyncDir(dir);
  } catch (e) {
    if (!renamed) await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
