const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Renders a path as JSONPath: `['nodes', 2, 'params', 'expr']` → `$.nodes[2].params.expr`.
 * @example toJsonPath(['edges', 0, 'from']) // '$.edges[0].from'
 */
export function toJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && IDENT.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}
