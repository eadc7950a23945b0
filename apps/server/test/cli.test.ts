import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSpec } from '@riffle/shared';
import { removeDir, tempDir } from './helpers.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  // The command runs the built server; build it so this test checks the current sources.
  await promisify(execFile)(process.execPath, [join(pkg, '../../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: pkg });
  dir = await tempDir();
}, 60_000);
afterAll(async () => {
  child?.kill('SIGKILL');
  await removeDir(dir);
});

describe('riffle-server command', () => {
  it('prints its URL, serves the API, runs the demo and shuts down cleanly on SIGTERM', async () => {
    const dataDir = join(dir, 'data');
    child = spawn(process.execPath, [join(pkg, 'bin/riffle-server.js'), '--demo', '--web-dir', join(dir, 'no-web')], {
      cwd: dir,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((res) => child!.once('exit', (code) => res(code)));

    const deadline = Date.now() + 15_000;
    let url: string | undefined;
    let token: string | undefined;
    while (!url && Date.now() < deadline) {
      const m = /Riffle is running at (http:\/\/127\.0\.0\.1:\d+\/)\?token=([a-f0-9]+)/.exec(out);
      url = m?.[1];
      token = m?.[2];
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(url, out).toBeDefined();
    // The printed URL carries the token generated on first start and kept in DATA_DIR.
    expect((await readFile(join(dataDir, 'token'), 'utf8')).trim()).toBe(token);
    expect((await fetch(new URL('api/jobs', url))).status).toBe(401);

    const health = await (await fetch(new URL('api/health', url))).json();
    expect(health).toEqual({ ok: true, version: '0.1.0' });
    const { jobs } = (await (await fetch(new URL('api/jobs', url), { headers: { authorization: `Bearer ${token}` } })).json()) as { jobs: Array<{ id: string; name: string; status: string }> };
    expect(jobs.map((j) => [j.name, j.status])).toEqual([[demoSpec().name, 'running']]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
    // Shutdown keeps the job recorded as running, so the next start resumes it.
    const [id] = await readdir(join(dataDir, 'jobs'));
    const rec = JSON.parse(await readFile(join(dataDir, 'jobs', id!, 'job.json'), 'utf8'));
    expect(rec).toMatchObject({ id: jobs[0]!.id, status: 'running' });
  }, 30_000);

  it('--help lists the environment variables, FLINK_PREVIEW_BROKERS among them', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(pkg, 'bin/riffle-server.js'), '--help']);
    expect(stdout).toMatch(/FLINK_REST_URL, FLINK_SQL_GATEWAY_URL/);
    expect(stdout).toMatch(/FLINK_PREVIEW_BROKERS +host:port,\.\.\. of a Kafka cluster/);
  });
});
