import { RiffleError } from '@riffle/shared';
import { faultPoint } from '../../checkpoint/fault.js';
import { TransactionLostError, type KafkaOpenTransaction, type KafkaTransactions, type TransactionHandle } from './client.js';

/** A transaction sealed at a checkpoint barrier, waiting for that checkpoint to complete. */
export interface PendingTransaction extends TransactionHandle {
  checkpointId: number;
}

/**
 * What a two-phase-commit Kafka sink subtask keeps in a checkpoint (TEST-PLAN decision 1): the
 * sealed transactions not known to be committed, and where its transactional ids continue.
 */
export interface KafkaSinkSnapshot {
  v: 1;
  prefix: string;
  subtask: number;
  /** Sequence number of the first transaction after this checkpoint (ids `prefix-subtask-seq`). */
  nextSeq: number;
  pending: PendingTransaction[];
}

interface Sealed {
  entry: PendingTransaction;
  txn: KafkaOpenTransaction;
  /** Settles once the transaction's sends are acknowledged. */
  flushed: Promise<void>;
  committing: boolean;
}

/**
 * The transactions of one exactly-once Kafka sink subtask: one per checkpoint, committed when
 * the checkpoint completes (Flink's KafkaSink two-phase commit).
 *
 * Transactional ids are `<prefix>-<subtask>-<seq>`, where `seq` counts this subtask's
 * transactions. Flink numbers them by checkpoint id instead; a checkpoint the sink never sees
 * (aborted upstream) then leaves a gap, and the probe that aborts lingering transactions on
 * restore stops at the first unused id, missing those past the gap. A dense sequence has no gaps.
 *
 * Async work is ordered on one chain owned by the caller: {@link target} (the open transaction,
 * begun on demand), {@link seal} run on it; the caller decides at the barrier, synchronously,
 * whether a transaction can be sealed ({@link readyToSeal}).
 */
export class TransactionalWriter {
  private open: { seq: number; txn: KafkaOpenTransaction } | undefined;
  /** Seq the chain's sends go to. */
  private chainSeq = 1;
  /** Seq the records arriving now belong to (ahead of chainSeq while a seal is queued). */
  private epochSeq = 1;
  private readonly sealed: Sealed[] = [];
  private commits: Promise<void> = Promise.resolve();

  constructor(
    private readonly txns: KafkaTransactions,
    private readonly prefix: string,
    private readonly subtask: number,
    private readonly parallelism: number,
    private readonly onAsyncFailure: (e: unknown) => void,
  ) {}

  private id(prefix: string, subtask: number, seq: number): string {
    return `${prefix}-${subtask}-${seq}`;
  }

  /**
   * Finishes what earlier runs left (before the first record): commits every restored pending
   * transaction (their checkpoint completed, or is the one restored, so their output must
   * appear), then aborts lingering transactions above them by initialising their ids in order
   * until a never-used one (epoch 0), which becomes the first transaction of this run.
   */
  async recover(restored: KafkaSinkSnapshot[]): Promise<TransactionHandle> {
    for (const s of restored) for (const p of s.pending) await this.resume(p);
    const mine = restored.find((s) => s.prefix === this.prefix && s.subtask === this.subtask);
    // Old subtasks nobody runs any more (scaled down) are probed by the subtask that restored them.
    for (const s of restored) {
      if (s === mine || (s.subtask < this.parallelism && s.subtask !== this.subtask)) continue;
      const orphan = await this.probe(s.prefix, s.subtask, s.nextSeq);
      await orphan.txn.abort();
    }
    const first = await this.probe(this.prefix, this.subtask, mine?.nextSeq ?? 1);
    this.open = first;
    this.chainSeq = this.epochSeq = first.seq;
    return first.txn.handle;
  }

  private async resume(p: PendingTransaction): Promise<void> {
    try {
      await this.txns.resumeCommit(p);
    } catch (e) {
      throw lost(p.checkpointId, e);
    }
  }

  /** Begins `prefix-subtask-seq` for seq = from, from+1, … until an id that was never used. */
  private async probe(prefix: string, subtask: number, from: number): Promise<{ seq: number; txn: KafkaOpenTransaction }> {
    for (let seq = from; ; seq++) {
      const txn = await this.txns.begin(this.id(prefix, subtask, seq));
      if (txn.handle.epoch === 0) return { seq, txn };
    }
  }

