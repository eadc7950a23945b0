// A real Apache Flink session cluster on loopback, for the `flink` target's tests: a JobManager
// (StandaloneSessionClusterEntrypoint, with Flink's REST API), one TaskManager (TaskManagerRunner)
// and the SQL Gateway (REST endpoint). flink-dist is not on Maven Central, so each runs its entry
// class from the module jars that scripts/flink/pom.xml lists (see classpath.sh); the TaskManager
// gets its memory settings from Flink's own BashJavaUtils, as flink-dist's scripts do. Plain ESM.
//
//   const flink = await startFlink();   // { restUrl, sqlGatewayUrl, stop(), ... }
//   await flink.stop();                 // SIGTERM, then SIGKILL; removes its temp folder
//
// By hand: `node scripts/flink/cluster.mjs` starts one and prints its URLs until Ctrl-C.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive, freePort } from '../lib/process-utils.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Path of the classpath file, resolving the jars with Maven the first time (see classpath.sh). */
export function flinkClasspathFile() {
  try {
    const out = execFileSync('bash', [join(here, 'classpath.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    return out.trim().split('\n').pop();
  } catch (err) {
    throw new Error(`Flink test cluster: could not get its classpath (scripts/flink/classpath.sh failed: ${err.message.split('\n')[0]})`);
  }
}

function javaBin() {
  const fromHome = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : undefined;
  const java = fromHome && existsSync(fromHome) ? fromHome : 'java';
  if (spawnSync(java, ['-version']).status !== 0) throw new Error(`Flink test cluster: java not found (${java}); it needs a JDK 17+: run scripts/provision.sh`);
  return java;
}

// Every JVM dies with the process that started it (Linux PR_SET_PDEATHSIG via util-linux's
// setpriv), so no cluster outlives a killed test run.
const pdeath = spawnSync('setpriv', ['--pdeathsig', 'SIGKILL', 'true']).status === 0 ? ['setpriv', '--pdeathsig', 'SIGKILL', '--'] : [];

/** Removes the temp folders of clusters whose owner died without stop() (their JVMs died with it). */
function sweepOrphans() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('riffle-flink-')) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (owner && !alive(owner)) rmSync(dir, { recursive: true, force: true });
    } catch { /* not ours, or in use */ }
  }
}

function tail(file, lines = 30) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return '(no output)'; }
}

