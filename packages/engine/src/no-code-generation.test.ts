import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A cheap guard for ARCHITECTURE.md §2: user text (expressions, field names, keys) never reaches
 * code generation. No source of the engine, shared, server or web may call `new Function`, `eval`
 * or `node:vm`, so a future "fast path" cannot quietly bring them back. Tests are left out: the
 * sandbox tests hold such calls as strings to prove expressions reject them.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FOLDERS = ['packages/engine/src', 'packages/shared/src', 'apps/server/src', 'apps/web/src'];
const FORBIDDEN: Array<[string, RegExp]> = [
  ['new Function(', /\bnew\s+Function\s*\(/],
  ['eval(', /(?<![\w$.])eval\s*\(/],
  ['node:vm', /['"](node:)?vm['"]/],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs|cjs)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('no code generation from user text', () => {
  it('finds no new Function, eval or node:vm in the engine, shared, server and web sources', () => {
    const files = FOLDERS.flatMap((f) => sources(join(root, f)));
    expect(files.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const file of files)
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [what, re] of FORBIDDEN) if (re.test(line)) hits.push(`${relative(root, file)}:${i + 1}: ${what}`);
        });
    expect(hits).toEqual([]);
  });

  it('recognises each forbidden form (the guard itself works)', () => {
    const samples = ['const f = new Function("a", body);', 'x = eval (text)', "import vm from 'node:vm';", "require('vm')"];
    for (const s of samples) expect(FORBIDDEN.some(([, re]) => re.test(s)), s).toBe(true);
    for (const s of ['retrieval(x)', 'obj.eval(x)', '{ eval: true }', 'newFunction(x)']) expect(FORBIDDEN.some(([, re]) => re.test(s)), s).toBe(false);
  });
});
