import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { isJobId } from './job-id.js';
import type { JobRecord } from './job-views.js';

export interface StoreLogger {
  warn(obj: object, msg: string): void;
}

/**
 * Persists one `job.json` per job under `DATA_DIR/jobs/<id>/`. Writes of one job are queued so a
 * slow older write can never land after a newer one.
 */
export class JobStore {
  readonly jobsDir: string;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(dataDir: string, private readonly log?: StoreLogger) {
    this.jobsDir = resolve(dataDir, 'jobs');
  }

  /** Folder of one job; throws on anything that is not a well-formed id (no path traversal). */
  jobDir(id: string): string {
    if (!isJobId(id)) throw new Error(`refusing job id ${JSON.stringify(id)}`);
    const dir = join(this.jobsDir, id);
    if (!dir.startsWith(this.jobsDir + sep)) throw new Error(`refusing job id ${JSON.stringify(id)}`);
    return dir;
  }

  save(record: JobRecord): Promise<void> {
    const dir = this.jobDir(record.id);
    const text = JSON.stringify(record, null, 2) + '\n';
    const prev = this.queues.get(record.id) ?? Promise.resolve();
    const next = prev.then(async () => {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(join(dir, 'job.json'), text);
    });
    const tail = next.catch(() => {});
    this.queues.set(record.id, tail);
    void tail.then(() => {
      if (this.queues.get(record.id) === tail) this.queues.delete(record.id);
    });
    return next;
  }

  /** Resolves when every queued write has landed (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  /** Every readable job record; unreadable folders are logged and skipped. */
  async loadAll(): Promise<JobRecord[]> {
    await mkdir(this.jobsDir, { recursive: true });
    const entries = await readdir(this.jobsDir, { withFileTypes: true });
    const records: JobRecord[] = [];
    for (const e of entries) {
      if (!e.isDirectory() || !isJobId(e.name)) continue;
      const file = join(this.jobsDir, e.name, 'job.json');
      try {
        const rec = JSON.parse(await readFile(file, 'utf8')) as JobRecord;
        if (rec?.version !== 1 || rec.id !== e.name || typeof rec.spec !== 'object') throw new Error('not a job record');
        records.push(rec);
      } catch (err) {
        this.log?.warn({ file, err: String(err) }, 'skipping an unreadable job record');
      }
    }
    return records;
  }
}
