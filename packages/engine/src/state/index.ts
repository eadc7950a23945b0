export type {
  AggregateFunction,
  AggregatingStateDescriptor,
  KeyedStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtl,
  ValueStateDescriptor,
} from './descriptors.js';
export { DiskKeyedStateBackend, type DiskBackendOptions } from './disk-backend.js';
export { HeapKeyedStateBackend } from './heap-backend.js';
export { KeyedStateBackend, type KeyedStateBackendOptions } from './keyed-state-backend.js';
export { keyedBackendFor, type StateBackendConfig } from './operator-backend.js';
export type { KeyGroupSnapshot, StateMetrics } from './snapshot-format.js';
export { AggregatingState, ListState, MapState, ReducingState, ValueState } from './state-handles.js';
export type { Namespace, StateTable } from './state-table.js';
