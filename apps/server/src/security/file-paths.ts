import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { JobSpec, SpecProblem } from '@riffle/shared';

/** True when `target` is `root` or inside it. */
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
 * File sources and sinks may only touch files under the base dir: a spec is data from whoever
 * holds the token (anyone, in open mode), and must not read `/etc/passwd` into a preview or write
 * part files elsewhere. Checked lexically (`..`, absolute paths, NUL) and through symlinks.
 */
export async function filePathProblems(spec: JobSpec, baseDir: string): Promise<SpecProblem[]> {
  const problems: SpecProblem[] = [];
  const realBase = await realOrAncestor(baseDir);
  for (const [i, node] of spec.nodes.entries()) {
    const value = (node.params as { path?: unknown } | undefined)?.path;
    if (!/^(source|sink)\.file/.test(node.kind) || typeof value !== 'string') continue;
    const problem = (message: string) =>
      problems.push({ path: `$.nodes[${i}].params.path`, code: 'bad_params', message, nodeId: node.id });
    if (value.includes('\0')) {
      problem('the path contains a NUL character');
      continue;
    }
    const target = resolve(baseDir, value);
    if (!inside(baseDir, target) || !inside(realBase, await realOrAncestor(target)))
      problem(`the path must stay inside the server's base dir (${baseDir}); use a relative path such as "in/data.ndjson", or start the server with --base-dir`);
  }
  return problems;
}
