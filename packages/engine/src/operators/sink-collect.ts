import type { Row } from '../collector.js';
import { Operator } from '../operator.js';
import type { PreviewBuffer } from '../runtime/preview-buffer.js';

/** Keeps the latest records for `job.preview(nodeId)`; the buffer is shared by the node's subtasks. */
export class CollectSinkOperator extends Operator {
  constructor(private readonly buffer: PreviewBuffer) {
    super();
  }

  processElement(value: Row): void {
    this.buffer.add(value);
  }
}
