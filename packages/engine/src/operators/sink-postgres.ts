import type { PostgresSinkParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { TableWriter } from '../connectors/postgres/table-writer.js';
import { Operator, type OperatorContext } from '../operator.js';
import { InFlightWrites } from './in-flight.js';

/** Rows per write; a write also happens on every processing-time tick (about 200 ms). */
export const PG_BATCH_ROWS = 500;
/** Writes queued before the task stops taking input (back-pressure from a slow database). */
export const PG_MAX_WRITES_IN_FLIGHT = 4;

/**
 * Writes records as rows: `append` inserts, `upsert` inserts or updates by `keyColumns`
 * (replaying the same input leaves the same rows, which makes upsert effectively exactly-once
 * once checkpoints replay from a position). Writes are batched multi-row statements; a row the
 * database rejects for its data is dead-lettered, any other error fails the job. A database slower
 * than the input holds the input back once {@link PG_MAX_WRITES_IN_FLIGHT} writes are queued.
 */
export class PostgresSinkOperator extends Operator {
  private readonly writer: TableWriter;
  private buffer: Row[] = [];
  private work: Promise<void> = Promise.resolve();
  private readonly inFlight = new InFlightWrites(PG_MAX_WRITES_IN_FLIGHT);
  private failure: unknown;

  constructor(params: PostgresSinkParams, ctx: OperatorContext) {
    super();
    this.writer = new TableWriter({ ...params, schema: ctx.inputSchema });
  }

  override async open(): Promise<void> {
    await this.writer.open();
  }

  processElement(value: Row): void {
    this.rethrow();
    this.buffer.push(value);
    if (this.buffer.length >= PG_BATCH_ROWS) this.flush();
  }

  override backlog(): Promise<void> | undefined {
    return this.inFlight.backlog();
  }

  override onProcessingTime(): void {
    this.rethrow();
    this.flush();
  }

  override endInput(): void {
    this.flush();
  }

  /**
   * At a checkpoint barrier: the rows before it must be in the table before the checkpoint can
   * complete, or after a restore from it they would never be written (the replay starts after the
   * barrier). Rows written again by a replay are harmless in upsert mode (at-least-once writes,
   * exactly-once rows). A failed write declines the checkpoint.
   */
  override prepareCommit(): Promise<void> {
    this.flush();
    return this.work.then(() => this.rethrow());
  }

  override async close(): Promise<void> {
    this.flush();
    await this.work;
    await this.writer.close().catch(() => {});
    this.rethrow();
  }

  override abort(): void {
    void this.work.finally(() => this.writer.close().catch(() => {}));
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.work = this.work
      .then(async () => {
        if (this.failure !== undefined) return;
        for (const r of await this.writer.write(rows)) this.ctx.deadLetter(r.row, r.error);
      })
      .catch((e) => {
        this.failure ??= e;
      });
    this.inFlight.add(this.work);
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
