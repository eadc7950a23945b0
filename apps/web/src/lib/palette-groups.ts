import { CATALOG, type OperatorCategory, type OperatorDef } from '@riffle/shared';

export interface PaletteGroup {
  title: string;
  defs: OperatorDef[];
}

const GROUPS: ReadonlyArray<{ title: string; categories: readonly OperatorCategory[] }> = [
  { title: 'Sources', categories: ['source'] },
  { title: 'Transforms', categories: ['transform'] },
  { title: 'Keys & Windows', categories: ['keys', 'window'] },
  { title: 'Joins', categories: ['join'] },
  { title: 'Sinks', categories: ['sink'] },
];

function matches(def: OperatorDef, words: readonly string[]): boolean {
  const hay = `${def.label} ${def.kind} ${def.description}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * The palette's groups for a search query (every word must appear in the label, kind or
 * description); groups left empty are omitted.
 * @example paletteGroups('window').map((g) => g.title) // ['Keys & Windows']
 */
export function paletteGroups(query = '', catalog: readonly OperatorDef[] = CATALOG): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return GROUPS.map((g) => ({ title: g.title, defs: catalog.filter((d) => g.categories.includes(d.category) && matches(d, words)) })).filter((g) => g.defs.length > 0);
}
