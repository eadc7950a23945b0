import type { KeyedStateDescriptor } from './descriptors.js';
import { HeapStateTable } from './heap-state-table.js';
import { KeyedStateBackend } from './keyed-state-backend.js';
import type { StateTable } from './state-table.js';

/** The default backend: state lives on the JS heap, indexed by interned key ids (key-interner.ts). */
export class HeapKeyedStateBackend extends KeyedStateBackend {
  protected createTable(d: KeyedStateDescriptor): StateTable {
    const { start, end } = this.options.keyGroups;
    return new HeapStateTable(start, end - start + 1, d.ttl, this.now, this.interner);
  }

  protected override usesKeyIds(): boolean {
    return true;
  }
}
