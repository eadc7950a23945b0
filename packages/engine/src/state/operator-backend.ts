import { join } from 'node:path';
import { keyGroupRange } from '../key-groups.js';
import { jobModule } from '../job-modules.js';
import type { OperatorContext } from '../operator.js';
import { HeapKeyedStateBackend } from './heap-backend.js';
import type { KeyedStateBackend } from './keyed-state-backend.js';

/**
 * Which keyed state backend a job's operators use (`config.stateBackend`), as the runtime hands
 * it to each operator: the heap, or LevelDB folders under `dir` (one per operator subtask).
 */
export type StateBackendConfig = ({ kind: 'heap' } | { kind: 'disk'; dir: string; cacheKeys?: number }) & {
  /** Processing-time clock of TTL (`EngineOptions.stateClock`; in-process runs only). */
  now?: () => number;
};

/**
 * The keyed state backend of one operator subtask: it owns the subtask's key-group range. A
 * non-keyed input keeps everything under the key null, so it owns every key group. The backend
 * is the one `ctx.stateBackend` names (the heap when absent); operators close it in `close`/`abort`.
 */
export function keyedBackendFor(ctx: OperatorContext, now?: () => number): KeyedStateBackend {
  const keyGroups = ctx.keyed ? keyGroupRange(ctx.subtaskIndex, ctx.parallelism, ctx.maxParallelism) : { start: 0, end: ctx.maxParallelism - 1 };
  const config = ctx.stateBackend;
  const clock = now ?? config?.now;
  const options = { maxParallelism: ctx.maxParallelism, keyGroups, ...(clock ? { now: clock } : {}) };
  if (config?.kind !== 'disk') return new HeapKeyedStateBackend(options);
  // Node ids are folder-safe (NODE_ID_RE); the subtask index keeps parallel instances apart.
  const dir = join(config.dir, `${ctx.nodeId}-${ctx.subtaskIndex}`);
  return new (jobModule('diskBackend').DiskKeyedStateBackend)({ ...options, dir, ...(config.cacheKeys !== undefined ? { cacheKeys: config.cacheKeys } : {}) });
}
