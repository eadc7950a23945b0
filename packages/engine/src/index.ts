export { Engine } from './engine.js';
export type { EngineLogger, EngineOptions, JobHandle, JobResult, RestartInfo } from './api.js';
export { InvalidSpecError, OperatorFailure } from './errors.js';
export { staysInsideBaseDir } from './connectors/file/confine.js';
export { REPORTED_MAX_WATERMARK } from './runtime/metrics.js';
export type { OperatorLoadMetrics, SubtaskMetrics } from './runtime/metrics.js';
export { clickEvent } from './datagen/clickstream.js';
export type { ClickEvent } from './datagen/clickstream.js';
export { hashKey, keyGroupOf, subtaskForKeyGroup, keyGroupRange } from './key-groups.js';
export { describePlan } from './plan/describe-plan.js';
export type { PlanDescription } from './plan/describe-plan.js';
export type { CheckpointStats, CompletedSnapshot } from './checkpoint/coordinator.js';
export type { SnapshotListing } from './checkpoint/list-snapshots.js';
export type { RestoreReport } from './checkpoint/restore-latest.js';
export { CorruptSnapshotError, SnapshotNotFoundError } from './checkpoint/errors.js';
export { IncompatibleSnapshotError } from './checkpoint/restore.js';
// The server verifies one snapshot before a restore and copies savepoint folders through this.
export { SnapshotStorage } from './checkpoint/snapshot-storage.js';
export type { SnapshotInfo } from './checkpoint/snapshot-storage.js';
