import { rm } from 'node:fs/promises';
import { RiffleError } from '@riffle/shared';
import { ClassicLevel } from 'classic-level';

/** A value waiting to be written, or null for a delete. */
type Write = Uint8Array | null;

/**
 * One LevelDB database (classic-level) holding the keyed state of one operator subtask, with a
 * single-writer queue in front of it. LevelDB's writes are asynchronous while operators run
 * synchronously, so writes go to `pending`, are sent as one batch when the event loop turns, and
 * stay readable (`inFlight`) until LevelDB has them. One batch at a time keeps writes to the same
 * key in order. Reads of written keys use `getSync` (a blocking LevelDB lookup, as Flink's RocksDB
 * backend reads synchronously) or, ahead of a batch of records, {@link readMany}.
 *
 * The database is a scratch copy of this run's state: checkpoints are the durable copy, so
 * nothing is fsynced and {@link close} deletes the folder.
 */
export class DiskStore {
  private readonly db: ClassicLevel<string, Uint8Array>;
  private pending = new Map<string, Write>();
  private inFlight: Map<string, Write> | undefined;
  private writing: Promise<void> | undefined;
  private flushScheduled = false;
  private failure: unknown;
  private closed: Promise<void> | undefined;
  /** Keys written while a {@link readMany} is outstanding (its answers for them are stale). */
  private readonly watchers = new Set<Set<string>>();

  constructor(readonly location: string) {
    this.db = new ClassicLevel<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
    // Surfaces an open failure (unwritable folder) at the next access instead of an unhandled rejection.
    this.db.open().catch((e: unknown) => (this.failure ??= e));
  }

  /** The latest value of `key`: queued writes first, then LevelDB. */
  read(key: string): Uint8Array | undefined {
    this.check();
    const p = this.pending.get(key);
    if (p !== undefined || this.pending.has(key)) return p ?? undefined;
    const f = this.inFlight?.get(key);
    if (f !== undefined || this.inFlight?.has(key)) return f ?? undefined;
    // Only keys whose write completed get here, so the database is open.
    return this.db.getSync(key);
  }

  /** Whether `key` has a write that LevelDB does not hold yet. */
  queued(key: string): boolean {
    return this.pending.has(key) || (this.inFlight?.has(key) ?? false);
  }

  /**
   * Reads many keys without blocking the event loop (one LevelDB multi-get on its thread pool).
   * Keys written meanwhile come back `stale: true`: their answer must not be used.
   */
  async readMany(keys: string[]): Promise<{ values: Array<Uint8Array | undefined>; stale: Set<string> }> {
    this.check();
    const stale = new Set<string>();
    this.watchers.add(stale);
    try {
      const values = await this.db.getMany(keys);
      return { values, stale };
    } finally {
      this.watchers.delete(stale);
    }
  }

  /** Queues `value` (null: delete) for `key`; readable at once through {@link read}. */
  write(key: string, value: Write): void {
    this.check();
    this.pending.set(key, value);
    for (const w of this.watchers) w.add(key);
    if (!this.flushScheduled && this.writing === undefined) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Resolves once every queued write is in LevelDB (tests; back-pressure when the queue grows). */
  async settled(): Promise<void> {
    while (this.writing !== undefined || this.pending.size > 0) {
      if (this.writing === undefined) this.flush();
      await this.writing;
    }
    this.check();
  }

  /**
   * A consistent view of the database as it is now, taken synchronously: the writes LevelDB does
   * not hold yet (copied) over an explicit LevelDB snapshot (created at once, natively). Later
   * writes change neither, so the view can be read asynchronously while processing goes on.
   */
  view(): StoreView {
    this.check();
    const overlay = new Map(this.inFlight);
    for (const [k, v] of this.pending) overlay.set(k, v);
    // Before the open completes no batch has reached LevelDB (they wait for it) and the folder
    // was emptied at job start, so everything lives in the overlay.
    const snapshot = this.db.status === 'open' ? this.db.snapshot() : undefined;
    return new StoreView(this.db, snapshot, overlay);
  }

  /** Writes waiting or being written (bounded by what one batch of records evicts). */
  get queuedWrites(): number {
    return this.pending.size + (this.inFlight?.size ?? 0);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.writing !== undefined || this.pending.size === 0 || this.closed !== undefined || this.failure !== undefined) return;
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight = batch;
    const ops = [...batch].map(([key, value]) => (value === null ? { type: 'del' as const, key } : { type: 'put' as const, key, value }));
    this.writing = this.db.batch(ops).then(
      () => {
        this.inFlight = undefined;
        this.writing = undefined;
        if (this.pending.size > 0) this.flush();
      },
      (e: unknown) => {
        // Keep the batch readable: the failure is reported at the next access and the task fails.
        this.failure ??= e;
        this.writing = undefined;
      },
    );
  }

  private check(): void {
    if (this.failure !== undefined) {
      const cause = this.failure as Error;
      throw new RiffleError({
        code: 'state_io_error',
        domain: 'external',
        retryable: true,
        message: `the disk state backend could not use ${this.location}: ${cause.message ?? String(cause)} (check free space and permissions of the job folder)`,
        cause,
      });
    }
    if (this.closed !== undefined) throw new Error('the disk state backend is closed');
  }

  /** Waits for the write in progress, closes LevelDB (releasing its files) and deletes the folder. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.writing?.catch(() => undefined);
      await this.db.close().catch(() => undefined);
      await rm(this.location, { recursive: true, force: true }).catch((e: NodeJS.ErrnoException) => {
        // A path through a file was never created (the open failed, and that was reported).
        if (e.code !== 'ENOTDIR') throw e;
      });
    })();
    return this.closed;
  }
}

/** Entries read from a {@link StoreView} per step: enough to amortise a thread-pool hop, small enough to keep turns short. */
const SCAN_STEP = 1000;

/** A point-in-time view of a {@link DiskStore} (see {@link DiskStore.view}); close it after use. */
export class StoreView {
  constructor(
    private readonly db: ClassicLevel<string, Uint8Array>,
    private readonly snapshot: ReturnType<ClassicLevel<string, Uint8Array>['snapshot']> | undefined,
    private readonly overlay: Map<string, Write>,
  ) {}

  /**
   * Every live entry whose key starts with `prefix`, in steps of about {@link SCAN_STEP}: the
   * event loop turns between steps (LevelDB reads on its thread pool), so records keep flowing.
   */
  async *scan(prefix: string): AsyncGenerator<Array<[string, Uint8Array]>> {
    // Keys are `<prefix><rest>`; the character after the prefix's last one bounds the range.
    const lt = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    if (this.snapshot !== undefined) {
      const it = this.db.iterator({ gte: prefix, lt, snapshot: this.snapshot });
      try {
        for (let step = await it.nextv(SCAN_STEP); step.length > 0; step = await it.nextv(SCAN_STEP)) {
          const live = step.filter(([k]) => !this.overlay.has(k));
          if (live.length > 0) yield live;
        }
      } finally {
        await it.close();
      }
    }
    const written: Array<[string, Uint8Array]> = [];
    for (const [k, v] of this.overlay) if (v !== null && k >= prefix && k < lt) written.push([k, v]);
    if (written.length > 0) yield written;
  }

  /** Releases the LevelDB snapshot. */
  async close(): Promise<void> {
    await this.snapshot?.close();
  }
}
