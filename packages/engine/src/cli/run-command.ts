import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { withEventTimeOrigin } from '@riffle/shared';
import { Engine } from '../engine.js';
import { InvalidSpecError } from '../errors.js';
import { metricsLine, problemLines, summary } from './format.js';

export interface RunOptions {
  baseDir?: string;
}

/** Exit codes of `riffle run`. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

const say = (line: string) => process.stderr.write(line + '\n');

/**
 * Generated event time starts now, as on the server (a datagen source's explicit `startTime`
 * wins): a live run's watermarks then read close to the wall clock. Anything that is not a spec
 * with a node list is passed on as it is, for the validator to explain.
 */
function startingNow(spec: unknown): unknown {
  const nodes = (spec as { nodes?: unknown } | null)?.nodes;
  const isObject = (v: unknown): v is object => v !== null && typeof v === 'object' && !Array.isArray(v);
  const wellFormed = (n: unknown) => isObject(n) && typeof (n as { kind?: unknown }).kind === 'string' && ((n as { params?: unknown }).params === undefined || isObject((n as { params?: unknown }).params));
  if (!Array.isArray(nodes) || !nodes.every(wellFormed)) return spec;
  return withEventTimeOrigin(spec as { nodes: Array<{ kind: string; params?: unknown }> }, Date.now());
}

/**
 * `riffle run <spec.json>`: runs a job until it finishes (bounded sources) or Ctrl-C stops it,
 * printing a metrics line every second to stderr. Returns the process exit code.
 */
export async function runCommand(specFile: string, opts: RunOptions): Promise<number> {
  const specPath = resolve(specFile);
  let spec: unknown;
  try {
    spec = JSON.parse(await readFile(specPath, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    say(err.code === 'ENOENT' ? `riffle: spec file not found: ${specPath}` : `riffle: cannot read ${specPath}: ${err.message}`);
    return EXIT.usage;
  }
  const baseDir = resolve(opts.baseDir ?? dirname(specPath));
  let job;
  try {
    job = await Engine.start(startingNow(spec), { baseDir });
  } catch (e) {
    if (!(e instanceof InvalidSpecError)) throw e;
    say(`riffle: invalid job spec ${specPath}:`);
    for (const line of problemLines(e.problems)) say(line);
    return EXIT.usage;
  }
  const started = Date.now();
  say(`riffle: running "${job.spec.name}" (job ${job.id}, base dir ${baseDir}); Ctrl-C stops it`);
  const ticker = setInterval(() => say(metricsLine(job.metrics(), Date.now() - started)), 1000);
  let interrupts = 0;
  const onSignal = () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    say('riffle: stopping (Ctrl-C again to exit immediately)');
    void job.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const result = await job.done;
  clearInterval(ticker);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const m = job.metrics();
  say(`riffle: job ${result.status} after ${secs}s`);
  for (const line of summary(m)) say(line);
  for (const d of job.deadLetters().slice(-5)) say(`  dead letter from ${d.nodeId}: ${d.error}`);
  if (result.status === 'failed') {
    say(`riffle: ${result.error?.message ?? 'job failed'}${result.error?.nodeId ? ` (operator ${result.error.nodeId})` : ''}`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