/** Flink's config.yaml for a small cluster on loopback (2 cores: one TaskManager, `slots` slots). */
function configYaml({ rpcPort, restPort, slots, workDir, extra }) {
  const conf = {
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': rpcPort,
    'jobmanager.bind-host': '127.0.0.1',
    'jobmanager.memory.process.size': '768m',
    'rest.address': '127.0.0.1',
    'rest.bind-address': '127.0.0.1',
    'rest.port': restPort,
    'taskmanager.host': '127.0.0.1',
    'taskmanager.bind-host': '127.0.0.1',
    'taskmanager.numberOfTaskSlots': slots,
    'taskmanager.memory.process.size': '1280m',
    'taskmanager.rpc.port': 0,
    'blob.server.port': 0,
    'parallelism.default': 1,
    'io.tmp.dirs': join(workDir, 'tmp'),
    'state.checkpoints.dir': `file://${join(workDir, 'checkpoints')}`,
    'state.savepoints.dir': `file://${join(workDir, 'savepoints')}`,
    ...extra,
  };
  return Object.entries(conf).map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`).join('\n') + '\n';
}

const LOG4J = `rootLogger.level = \${sys:riffle.flink.log.level}
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = \${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n
`;

async function getJson(url) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.ok ? await r.json() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a session cluster and resolves once the JobManager has the TaskManager's slots and the SQL
 * Gateway answers.
 * @param {object} [opts]
 * @param {number} [opts.slots] task slots of the TaskManager (default 2)
 * @param {Record<string, string|number>} [opts.config] extra or overriding config.yaml entries
 * @param {number} [opts.readyTimeoutMs] default 120 000
 * @param {boolean} [opts.quiet] no timing line on stderr
 */
export async function startFlink(opts = {}) {
  try {
    return await startOnce(opts);
  } catch (err) {
    // Ports are picked free, then bound by the JVMs a moment later: another cluster starting at
    // the same time (parallel test files) can take one in between. Once more, with new ports.
    if (!/BindException|Address already in use/.test(String(err?.message))) throw err;
    process.stderr.write('flink: a port was taken while the cluster started; starting it again on new ports\n');
    return startOnce(opts);
  }
}

async function startOnce(opts) {
  const java = javaBin();
  const classpath = readFileSync(flinkClasspathFile(), 'utf8').trim();
  sweepOrphans();
  const workDir = mkdtempSync(join(tmpdir(), 'riffle-flink-'));
  writeFileSync(join(workDir, 'owner.pid'), String(process.pid));
  const conf = join(workDir, 'conf');
  for (const d of [conf, join(workDir, 'tmp'), join(workDir, 'log')]) mkdirSync(d, { recursive: true });
  const slots = opts.slots ?? 2;
  const rpcPort = await freePort();
  const restPort = await freePort();
  const gatewayPort = await freePort();
  writeFileSync(join(conf, 'config.yaml'), configYaml({ rpcPort, restPort, slots, workDir, extra: opts.config ?? {} }));
  writeFileSync(join(conf, 'log4j.properties'), LOG4J);
  const t0 = performance.now();
  const procs = [];
  const logOf = (name) => join(workDir, 'log', `${name}.log`);
  const launch = (name, jvm, main, args, env = {}) => {
    const log = logOf(name);
    const cmd = [...pdeath, java, ...jvm, `-Dlog.file=${log}`, `-Dlog4j.configurationFile=file:${join(conf, 'log4j.properties')}`,
      `-Driffle.flink.log.level=${process.env.RIFFLE_FLINK_LOG_LEVEL ?? 'WARN'}`, '-XX:+UseSerialGC', '-XX:-UsePerfData', '-cp', classpath, main, ...args];
    const p = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, FLINK_CONF_DIR: conf, ...env } });
    procs.push({ name, p, log });
    return p;
  };
  const stop = async () => {
    for (const { p } of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (procs.some(({ p }) => p.exitCode === null && p.signalCode === null) && Date.now() < deadline) await sleep(100);
    for (const { p } of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  };
  const fail = async (why) => {
    const logs = procs.map(({ name, log }) => `--- ${name} (${log}):\n${tail(log)}`).join('\n');
    await stop();
    throw new Error(`Flink test cluster: ${why}\n${logs}`);
  };

  launch('jobmanager', ['-Xmx512m'], 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint', ['--configDir', conf]);
  // The TaskManager's JVM sizes and memory options, derived from config.yaml by Flink itself.
  let tmJvm;
  let tmDynamic;
  try {
    const out = execFileSync(java, ['-cp', classpath, 'org.apache.flink.runtime.util.bash.BashJavaUtils', 'GET_TM_RESOURCE_PARAMS', '--configDir', conf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const results = out.split('\n').filter((l) => l.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:')).map((l) => l.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length).trim());
    tmJvm = results[0].split(/\s+/);
    tmDynamic = results[1].split(/\s+/);
  } catch (err) {
    await fail(`BashJavaUtils could not size the TaskManager: ${err.message}`);
  }
  launch('taskmanager', tmJvm, 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner', ['--configDir', conf, ...tmDynamic]);
  launch('sql-gateway', ['-Xmx384m'], 'org.apache.flink.table.gateway.SqlGateway', [
    '-Dsql-gateway.endpoint.rest.address=127.0.0.1',
    '-Dsql-gateway.endpoint.rest.bind-address=127.0.0.1',
    `-Dsql-gateway.endpoint.rest.port=${gatewayPort}`,
    '-Dexecution.target=remote',
  ]);

  const restUrl = `http://127.0.0.1:${restPort}`;
  const sqlGatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  for (;;) {
    const dead = procs.find(({ p }) => p.exitCode !== null || p.signalCode !== null);
    if (dead) await fail(`${dead.name} exited (${dead.p.exitCode ?? dead.p.signalCode}) while starting`);
    const overview = await getJson(`${restUrl}/overview`);
    const info = await getJson(`${sqlGatewayUrl}/v1/info`);
    if (overview?.['slots-total'] >= slots && info?.version) {
      if (!opts.quiet) process.stderr.write(`flink: session cluster ${overview['flink-version']} ready in ${Math.round(performance.now() - t0)} ms (REST ${restUrl}, SQL Gateway ${sqlGatewayUrl})\n`);
      return { restUrl, sqlGatewayUrl, version: overview['flink-version'], workDir, slots, stop };
    }
    if (Date.now() > deadline) await fail('not ready in time');
    await sleep(250);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flink = await startFlink();
  console.log(`FLINK_REST_URL=${flink.restUrl}\nFLINK_SQL_GATEWAY_URL=${flink.sqlGatewayUrl}\n(Ctrl-C stops it)`);
  const bye = () => void flink.stop().then(() => process.exit(0));
  process.on('SIGINT', bye);
  process.on('SIGTERM', bye);
}
