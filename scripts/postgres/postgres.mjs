// A throw-away PostgreSQL server for tests, from Debian's binaries (/usr/lib/postgresql/<v>/bin,
// installed by ensure-postgres.sh): a new cluster in a temp folder, on a free 127.0.0.1 port, with
// its unix socket in that folder and trust auth, so it never meets the machine's own clusters.
// PostgreSQL refuses to run as root: as root, the server runs as the `postgres` system user that
// the Debian package creates (runuser), in a temp folder that user owns.
//
//   const pg = await startPostgres();   // { connectionString: 'postgres://postgres@127.0.0.1:<port>/riffle', stop() }
//   await pg.stop();                    // pg_ctl stop -m fast; removes the folder
//
// By hand: `node scripts/postgres/postgres.mjs` starts one and prints its URL until Ctrl-C.
import { execFileSync } from 'node:child_process';
import { alive, freePort } from '../lib/process-utils.mjs';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Debian's server bin dir (newest version), installing the package if root and missing. */
export function postgresBinDir() {
  try {
    return execFileSync('bash', [join(here, 'ensure-postgres.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim().split('\n').pop();
  } catch {
    throw new Error('PostgreSQL test server: no server binaries (scripts/postgres/ensure-postgres.sh failed, see above)');
  }
}



/**
 * pg_ctl daemonizes the server, so it outlives a test process that dies without stop(): stop and
 * remove the servers of such processes (folders riffle-pg-* whose owner.pid is gone).
 */
function sweepOrphans(bin, asRoot) {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('riffle-pg-')) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (!owner || alive(owner)) continue;
      const args = ['stop', '-D', join(dir, 'data'), '-m', 'immediate', '-w'];
      try {
        if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
        else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
      } catch { /* not running */ }
      rmSync(dir, { recursive: true, force: true });
    } catch { /* not ours, or in use */ }
  }
}

function tail(file, lines = 30) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}

/**
 * @param {object} [opts]
 * @param {string} [opts.database] database to create, default 'riffle'
 * @param {number} [opts.port] default: a free one
 * @param {boolean} [opts.quiet] no timing line on stderr
 */
export async function startPostgres(opts = {}) {
  const bin = postgresBinDir();
  const t0 = performance.now();
  const asRoot = process.getuid?.() === 0;
  let uid, gid;
  if (asRoot) {
    try {
      uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    } catch {
      throw new Error('PostgreSQL test server: running as root but there is no `postgres` system user (Debian\'s postgresql package creates it)');
    }
  }
  // The server user needs to reach the folder: /tmp is world-traversable; the folder is its own.
  sweepOrphans(bin, asRoot);
  const dir = mkdtempSync(join(tmpdir(), 'riffle-pg-'));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  mkdirSync(sock);
  if (asRoot) { chownSync(dir, uid, gid); chownSync(sock, uid, gid); }
  const run = (cmd, args, extra = {}) => {
    const argv = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    return execFileSync(argv[0], argv[1], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...extra });
  };
  const port = opts.port ?? (await freePort());
  const database = opts.database ?? 'riffle';
  const logFile = join(dir, 'postgres.log');
  const fail = (what, err) => {
    const msg = `PostgreSQL test server: ${what} failed: ${(err.stderr || err.stdout || err.message || '').trim()}\n--- ${logFile} (tail) ---\n${tail(logFile)}`;
    try { run('pg_ctl', ['stop', '-D', data, '-m', 'immediate']); } catch { /* not running */ }
    rmSync(dir, { recursive: true, force: true });
    return new Error(msg);
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  } catch (err) { throw fail('initdb', err); }
  // A test server: durability off for speed (tests never crash PostgreSQL itself).
  const serverOpts = [`-p ${port}`, `-k ${sock}`, "-c listen_addresses=127.0.0.1", '-c fsync=off',
    '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=50', '-c shared_buffers=32MB'].join(' ');
  try {
    run('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', logFile, '-o', serverOpts]);
  } catch (err) { throw fail('pg_ctl start', err); }
  const stopServer = (mode) => {
    try { run('pg_ctl', ['stop', '-D', data, '-m', mode, '-w']); } catch { /* already down */ }
  };
  const onExit = () => { stopServer('immediate'); rmSync(dir, { recursive: true, force: true }); };
  process.once('exit', onExit);
  try {
    run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database]);
  } catch (err) {
    process.removeListener('exit', onExit);
    throw fail('createdb', err);
  }
  const startMs = performance.now() - t0;
  const connectionString = `postgres://postgres@127.0.0.1:${port}/${database}`;
  if (!opts.quiet) console.error(`postgres: ${connectionString} ready in ${Math.round(startMs)} ms (${bin})`);
  let stopped = false;
  return {
    connectionString,
    port,
    database,
    dir,
    startMs,
    /**
     * Fault injection: stops the server like a crash (`pg_ctl stop -m immediate`: connections
     * drop, no shutdown checkpoint), keeps it down `downMs`, then starts it again on the same port
     * and data folder.
     */
    async restart({ downMs = 0 } = {}) {
      stopServer('immediate');
      await new Promise((r) => setTimeout(r, downMs));
      try {
        run('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', logFile, '-o', serverOpts]);
      } catch (err) { throw new Error(`PostgreSQL test server: restart failed: ${(err.stderr || err.message || '').trim()}\n${tail(logFile)}`); }
    },
    /** pg_ctl stop -m fast, then removes the folder. */
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      stopServer('fast');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pg = await startPostgres();
  console.log(`${pg.connectionString}   (as ${process.getuid?.() === 0 ? 'postgres' : userInfo().username}; Ctrl-C stops it)`);
  const bye = () => { void pg.stop().then(() => process.exit(0)); };
  process.once('SIGINT', bye);
  process.once('SIGTERM', bye);
}
