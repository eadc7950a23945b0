import { resolve } from 'node:path';
import type { FileSinkParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { PartFileWriter } from '../connectors/file/part-file-writer.js';
import { Operator, type OperatorContext, type StateDescriptor } from '../operator.js';

/** Roll the in-progress file after this long, so output appears while an unbounded job runs. */
export const ROLL_INTERVAL_MS = 10_000;
/** ...or once it is this large. */
export const ROLL_SIZE_BYTES = 64 * 1024 * 1024;

/** Writes records as NDJSON part files; see {@link PartFileWriter} for the visibility rules. */
export class FileSinkOperator extends Operator {
  override readonly stateDescriptors: readonly StateDescriptor[] = [{ name: 'in-progress-file', kind: 'value', keyed: false }];
  private readonly writer: PartFileWriter;

  constructor(params: FileSinkParams, ctx: OperatorContext) {
    super();
    this.writer = new PartFileWriter(resolve(ctx.baseDir, params.path), ctx.subtaskIndex);
  }

  override open(): void {
    this.writer.open();
  }

  processElement(value: Row): void {
    this.writer.write(JSON.stringify(value) + '\n');
    if (this.writer.bytesInProgress >= ROLL_SIZE_BYTES) this.writer.roll();
  }

  override onProcessingTime(now: number): void {
    // Push buffered lines to disk so a slow stream's data is not held in memory indefinitely.
    this.writer.flush();
    if (this.writer.age(now) >= ROLL_INTERVAL_MS) this.writer.roll();
  }

  override endInput(): void {
    this.writer.roll();
  }

  override close(): void {
    this.writer.roll();
  }

  override abort(): void {
    this.writer.discard();
  }
}
