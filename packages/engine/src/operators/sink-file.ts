import { mkdir } from 'node:fs/promises';
import { assertInsideBaseDir } from '../connectors/file/confine.js';
import { resolve } from 'node:path';
import type { FileSinkParams } from '@riffle/shared';
import type { Row } from '../collector.js';
import { pendingName, PartFileWriter } from '../connectors/file/part-file-writer.js';
import { partSubtask, publishParts, removeUncommitted, syncPending } from '../connectors/file/transactional-parts.js';
import { Operator, type OperatorContext, type StateDescriptor } from '../operator.js';

/** Roll the in-progress file after this long, so output appears while an unbounded job runs. */
export const ROLL_INTERVAL_MS = 10_000;
/** ...or once it is this large. */
export const ROLL_SIZE_BYTES = 64 * 1024 * 1024;

/** The sink's checkpointed state: sealed parts not yet published (published on restore). */
interface FileSinkState {
  parts: string[];
}

/**
 * Writes records as NDJSON part files; see {@link PartFileWriter} for the visibility rules.
 *
 * With checkpoints (Flink's FileSink, exactly-once): a part is sealed as hidden *pending* at each
 * checkpoint barrier (and when it grows past the size limit), fsynced before the checkpoint is
 * acknowledged, and published (renamed to its visible name) only once that checkpoint is
 * complete. A restored run publishes the parts its checkpoint lists as pending and deletes the
 * hidden files written after it, so the folder holds every record exactly once. Restoring an
 * older checkpoint than the latest cannot unpublish what newer ones published (as in Flink).
 */
export class FileSinkOperator extends Operator {
  override readonly stateDescriptors: readonly StateDescriptor[] = [{ name: 'pending-parts', kind: 'value', keyed: false }];
  private readonly writer: PartFileWriter;
  private readonly dir: string;
  private readonly transactional: boolean;
  /** Sealed since the last barrier: they belong to the next checkpoint. */
  private sealed: string[] = [];
  /** Checkpoint id → parts it seals, waiting for it to complete. */
  private readonly pending = new Map<number, string[]>();
  /** Pending parts of the restored checkpoint that this subtask publishes on open. */
  private restored: string[] = [];
  /** Publishing runs in order, off the processing path. */
  private publishing: Promise<void> = Promise.resolve();
  /** The input ended (a bounded job finishing), as opposed to a stop. */
  private ended = false;

  constructor(params: FileSinkParams, ctx: OperatorContext) {
    super();
    this.dir = resolve(ctx.baseDir, params.path);
    this.writer = new PartFileWriter(this.dir, ctx.subtaskIndex);
    this.transactional = ctx.checkpointing === true;
  }

  override async open(): Promise<void> {
    // Before anything is created: mkdir through a symlink would already write outside.
    if (this.ctx.confineFiles === true) await assertInsideBaseDir(this.ctx.baseDir, this.dir, this.ctx.nodeId);
    if (this.transactional) {
      await mkdir(this.dir, { recursive: true });
      const { subtaskIndex, parallelism } = this.ctx;
      // Parts of old subtask i are this subtask's business when i mod p = s (also after a rescale).
      const owns = (i: number) => i % parallelism === subtaskIndex;
      const mine = this.restored.filter((p) => owns(partSubtask(p)));
      await publishParts(this.dir, mine, false);
      await removeUncommitted(this.dir, owns, new Set(mine.map(pendingName)));
    }
    this.writer.open();
  }

  processElement(value: Row): void {
    this.writer.write(JSON.stringify(value) + '\n');
    if (this.writer.bytesInProgress >= ROLL_SIZE_BYTES) this.roll();
  }

  override onProcessingTime(now: number): void {
    // Push buffered lines to disk so a slow stream's data is not held in memory indefinitely.
    this.writer.flush();
    // With checkpoints, each barrier seals the part: no time-based rolling.
    if (!this.transactional && this.writer.age(now) >= ROLL_INTERVAL_MS) this.writer.roll();
  }

  override endInput(): void {
    this.ended = true;
    this.roll();
  }

  override snapshotState(): FileSinkState | undefined {
    if (!this.transactional) return undefined;
    this.roll();
    return { parts: [...[...this.pending.values()].flat(), ...this.sealed] };
  }

  override prepareCommit(checkpointId: number): Promise<void> | void {
    if (!this.transactional || this.sealed.length === 0) return;
    const parts = this.sealed;
    this.sealed = [];
    this.pending.set(checkpointId, parts);
    return syncPending(this.dir, parts);
  }

  override notifyCheckpointComplete(checkpointId: number): void {
    const parts: string[] = [];
    for (const [id, list] of this.pending) {
      if (id > checkpointId) continue;
      parts.push(...list);
      this.pending.delete(id);
    }
    if (parts.length === 0) return;
    this.publishing = this.publishing.then(() => publishParts(this.dir, parts));
    this.publishing.catch((e: unknown) => this.ctx.fail?.(e));
  }

  override restoreState(snapshot: unknown): void {
    this.restored.push(...((snapshot as FileSinkState | undefined)?.parts ?? []));
  }

  override restoreRescaled(snapshots: unknown[]): void {
    for (const s of snapshots) this.restoreState(s);
  }

  override async close(): Promise<void> {
    if (!this.transactional) {
      this.writer.roll();
      return;
    }
    if (!this.ended) {
      // Stopped or shut down (not ended): what was written after the last barrier is covered by no
      // checkpoint, and a restore (the server resumes from the latest checkpoint) writes it again,
      // so it is discarded, as the Kafka sink aborts its open transaction (Flink's cancel). Parts
      // sealed by a checkpoint still in flight stay hidden: a restore of that checkpoint publishes
      // them, a restore of an older one deletes them.
      this.writer.discard();
      await this.publishing;
      return;
    }
    // A finished job commits what it wrote (when its final checkpoint did not).
    this.roll();
    const parts = [...[...this.pending.values()].flat(), ...this.sealed];
    this.pending.clear();
    this.sealed = [];
    await this.publishing;
    await syncPending(this.dir, parts);
    await publishParts(this.dir, parts);
  }

  override abort(): void {
    // Pending parts stay: the checkpoint being restored may list them.
    this.writer.discard();
  }

  private roll(): void {
    if (!this.transactional) {
      this.writer.roll();
      return;
    }
    const part = this.writer.seal();
    if (part !== undefined) this.sealed.push(part);
  }
}
