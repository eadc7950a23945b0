import type { Field } from '@riffle/shared';

/** One suggestion: what is shown, what replaces the word being typed, and a hint on the right. */
export interface Completion {
  label: string;
  insert: string;
  detail: string;
  kind: 'field' | 'function' | 'macro';
}

export interface CompletionResult {
  /** The range of the text that `insert` replaces (the identifier under the caret). */
  from: number;
  to: number;
  items: Completion[];
}

/** Called as `f(x)`. */
const GLOBALS: ReadonlyArray<[string, string]> = [
  ['size', 'size(list|string|map) → int'],
  ['int', 'int(x) → int'],
  ['double', 'double(x) → double'],
  ['string', 'string(x) → string'],
  ['has', 'has(m.f) → bool (macro)'],
  ['matches', 'matches(s, re) → bool'],
];
/** Called as `x.f(…)`. */
const MEMBERS: ReadonlyArray<[string, string, Completion['kind']]> = [
  ['contains', 's.contains(t) → bool', 'function'],
  ['startsWith', 's.startsWith(t) → bool', 'function'],
  ['endsWith', 's.endsWith(t) → bool', 'function'],
  ['matches', 's.matches(re) → bool', 'function'],
  ['size', 'x.size() → int', 'function'],
  ['exists', 'l.exists(x, p) → bool', 'macro'],
  ['all', 'l.all(x, p) → bool', 'macro'],
  ['map', 'l.map(x, e) → list', 'macro'],
  ['filter', 'l.filter(x, p) → list', 'macro'],
];

/** True when the caret sits inside a string literal (no suggestions there). */
function inString(text: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
  }
  return quote !== undefined;
}

const rank = (label: string, word: string) => (label.toLowerCase().startsWith(word.toLowerCase()) ? 0 : 1);

/**
 * Suggestions for a CEL expression at the caret: input fields and global functions for a bare
 * word, methods and macros after a `.`. `force` (Ctrl+Space) also lists everything for an empty word.
 * @example celCompletions('pri', 3, [{ name: 'price', type: 'double' }]).items[0].insert // 'price'
 */
export function celCompletions(text: string, caret: number, fields: readonly Field[], force = false): CompletionResult {
  const before = text.slice(0, caret);
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
  const from = caret - word.length;
  const afterWord = /^[A-Za-z0-9_]*/.exec(text.slice(caret))![0];
  const to = caret + afterWord.length;
  const empty = { from, to, items: [] };
  if (inString(before) || /[0-9]$/.test(before.slice(0, from))) return empty;
  const member = before.slice(0, from).endsWith('.');
  if (word === '' && !member && !force) return empty;
  const w = word.toLowerCase();
  const candidates: Completion[] = member
    ? MEMBERS.map(([name, detail, kind]) => ({ label: name, insert: `${name}(`, detail, kind }))
    : [
        ...fields.map((f): Completion => ({ label: f.name, insert: f.name, detail: f.type, kind: 'field' })),
        ...GLOBALS.map(([name, detail]): Completion => ({ label: name, insert: `${name}(`, detail, kind: name === 'has' ? 'macro' : 'function' })),
      ];
  const items = candidates
    .filter((c) => c.label.toLowerCase().includes(w) && !(c.label === word && c.kind === 'field'))
    .sort((a, b) => rank(a.label, word) - rank(b.label, word));
  return { from, to, items };
}

/** The text after accepting `c`, and where the caret goes. */
export function applyCompletion(text: string, r: CompletionResult, c: Completion): { text: string; caret: number } {
  const next = text.slice(0, r.from) + c.insert + text.slice(r.to);
  return { text: next, caret: r.from + c.insert.length };
}
