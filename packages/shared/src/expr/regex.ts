import { RE2JS } from 're2js';

/** Longest regular expression `matches` accepts (RE2 compiles in time linear in the pattern). */
export const MAX_REGEX_LENGTH = 1024;
const CACHE_SIZE = 256;
const cache = new Map<string, RE2JS>();

/**
 * Compiles a pattern with RE2JS, a linear-time engine: no backtracking, so `(a+)+$` on a long
 * input cannot stall the event loop. RE2 syntax has no backreferences or lookarounds.
 * Throws an Error with a user-facing message when the pattern is refused.
 */
export function compileRegex(pattern: string): RE2JS {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_REGEX_LENGTH) throw new Error(`regular expression is longer than ${MAX_REGEX_LENGTH} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message} (matches() uses RE2 syntax: no backreferences or lookarounds)`);
  }
  // Patterns usually are literals, so a small cache keeps per-record cost to the match itself.
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(pattern, re);
  return re;
}

/** CEL `string.matches(string)`: true when the pattern matches any substring (like RE2's PartialMatch). */
export function re2Matches(input: string, pattern: string): boolean {
  return compileRegex(pattern).matcher(input).find();
}
