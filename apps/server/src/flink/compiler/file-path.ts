import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Compilation, NodeInput } from './context.js';

/**
 * A file source's or sink's `path` param as the `file://` URI Flink's filesystem connector takes,
 * resolved as the embedded engine resolves it (against `baseDir`, and kept inside it). The
 * TaskManagers must see the same folder (a shared volume on a real cluster). Undefined after an issue.
 */
export function fileUri(c: Compilation, n: NodeInput<{ path: string }>): string | undefined {
  const base = c.opts.baseDir;
  const { path } = n.params;
  if (base === undefined) {
    if (isAbsolute(path)) return pathToFileURL(path).href;
    c.issue(n, 'flink_relative_path', `the path "${path}" is relative, and the Flink compiler was given no folder to resolve it against`, ['params', 'path']);
    return undefined;
  }
  const abs = resolve(base, path);
  const rel = relative(resolve(base), abs);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    c.issue(n, 'path_outside_base_dir', `the path "${path}" leads outside the data folder`, ['params', 'path']);
    return undefined;
  }
  return pathToFileURL(abs).href;
}
