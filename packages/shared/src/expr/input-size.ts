/** Why a value is too large to evaluate: a string over the length cap, or too many elements. */
export type InputProblem = 'string' | 'elements';

const hasOwn = Object.prototype.hasOwnProperty;

/** Lists and plain maps are walked; bytes and timestamps are single values. */
function isContainer(v: unknown): v is object {
  return v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/**
 * Finds what makes one field's value too large to evaluate, or undefined when it fits: a string
 * (anywhere in the value) longer than `maxString`, or more list elements and map entries than
 * `left.elements` (which it decrements, so one budget spans all the fields an expression reads).
 * The interpreter turns a problem into its error; the fast path hands such a record to the
 * interpreter, so both decide with this one function.
 * @example
 * const left = { elements: 10_000 };
 * findInputProblem({ tags: ['a', 'b'] }, left, 1 << 20) // undefined; left.elements is now 9_997
 */
export function findInputProblem(value: unknown, left: { elements: number }, maxString: number): InputProblem | undefined {
  if (typeof value === 'string') return value.length > maxString ? 'string' : undefined;
  if (!isContainer(value)) return undefined;
  // A flat row is one pass over its own keys (for-in with hasOwn is Object.values without the
  // array it allocates); only nested containers are stacked.
  let stack: object[] | undefined;
  let v: object | undefined = value;
  while (v !== undefined) {
    if (Array.isArray(v)) {
      left.elements -= v.length;
      if (left.elements < 0) return 'elements';
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') {
          if (x.length > maxString) return 'string';
        } else if (isContainer(x)) (stack ??= []).push(x);
      }
    } else {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        if (!hasOwn.call(o, k)) continue;
        if (--left.elements < 0) return 'elements';
        const x = o[k];
        if (typeof x === 'string') {
          if (x.length > maxString) return 'string';
        } else if (isContainer(x)) (stack ??= []).push(x);
      }
    }
    v = stack?.pop();
  }
  return undefined;
}
