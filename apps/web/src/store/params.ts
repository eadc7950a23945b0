import type { ParamPath } from './graph-types';

type Container = Record<string, unknown> | unknown[];

function cloneContainer(value: unknown, nextKey: string | number): Container {
  if (Array.isArray(value)) return [...value];
  if (value !== null && typeof value === 'object') return { ...(value as Record<string, unknown>) };
  return typeof nextKey === 'number' ? [] : {};
}

/**
 * Returns a copy of `root` with the value at `path` replaced; `undefined` removes an object key
 * (an optional param) or an array item. Untouched branches keep their identity.
 * @example setAtPath({ a: { b: 1 } }, ['a', 'c'], 2) // { a: { b: 1, c: 2 } }
 */
export function setAtPath(root: Record<string, unknown>, path: ParamPath, value: unknown): Record<string, unknown> {
  if (path.length === 0) return (value ?? {}) as Record<string, unknown>;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  const copy = cloneContainer(root, head) as Record<string, unknown>;
  return setIn(copy, head, rest, value) as Record<string, unknown>;
}

function setIn(container: Container, key: string | number, rest: Array<string | number>, value: unknown): Container {
  const current = (container as Record<string | number, unknown>)[key];
  const next = rest.length === 0 ? value : setIn(cloneContainer(current, rest[0]!), rest[0]!, rest.slice(1), value);
  if (next === undefined) {
    if (Array.isArray(container) && typeof key === 'number') container.splice(key, 1);
    else delete (container as Record<string | number, unknown>)[key];
  } else {
    (container as Record<string | number, unknown>)[key] = next;
  }
  return container;
}

/** Reads the value at `path`, or `undefined`. */
export function getAtPath(root: unknown, path: ParamPath): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** `['aggregate', 0, 'as']` → `aggregate.0.as` (the form's test ids and error keys). */
export function dottedPath(path: ParamPath): string {
  return path.join('.');
}
