import { staysInsideBaseDir } from '@riffle/engine';
import type { JobSpec, SpecProblem } from '@riffle/shared';

/**
 * File sources and sinks may only touch files under the base dir: a spec is data from whoever
 * holds the token (anyone, in open mode), and must not read `/etc/passwd` into a preview or write
 * part files elsewhere. Checked lexically (`..`, absolute paths, NUL) and through symlinks here,
 * at submit, and again by the engine when the source or sink opens (`confineFiles`), so a
 * symlink changed on disk after submit cannot lead outside either.
 */
export async function filePathProblems(spec: JobSpec, baseDir: string): Promise<SpecProblem[]> {
  const problems: SpecProblem[] = [];
  for (const [i, node] of spec.nodes.entries()) {
    const value = (node.params as { path?: unknown } | undefined)?.path;
    if (!/^(source|sink)\.file/.test(node.kind) || typeof value !== 'string') continue;
    const problem = (message: string) =>
      problems.push({ path: `$.nodes[${i}].params.path`, code: 'bad_params', message, nodeId: node.id });
    if (value.includes('\0')) problem('the path contains a NUL character');
    else if (!(await staysInsideBaseDir(baseDir, value)))
      problem(`the path must stay inside the server's base dir (${baseDir}); use a relative path such as "in/data.ndjson", or start the server with --base-dir`);
  }
  return problems;
}
