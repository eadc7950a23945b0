import { OffsetOutOfRangeError, type FetchedPartition, type FetchedRecord, type KafkaAdmin, type KafkaClient, type PartitionReader } from './client.js';
import { createKafkaClient } from './index.js';
import { parseBrokers } from './inspect.js';

export interface TopicTailOptions {
  /** Per partition, the first offset wanted (e.g. where the current run began writing); default 0. */
  from?: ReadonlyMap<number, number>;
  /** How many of each partition's newest records matter: older ones are skipped, not read. */
  keep: number;
  /** Records in offset order, at most `keep` per call (committed ones: read_committed). */
  onRecords: (partition: number, records: FetchedRecord[]) => void;
  /** A failed read; the tail tries again a second later. */
  onError?: (err: unknown) => void;
}

const FETCH_WAIT_MS = 500;
const RETRY_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Follows the newest records of a topic, without a consumer group (nothing is committed, no group
 * shows up on the cluster): it starts `keep` records before each partition's end (not before
 * `from`) and, when it falls more than `keep` behind, jumps ahead, since what it would skip is
 * pushed out by newer records anyway. For a preview of the latest rows of a busy topic it reads
 * about `keep` records a poll, not the whole stream.
 * @example
 * const tail = new KafkaTopicTail(['localhost:9092'], 'results', { keep: 100, onRecords: (p, rs) => show(rs) });
 * await tail.caughtUp(5000);
 * await tail.close();
 */
export class KafkaTopicTail {
  private readonly client: KafkaClient;
  private admin: Promise<KafkaAdmin> | undefined;
  private reader: PartitionReader | undefined;
  private positions: Map<number, number> | undefined;
  private closed = false;
  private readonly loop: Promise<void>;

  constructor(
    brokers: readonly string[],
    readonly topic: string,
    private readonly o: TopicTailOptions,
  ) {
    this.client = createKafkaClient({ brokers: parseBrokers(brokers), clientId: 'riffle-topic-tail', connectionTimeoutMs: 3000, retries: 2 });
    this.loop = this.run();
  }

  /**
   * Resolves true once every record the topic held when it was called has been read (handed to
   * `onRecords` or skipped as older than the newest `keep`); false after `timeoutMs`.
   */
  async caughtUp(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let ends: Map<number, number>;
    try {
      const offsets = await Promise.race([this.connectedAdmin().then((a) => a.offsets(this.topic)), sleep(timeoutMs).then(() => undefined)]);
      if (offsets === undefined) return false;
      ends = new Map(offsets.map((p) => [p.partition, p.high]));
    } catch {
      return false;
    }
    while (!this.closed && Date.now() < deadline) {
      const at = this.positions;
      if (at && [...ends].every(([p, end]) => (at.get(p) ?? 0) >= end)) return true;
      await sleep(50);
    }
    return false;
  }

  /** Stops reading (within about a second, also when the cluster does not answer) and disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.race([this.loop, sleep(2000)]);
    const admin = await this.admin?.catch(() => undefined);
    await Promise.all([this.reader?.close(), admin?.close()].map((p) => p?.catch(() => {})));
  }

  /** One admin client for the loop and `caughtUp` (asked at once, they must not open two). */
  private connectedAdmin(): Promise<KafkaAdmin> {
    this.admin ??= this.client.admin().catch((e: unknown) => {
      this.admin = undefined;
      throw e;
    });
    return this.admin;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        this.positions ??= await this.startPositions();
        this.reader ??= await this.client.reader(this.topic);
        const fetched = await this.reader.fetch(this.positions, FETCH_WAIT_MS);
        if (this.closed) return;
        for (const f of fetched) this.take(f);
        // Nothing at all (not even an empty answer per partition): metadata was refreshed; not in a tight loop.
        if (fetched.length === 0) await sleep(100);
      } catch (e) {
        if (this.closed) return;
        // Retention deleted what was next: start again from what is there.
        if (e instanceof OffsetOutOfRangeError) {
          this.positions = undefined;
          continue;
        }
        this.o.onError?.(e);
        await sleep(RETRY_MS);
      }
    }
  }

  private async startPositions(): Promise<Map<number, number>> {
    const offsets = await (await this.connectedAdmin()).offsets(this.topic);
    return new Map(offsets.map((p) => [p.partition, Math.max(p.low, this.o.from?.get(p.partition) ?? 0, p.high - this.o.keep)]));
  }

  private take(f: FetchedPartition): void {
    const keep = this.o.keep;
    const records = f.records.length > keep ? f.records.slice(-keep) : f.records;
    if (records.length > 0) this.o.onRecords(f.partition, records);
    // Further behind than `keep`: what lies between would be pushed out by newer records anyway.
    this.positions!.set(f.partition, f.endOffset - f.nextOffset > keep ? f.endOffset - keep : f.nextOffset);
  }
}
