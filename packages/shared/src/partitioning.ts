import type { Partitioning } from './spec.schema.js';

/** What the planner needs to know about the two ends of an edge. */
export interface EdgeEnds {
  fromKind: string;
  fromParallelism: number;
  toParallelism: number;
}

/**
 * The distribution an edge gets (ARCHITECTURE.md §2): hash after a keyBy (keyed state needs every
 * record of a key on one subtask), else the edge's own choice, else forward where the parallelism
 * matches and rebalance otherwise. Validation rejects the choices this would have to override.
 * @example resolvePartitioning({ fromKind: 'filter', fromParallelism: 2, toParallelism: 1 }) // 'rebalance'
 */
export function resolvePartitioning(ends: EdgeEnds, asked?: Partitioning): Partitioning {
  if (ends.fromKind === 'keyBy') return 'hash';
  if (asked !== undefined) return asked;
  return ends.fromParallelism === ends.toParallelism ? 'forward' : 'rebalance';
}

/** Why an explicitly chosen distribution cannot work on this edge, or undefined when it can. */
export function partitioningProblem(ends: EdgeEnds, asked: Partitioning | undefined): string | undefined {
  if (asked === undefined) return undefined;
  if (ends.fromKind === 'keyBy' && asked !== 'hash') return `the output of a keyBy is hash-partitioned; remove "${asked}" or the keyBy`;
  if (ends.fromKind !== 'keyBy' && asked === 'hash') return 'hash partitioning needs a key: put a keyBy node before this edge';
  if (asked === 'forward' && ends.fromParallelism !== ends.toParallelism)
    return `forward needs equal parallelism, but the ends have ${ends.fromParallelism} and ${ends.toParallelism}`;
  return undefined;
}
