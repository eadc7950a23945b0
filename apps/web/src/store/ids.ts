/** A readable id base for an operator kind: `window.tumbling` → `window_tumbling`. */
export function idBase(kind: string): string {
  const base = kind.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z_]/.test(base) ? base : `n_${base}`;
}

/** The first free `<base>_<n>` (n ≥ 1) among `taken`: `filter_1`, `filter_2`, … */
export function uniqueNodeId(kind: string, taken: ReadonlySet<string>): string {
  const base = idBase(kind);
  for (let n = 1; ; n++) {
    const id = `${base}_${n}`;
    if (!taken.has(id)) return id;
  }
}

/** A stable edge id from its ends and ports, made unique among `taken`. */
export function edgeId(e: { from: string; to: string; fromPort?: string; toPort?: string }, taken: ReadonlySet<string>): string {
  const base = `e:${e.from}${e.fromPort ? `.${e.fromPort}` : ''}->${e.to}${e.toPort ? `.${e.toPort}` : ''}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}#${n}`)) return `${base}#${n}`;
}
