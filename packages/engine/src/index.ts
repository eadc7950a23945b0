export { Engine } from './engine.js';
export type { EngineLogger, EngineOptions, JobHandle, JobResult } from './api.js';
export { InvalidSpecError, OperatorFailure } from './errors.js';
export { REPORTED_MAX_WATERMARK } from './runtime/metrics.js';
export { clickEvent } from './datagen/clickstream.js';
export type { ClickEvent } from './datagen/clickstream.js';
export { hashKey, keyGroupOf, subtaskForKeyGroup, keyGroupRange } from './key-groups.js';
