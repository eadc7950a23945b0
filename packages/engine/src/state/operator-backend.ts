import { keyGroupRange } from '../key-groups.js';
import type { OperatorContext } from '../operator.js';
import { HeapKeyedStateBackend } from './heap-backend.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';

/**
 * The keyed state backend of one operator subtask: it owns the subtask's key-group range. A
 * non-keyed input keeps everything under the key null, so it owns every key group.
 */
export function keyedBackendFor(ctx: OperatorContext, now?: () => number): KeyedStateBackend {
  const keyGroups = ctx.keyed ? keyGroupRange(ctx.subtaskIndex, ctx.parallelism, ctx.maxParallelism) : { start: 0, end: ctx.maxParallelism - 1 };
  return new HeapKeyedStateBackend({ maxParallelism: ctx.maxParallelism, keyGroups, ...(now ? { now } : {}) });
}
