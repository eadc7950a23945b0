import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { PipelineSummary, PipelineVersionInfo } from '@riffle/shared';
import { writeFileAtomic } from './atomic-write.js';
import { isJobId, newJobId } from './job-id.js';

/** One version as stored: `DATA_DIR/pipelines/<id>/v<n>.json`. */
export interface StoredVersion {
  format: 1;
  id: string;
  name: string;
  version: number;
  savedAt: number;
  spec: Record<string, unknown>;
}

export type UpdateResult =
  | { ok: true; summary: PipelineSummary }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'conflict'; currentVersion: number };

const VERSION_FILE = /^v([1-9]\d{0,8})\.json$/;

/**
 * Saved pipelines on disk: one folder per pipeline, one JSON file per version, each written
 * atomically (temp, fsync, rename). Saves of one pipeline run one at a time, so two saves based on
 * the same version cannot both win. Ids have the job id format: nothing else reaches a path.
 * @example
 * const store = new PipelineStore(dataDir);
 * const { id } = await store.create('orders', spec);
 * await store.update(id, { spec, baseVersion: 1 }); // { ok: true, summary: { version: 2, … } }
 */
export class PipelineStore {
  readonly dir: string;
  private index: Promise<Map<string, PipelineSummary>> | undefined;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(dataDir: string) {
    this.dir = resolve(dataDir, 'pipelines');
  }

  /** Newest save first. */
  async list(): Promise<PipelineSummary[]> {
    return [...(await this.loaded()).values()].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async create(name: string, spec: Record<string, unknown>): Promise<PipelineSummary> {
    const index = await this.loaded();
    const id = newJobId();
    await mkdir(this.folder(id), { recursive: true });
    const summary = await this.write(id, name, 1, spec);
    index.set(id, summary);
    return summary;
  }

  /** The latest version, or `version`; undefined when either does not exist. */
  async get(id: string, version?: number): Promise<StoredVersion | undefined> {
    const summary = (await this.loaded()).get(id);
    if (summary === undefined || (version !== undefined && version > summary.version)) return undefined;
    return this.read(id, version ?? summary.version);
  }

  /** Every version still on disk, oldest first; undefined for an unknown pipeline. */
  async versions(id: string): Promise<PipelineVersionInfo[] | undefined> {
    if (!(await this.loaded()).has(id)) return undefined;
    const out: PipelineVersionInfo[] = [];
    for (const v of await this.versionNumbers(id)) {
      const rec = await this.read(id, v);
      if (rec) out.push({ version: v, name: rec.name, savedAt: rec.savedAt });
    }
    return out;
  }

  /** Saves a new version, unless `baseVersion` is no longer the latest. */
  update(id: string, change: { spec: Record<string, unknown>; name?: string; baseVersion: number }): Promise<UpdateResult> {
    return this.exclusive(id, async () => {
      const index = await this.loaded();
      const current = index.get(id);
      if (current === undefined) return { ok: false, reason: 'not_found' };
      if (change.baseVersion !== current.version) return { ok: false, reason: 'conflict', currentVersion: current.version };
      const summary = await this.write(id, change.name ?? current.name, current.version + 1, change.spec);
      index.set(id, summary);
      return { ok: true, summary };
    });
  }

  /** Deletes every version; false when there was no such pipeline. */
  remove(id: string): Promise<boolean> {
    return this.exclusive(id, async () => {
      const index = await this.loaded();
      if (!index.has(id)) return false;
      index.delete(id);
      await rm(this.folder(id), { recursive: true, force: true });
      return true;
    });
  }

  /** Folder of one pipeline; throws on anything that is not a well-formed id (no path traversal). */
  private folder(id: string): string {
    const dir = join(this.dir, id);
    if (!isJobId(id) || !dir.startsWith(this.dir + sep)) throw new Error(`refusing pipeline id ${JSON.stringify(id)}`);
    return dir;
  }

  private async write(id: string, name: string, version: number, spec: Record<string, unknown>): Promise<PipelineSummary> {
    const record: StoredVersion = { format: 1, id, name, version, savedAt: Date.now(), spec };
    await writeFileAtomic(join(this.folder(id), `v${version}.json`), JSON.stringify(record) + '\n');
    return { id, name, version, updatedAt: record.savedAt };
  }

  private async read(id: string, version: number): Promise<StoredVersion | undefined> {
    try {
      const rec = JSON.parse(await readFile(join(this.folder(id), `v${version}.json`), 'utf8')) as StoredVersion;
      return rec?.format === 1 && rec.id === id && rec.version === version ? rec : undefined;
    } catch {
      return undefined;
    }
  }

  private async versionNumbers(id: string): Promise<number[]> {
    const names = await readdir(this.folder(id)).catch(() => [] as string[]);
    return names.flatMap((n) => {
      const m = VERSION_FILE.exec(n);
      return m ? [Number(m[1])] : [];
    }).sort((a, b) => a - b);
  }

  /** The summaries of every pipeline on disk, read once (this server owns the folder). */
  private loaded(): Promise<Map<string, PipelineSummary>> {
    return (this.index ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const index = new Map<string, PipelineSummary>();
      for (const e of await readdir(this.dir, { withFileTypes: true })) {
        if (!e.isDirectory() || !isJobId(e.name)) continue;
        const latest = (await this.versionNumbers(e.name)).at(-1);
        const rec = latest === undefined ? undefined : await this.read(e.name, latest);
        if (rec) index.set(rec.id, { id: rec.id, name: rec.name, version: rec.version, updatedAt: rec.savedAt });
      }
      return index;
    })().catch((err: unknown) => {
      // Try again on the next request (e.g. once DATA_DIR is writable) rather than fail forever.
      this.index = undefined;
      throw err;
    }));
  }

  /** Runs `fn` after every earlier exclusive call for the same pipeline has settled. */
  private exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(id) ?? Promise.resolve()).then(fn, fn);
    const settled = run.catch(() => undefined);
    this.locks.set(id, settled);
    void settled.then(() => {
      if (this.locks.get(id) === settled) this.locks.delete(id);
    });
    return run;
  }
}
