import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { RiffleError } from '@riffle/shared';

/** True when `target` is `root` or inside it (lexically). */
function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of `p`, or of its deepest existing ancestor (a sink's folder may not exist yet). */
async function realOrAncestor(p: string): Promise<string> {
  for (let cur = p; ; cur = dirname(cur)) {
    try {
      return resolve(await realpath(cur), relative(cur, p));
    } catch {
      if (dirname(cur) === cur) return p;
    }
  }
}

/**
 * Whether `path` (resolved against `baseDir`) stays inside `baseDir`, both as written (no `..`
 * or absolute path elsewhere) and on disk (symlinks followed, also for a path that does not
 * exist yet: its deepest existing ancestor is resolved). NUL bytes never pass.
 *
 * @example
 * if (!(await staysInsideBaseDir('/srv/data', 'in/../../etc/passwd'))) throw …;
 */
export async function staysInsideBaseDir(baseDir: string, path: string): Promise<boolean> {
  if (path.includes('\0')) return false;
  const target = resolve(baseDir, path);
  if (!inside(baseDir, target)) return false;
  return inside(await realOrAncestor(baseDir), await realOrAncestor(target));
}

/**
 * Re-checks a file source's or sink's path when it opens (`OperatorContext.confineFiles`): the
 * server validated it at submit, but a symlink made or changed on disk since then could point
 * elsewhere. Throws a non-retryable `path_outside_base_dir` error naming the node.
 */
export async function assertInsideBaseDir(baseDir: string, path: string, nodeId: string): Promise<void> {
  if (await staysInsideBaseDir(baseDir, path)) return;
  throw new RiffleError({
    code: 'path_outside_base_dir',
    domain: 'user',
    retryable: false,
    nodeId,
    message: `node "${nodeId}": the path ${JSON.stringify(path)} leads outside the base dir (${baseDir}) on disk now (a symlink changed after the job was submitted?); nothing was read or written there`,
  });
}
