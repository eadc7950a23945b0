// A real single-node Apache Kafka broker (KRaft, broker+controller in one JVM) on loopback, for
// tests. Its jars come from Maven Central through scripts/kafka/pom.xml (see classpath.sh); nothing
// here downloads anything else. Plain ESM JavaScript so that any test setup can import it unbuilt.
//
//   const kafka = await startKafka();          // { brokers: ['127.0.0.1:<port>'], stop(), ... }
//   await kafka.restart({ downMs: 5000 });     // same ports and data: a broker outage mid-job
//   await kafka.stop();                        // SIGTERM, then SIGKILL; removes its temp folder
//
// By hand: `node scripts/kafka/broker.mjs` starts one and prints its address until Ctrl-C.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { alive, freePort } from '../lib/process-utils.mjs';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

/** Path of the classpath file, resolving the jars with Maven the first time (see classpath.sh). */
export function kafkaClasspathFile() {
  try {
    const out = execFileSync('bash', [join(here, 'classpath.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    return out.trim().split('\n').pop();
  } catch (err) {
    throw new Error(`Kafka test broker: could not get its classpath (scripts/kafka/classpath.sh failed: ${err.message.split('\n')[0]})`);
  }
}

/** The java binary and its `-version` text (which keys the class-data archive). */
function javaBin() {
  const fromHome = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : undefined;
  const java = fromHome && existsSync(fromHome) ? fromHome : 'java';
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`Kafka test broker: java not found or broken (${java}: ${(r.error?.message ?? r.stderr ?? '').trim()}); ` +
      'it needs a JDK 17+ on PATH or JAVA_HOME: run scripts/provision.sh');
  }
  return { java, version: r.stderr };
}

/**
 * Class-data sharing: the first broker that stops cleanly dumps the classes it loaded into a
 * dynamic CDS archive next to the classpath file (git-ignored .cache/kafka/); later JVMs map it,
 * which cuts broker start by about a third. Keyed by classpath and JVM, so a change makes a new one.
 */
function cdsArchive(classpathFile, classpath, javaVersion) {
  const key = createHash('sha256').update(classpath).update(javaVersion).digest('hex').slice(0, 12);
  const archive = join(dirname(classpathFile), `broker-${key}.jsa`);
  if (existsSync(archive)) return { use: [`-XX:SharedArchiveFile=${archive}`], dump: [], publish() {} };
  const tmp = `${archive}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  return {
    use: [],
    dump: [`-XX:ArchiveClassesAtExit=${tmp}`],
    publish() {
      try { if (existsSync(tmp) && !existsSync(archive)) renameSync(tmp, archive); } catch { /* another won */ }
      rmSync(tmp, { force: true });
    },
  };
}

export { freePort };

function portAnswers(port) {
  return new Promise((ok) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); ok(true); });
    s.once('error', () => { s.destroy(); ok(false); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));


/**
 * Removes what brokers of test processes that died without stop() left behind (their temp
 * folders; their JVMs died with them, see `setpriv` below). Only folders whose owner is gone.
 */
function sweepOrphans() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('riffle-kafka-')) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (!owner || alive(owner)) continue;
      const jvm = existsSync(join(dir, 'jvm.pid')) ? Number(readFileSync(join(dir, 'jvm.pid'), 'utf8').trim() || 0) : 0;
      // Only that broker's JVM (its command line names this folder), never a process that got its pid since.
      let cmdline = '';
      try { cmdline = jvm ? readFileSync(`/proc/${jvm}/cmdline`, 'utf8') : ''; } catch { /* gone */ }
      if (cmdline.includes('kafka.Kafka') && cmdline.includes(dir)) process.kill(jvm, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    } catch { /* not ours, or in use */ }
  }
}

// The JVM gets SIGKILL when the process that started it dies, however it dies (Linux
// PR_SET_PDEATHSIG through util-linux's setpriv), so no broker outlives a killed test run.
const pdeath = spawnSync('setpriv', ['--pdeathsig', 'SIGKILL', 'true']).status === 0 ? ['setpriv', '--pdeathsig', 'SIGKILL', '--'] : [];

/** kafkajs, resolved from the engine package (where it is a devDependency) or the repo root. */
function loadKafkajs() {
  for (const base of [join(root, 'packages/engine/package.json'), join(root, 'package.json')]) {
    try { return createRequire(base)('kafkajs'); } catch { /* next */ }
  }
  throw new Error('Kafka test broker: kafkajs is not installed (npm install at the repo root)');
}

function tail(file, lines = 40) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return '(no output)'; }
}

// JVM options chosen for a fast start of a small test broker on 2 cores: C1 only, serial GC, no
// perf-data file. Throughput does not matter here; start (and restart) time does.
const JVM_OPTS = [
  '-Xms128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData',
  '-Djava.awt.headless=true',
  '-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info',
  '-Dorg.slf4j.simpleLogger.showDateTime=true',
];

function serverProperties({ port, controllerPort, logDir, extra }) {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    'listeners': `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': '1',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '4',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '4',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    // After a crash (kill()), the controller refuses the restarted broker's registration until the
    // old session expires (DuplicateBrokerRegistrationException): 9 s by default, 3 s here.
    'broker.heartbeat.interval.ms': '500',
    'broker.session.timeout.ms': '3000',
    'num.network.threads': '2',
    'num.io.threads': '2',
    ...extra,
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/**
 * Starts a broker and resolves once a kafkajs admin can describe the cluster.
 * @param {object} [opts]
 * @param {string} [opts.logDir] Kafka's data folder (its `log.dirs`); default: a new temp folder,
 *   removed by stop(). A given folder is kept, and is formatted only if it is not already.
 * @param {number} [opts.port] PLAINTEXT port (default: a free one)
 * @param {number} [opts.controllerPort] CONTROLLER port (default: a free one)
 * @param {string} [opts.heap] -Xmx value, default '512m'
 * @param {Record<string,string>} [opts.properties] extra or overriding server.properties entries
 * @param {number} [opts.readyTimeoutMs] default 90 000
 * @param {boolean} [opts.quiet] no timing line on stderr
 * @param {Record<string,string>} [opts.loggers] log levels of single loggers in server.out, e.g.
 *   `{ 'kafka.coordinator.transaction': 'info' }` (the default level is warn)
 */
export async function startKafka(opts = {}) {
  const { java, version: javaVersion } = javaBin();
  const classpathFile = kafkaClasspathFile();
  const classpath = readFileSync(classpathFile, 'utf8').trim();
  const cds = cdsArchive(classpathFile, classpath, javaVersion);
  sweepOrphans();
  const workDir = mkdtempSync(join(tmpdir(), 'riffle-kafka-'));
  writeFileSync(join(workDir, 'owner.pid'), String(process.pid));
  const logDir = opts.logDir ? resolve(opts.logDir) : join(workDir, 'data');
  mkdirSync(logDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  let controllerPort = opts.controllerPort ?? (await freePort());
  while (controllerPort === port) controllerPort = await freePort();
  const propsFile = join(workDir, 'server.properties');
  writeFileSync(propsFile, serverProperties({ port, controllerPort, logDir, extra: opts.properties ?? {} }));
  const outFile = join(workDir, 'server.out');
  const logging = [
    // RIFFLE_KAFKA_LOG_LEVEL=info (or debug) makes <workDir>/server.out tell more.
    `-Dorg.slf4j.simpleLogger.defaultLogLevel=${process.env.RIFFLE_KAFKA_LOG_LEVEL ?? 'warn'}`,
    ...Object.entries(opts.loggers ?? {}).map(([name, level]) => `-Dorg.slf4j.simpleLogger.log.${name}=${level}`),
  ];
  const jvm = [`-Xmx${opts.heap ?? '512m'}`, ...JVM_OPTS, ...logging, '-cp', classpath];
  const brokers = [`127.0.0.1:${port}`];
  const t0 = performance.now();

  let formatMs = 0;
  if (!existsSync(join(logDir, 'meta.properties'))) {
    // What `kafka-storage random-uuid` makes; like Kafka's Uuid, never starting with '-' (the
    // command line would take it for an option: 1 start in 32 failed before this loop).
    let clusterId;
    do clusterId = randomBytes(16).toString('base64url'); while (clusterId.startsWith('-'));
    try {
      execFileSync(java, [...cds.use, ...jvm, 'kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', clusterId, '-c', propsFile],
        { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (err) {
      rmSync(workDir, { recursive: true, force: true });
      throw new Error(`Kafka test broker: formatting the KRaft storage failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
    formatMs = performance.now() - t0;
  }

  let child;
  let exited;
  let launches = 0;
  const killOnExit = () => { try { child?.kill('SIGKILL'); } catch { /* gone */ } };

  async function launch() {
    const t1 = performance.now();
    const out = openSync(outFile, 'a');
    const sharing = launches++ === 0 ? [...cds.use, ...cds.dump] : cds.use;
    const argv = [...pdeath, java, ...sharing, ...jvm, 'kafka.Kafka', propsFile];
    child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', out, out] });
    writeFileSync(join(workDir, 'jvm.pid'), String(child.pid ?? ''));
    closeSync(out);
    exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    process.once('exit', killOnExit);
    let gone;
    void exited.then((e) => { gone = e; });
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
    const fail = async (why) => {
      killOnExit();
      await exited;
      process.removeListener('exit', killOnExit);
      cds.publish();
      return new Error(`Kafka test broker on ${brokers[0]} did not start: ${why}\n--- ${outFile} (tail) ---\n${tail(outFile)}`);
    };
    while (!(await portAnswers(port))) {
      if (gone) throw await fail(`the JVM exited (${gone.code ?? gone.signal})`);
      if (Date.now() > deadline) throw await fail('its port never answered');
      await sleep(50);
    }
    const { Kafka, logLevel } = loadKafkajs();
    const admin = new Kafka({ clientId: 'riffle-test-broker-probe', brokers, logLevel: logLevel.NOTHING,
      retry: { retries: 0 }, connectionTimeout: 2000, requestTimeout: 5000 }).admin();
    let lastErr;
    for (;;) {
      if (gone) throw await fail(`the JVM exited (${gone.code ?? gone.signal})`);
      if (Date.now() > deadline) throw await fail(`describeCluster kept failing: ${lastErr?.message}`);
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length > 0) break;
      } catch (err) { lastErr = err; }
      await admin.disconnect().catch(() => {});
      await sleep(100);
    }
    await admin.disconnect().catch(() => {});
    return performance.now() - t1;
  }

  let startMs = await launch();
  if (!opts.quiet) {
    console.error(`kafka: broker ${brokers[0]} ready in ${Math.round(formatMs + startMs)} ms` +
      (formatMs ? ` (format ${Math.round(formatMs)} ms + start ${Math.round(startMs)} ms)` : ''));
  }

  let stopped = false;
  /** Stops the JVM: SIGTERM, then SIGKILL after graceMs. The broker is gone when it resolves. */
  async function halt(graceMs = 15_000, signal = 'SIGTERM') {
    if (child.exitCode !== null || child.signalCode !== null) {
      process.removeListener('exit', killOnExit);
      cds.publish();
      return;
    }
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    process.removeListener('exit', killOnExit);
    cds.publish();
  }

  return {
    brokers,
    port,
    controllerPort,
    logDir,
    workDir,
    /** Time from spawn to ready, in ms, of the last (re)start. */
    get startMs() { return startMs; },
    get pid() { return child.pid; },
    /** Stops the broker and removes its temp folder (and so its data, unless keepData or the
     *  caller gave logDir). */
    async stop({ keepData = false } = {}) {
      if (stopped) return;
      stopped = true;
      await halt();
      // An owned logDir lives inside workDir; a caller's logDir is outside it and always kept.
      if (!keepData) rmSync(workDir, { recursive: true, force: true });
      // A kept folder has no owner any more, so that the next broker's sweep leaves it alone.
      else rmSync(join(workDir, 'owner.pid'), { force: true });
    },
    /** Kills the broker like a crash (SIGKILL), keeping its data: then restart() it. */
    async kill() { await halt(0, 'SIGKILL'); },
    /** Stops (SIGTERM) unless already down, waits downMs, starts again on the same ports and data. */
    async restart({ downMs = 0 } = {}) {
      await halt();
      if (downMs) await sleep(downMs);
      startMs = await launch();
      if (!opts.quiet) console.error(`kafka: broker ${brokers[0]} restarted in ${Math.round(startMs)} ms`);
      return startMs;
    },
  };
}

// By hand: node scripts/kafka/broker.mjs
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const kafka = await startKafka();
  console.log(`brokers: ${kafka.brokers.join(',')}   data: ${kafka.logDir}   (Ctrl-C stops it)`);
  const bye = () => { void kafka.stop().then(() => process.exit(0)); };
  process.once('SIGINT', bye);
  process.once('SIGTERM', bye);
}
