import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The files an NDJSON source reads: the path itself, or the visible regular files of a folder in
 * name order (hidden files are skipped, which also skips a file sink's in-progress files). Named
 * pipes count as files: a source reads one until its writer closes it, so it is unbounded (and
 * idle while nothing is written) for as long as the writer keeps it open.
 */
export async function listInputFiles(path: string): Promise<string[]> {
  const s = await stat(path);
  if (!s.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => (e.isFile() || e.isFIFO()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .map((name) => join(path, name));
}
