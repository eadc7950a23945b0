import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateBackendConfig } from './operator-backend.js';

/**
 * The state backend of a job from its `config.stateBackend`. Disk state goes to the job's folder
 * (`<jobDir>/state`, emptied first: what a killed run left there is no one's state; checkpoints are
 * the durable copy) or, for a job without one, to a new temp folder under `tempParent`. The
 * runtime deletes the folder when the job ends.
 */
export async function stateBackendOf(
  kind: 'heap' | 'disk',
  jobDir: string | undefined,
  tempParent = tmpdir(),
  cacheKeys?: number,
): Promise<StateBackendConfig | undefined> {
  if (kind === 'heap') return undefined;
  const cache = cacheKeys !== undefined && Number.isInteger(cacheKeys) && cacheKeys >= 1 ? { cacheKeys } : {};
  if (jobDir !== undefined) {
    const dir = join(jobDir, 'state');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return { kind: 'disk', dir, ...cache };
  }
  await mkdir(tempParent, { recursive: true });
  return { kind: 'disk', dir: await mkdtemp(join(tempParent, 'riffle-state-')), ...cache };
}
