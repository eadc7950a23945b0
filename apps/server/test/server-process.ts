import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const pkg = fileURLToPath(new URL('..', import.meta.url));

/** Compiles the server (tsc) so a child process runs the current sources; call in `beforeAll`. */
export async function buildServer(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(pkg, '../../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: pkg });
}

/**
 * Every record of a file sink's published part files, in file order (hidden pending and
 * in-progress files are never published); none for a folder that does not exist yet.
 */
export async function publishedRecords<T = { key: number; n: number }>(folder: string): Promise<T[]> {
  const out: T[] = [];
  for (const f of (await readdir(folder).catch(() => [])).filter((n) => /^part-.*\.ndjson$/.test(n)).sort()) {
    for (const line of (await readFile(join(folder, f), 'utf8')).split('\n')) if (line) out.push(JSON.parse(line) as T);
  }
  return out;
}

/** A real `riffle-server` child process (the built bin), with its URL and token. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  token: string;
  /** Everything it printed. */
  output(): string;
  /** `kill -9`; resolves once it exited. */
  kill9(): Promise<void>;
  /** An API call with the token. */
  api<T = any>(path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; body: T }>;
}

/**
 * Servers started here and still running: killed when the test process exits, so a test that
 * loses track of one (a failure between start and kill, a loop replacing it) leaves no orphan.
 */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Starts the built server on a free port with `dataDir` and `token`; resolves once it listens. */
export async function startServerProcess(dataDir: string, token: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(pkg, 'bin/riffle-server.js'), '--web-dir', join(dataDir, 'no-web')], {
    cwd: dataDir,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, RIFFLE_TOKEN: token, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MIN: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  live.add(child);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  void exited.then(() => live.delete(child));
  // Generous: a start takes seconds on a loaded machine.
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (!url) {
    url = /Riffle is running at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = url;
  return {
    child,
    url: base,
    token,
    output: () => out,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      await exited;
    },
    async api(path, init = {}) {
      const { json, ...rest } = init;
      const headers = { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) };
      const res = await fetch(new URL(path.replace(/^\//, ''), base), { ...(json === undefined ? {} : { method: 'POST', body: JSON.stringify(json) }), ...rest, headers });
      const text = await res.text();
      return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    },
  };
}
