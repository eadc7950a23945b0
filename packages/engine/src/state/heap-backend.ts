import type { KeyedStateDescriptor } from './descriptors.js';
import { HeapStateTable } from './heap-state-table.js';
import { KeyedStateBackend } from './keyed-state-backend.js';
import type { StateTable } from './state-table.js';

/** The default backend: state lives in nested maps on the JS heap. */
export class HeapKeyedStateBackend extends KeyedStateBackend {
  protected createTable(d: KeyedStateDescriptor): StateTable {
    const { start, end } = this.options.keyGroups;
    return new HeapStateTable(start, end - start + 1, d.ttl, this.now);
  }
}