  /** The open transaction the chain's sends go to, begun when there is none (chain only). */
  async target(): Promise<KafkaOpenTransaction> {
    if (this.open === undefined) this.open = { seq: this.chainSeq, txn: await this.txns.begin(this.id(this.prefix, this.subtask, this.chainSeq)) };
    return this.open.txn;
  }

  /**
   * Whether the transaction the current records belong to is open on the broker, so that its
   * handle can go into the snapshot now (synchronously). Not yet right after a seal, while the
   * next transaction's InitProducerId is in flight: the caller then declines the checkpoint.
   */
  readyToSeal(): TransactionHandle | undefined {
    return this.open?.seq === this.epochSeq ? this.open.txn.handle : undefined;
  }

  /**
   * Records the seal of the current transaction by checkpoint `checkpointId` (at the barrier,
   * after {@link readyToSeal}); `flushed` is the chain up to its last send. The next records
   * belong to the next transaction, which {@link sealOnChain} begins.
   */
  seal(checkpointId: number, flushed: Promise<void>): PendingTransaction {
    const open = this.open!;
    const entry: PendingTransaction = { ...open.txn.handle, checkpointId };
    this.sealed.push({ entry, txn: open.txn, flushed, committing: false });
    this.epochSeq++;
    return entry;
  }

  /** Chain step after the sealed transaction's sends: the next transaction begins eagerly. */
  async sealOnChain(): Promise<void> {
    this.open = undefined;
    this.chainSeq++;
    await this.target();
  }

  /** The snapshot: the sealed transactions (the one {@link seal} just sealed included) and where ids continue. */
  snapshot(): KafkaSinkSnapshot {
    return {
      v: 1,
      prefix: this.prefix,
      subtask: this.subtask,
      nextSeq: this.epochSeq,
      pending: this.sealed.map((s) => ({ ...s.entry })),
    };
  }

  /** Commits every transaction sealed at or before `checkpointId`, in order; failures fail the job. */
  commitUpTo(checkpointId: number): void {
    for (const s of this.sealed) {
      if (s.committing || s.entry.checkpointId > checkpointId) continue;
      s.committing = true;
      this.commits = this.commits
        .then(async () => {
          await s.flushed;
          faultPoint('sink.kafka.beforeCommit');
          try {
            await s.txn.commit();
          } catch (e) {
            throw lost(s.entry.checkpointId, e);
          }
          faultPoint('sink.kafka.afterCommit');
          this.sealed.splice(this.sealed.indexOf(s), 1);
        })
        .catch((e: unknown) => {
          s.committing = false;
          this.onAsyncFailure(e);
        });
    }
  }

  /**
   * Commits everything sealed, and the open transaction when it holds records (`openHasRecords`;
   * end of input: no checkpoint will follow).
   */
  async commitAll(openHasRecords: boolean): Promise<void> {
    if (openHasRecords && this.open !== undefined && this.open.seq === this.epochSeq) this.seal(Number.MAX_SAFE_INTEGER, Promise.resolve());
    this.commitUpTo(Number.MAX_SAFE_INTEGER);
    await this.commits;
  }

  /** Waits for commits in flight, then aborts the open transaction (its records are after the last barrier). */
  async abortOpen(): Promise<void> {
    await this.commits;
    const open = this.open;
    this.open = undefined;
    await open?.txn.abort().catch(() => {});
  }

  /** The run is over (failed): a send still retrying gives up instead of landing later (see `KafkaTransactions.halt`). */
  halt(): void {
    this.txns.halt();
  }

  close(): Promise<void> {
    return this.txns.close();
  }
}

/** A transaction the broker no longer has: its checkpoint's output is gone; a restart cannot help. */
function lost(checkpointId: number, e: unknown): unknown {
  if (!(e instanceof TransactionLostError)) return e;
  const which = checkpointId === Number.MAX_SAFE_INTEGER ? 'the final transaction' : `checkpoint ${checkpointId}`;
  return new RiffleError({
    code: 'kafka_output_lost',
    domain: 'external',
    retryable: false,
    message: `output of ${which} lost: transaction timed out (the broker aborted it after transactionTimeout, or a newer producer fenced it): ${e.message}`,
    cause: e,
  });
}
