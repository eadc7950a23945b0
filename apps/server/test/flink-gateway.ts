// Talking to a Flink SQL Gateway's REST API (v1) from tests: open a session, run statements one by
// one, submit a compiled plan and wait for its job to finish on the JobManager.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlinkCluster } from '../../../scripts/flink/cluster.mjs';
import type { FlinkSqlPlan } from '../src/flink/plan-types.js';
import { waitFor } from './helpers.js';

export async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

export async function openSession(flink: FlinkCluster): Promise<string> {
  const { sessionHandle } = await post(`${flink.sqlGatewayUrl}/v1/sessions`, {});
  return String(sessionHandle);
}

/** Runs one statement in a gateway session and waits for its first result page (its outcome). */
export async function execute(flink: FlinkCluster, session: string, statement: string): Promise<Record<string, unknown>> {
  const { operationHandle } = await post(`${flink.sqlGatewayUrl}/v1/sessions/${session}/statements`, { statement });
  let page: Record<string, unknown> = {};
  await waitFor(async () => {
    const r = await fetch(`${flink.sqlGatewayUrl}/v1/sessions/${session}/operations/${String(operationHandle)}/result/0`);
    page = (await r.json()) as Record<string, unknown>;
    if (!r.ok) throw new Error(`${statement}: ${rootCause(page)}`);
    return page.resultType !== 'NOT_READY';
  }, `the result of: ${statement}`, 60_000);
  return page;
}

/** A gateway error page's root cause: Flink's stack traces run to many kB, their `Caused by` lines say what went wrong. */
function rootCause(page: Record<string, unknown>): string {
  const text = ((page.errors as string[] | undefined) ?? [JSON.stringify(page)]).join('\n');
  const causes = text.split('\n').filter((l) => l.startsWith('Caused by:'));
  return causes.length > 0 ? causes.slice(-3).join('\n') : text.slice(0, 3000);
}

/** The id of the job an INSERT (or statement set) submitted, from its result page. */
export function jobIdOf(page: Record<string, unknown>): string {
  return String((page as { jobID?: string }).jobID ?? (page.results as { data: Array<{ fields: unknown[] }> }).data[0]!.fields[0]);
}

/** Waits for a Flink job to reach FINISHED (throws if it fails). */
export async function jobFinished(flink: FlinkCluster, jobId: string, timeoutMs = 120_000): Promise<void> {
  await waitFor(async () => {
    const { jobs } = (await (await fetch(`${flink.restUrl}/jobs/overview`)).json()) as { jobs: Array<{ jid: string; state: string }> };
    const job = jobs.find((j) => j.jid === jobId);
    if (job?.state === 'FAILED') {
      const ex = await (await fetch(`${flink.restUrl}/jobs/${jobId}/exceptions`)).json();
      throw new Error(`the Flink job failed: ${JSON.stringify(ex).slice(0, 3000)}`);
    }
    return job?.state === 'FINISHED';
  }, `Flink job ${jobId} to finish`, timeoutMs);
}

/** Submits a compiled plan in a fresh session; returns the Flink job's id. */
export async function submitPlan(flink: FlinkCluster, plan: FlinkSqlPlan): Promise<string> {
  const session = await openSession(flink);
  for (const s of plan.setup) await execute(flink, session, s);
  return jobIdOf(await execute(flink, session, plan.insert));
}

/** Runs a compiled plan and waits for its (bounded) job to finish. */
export async function runPlan(flink: FlinkCluster, plan: FlinkSqlPlan): Promise<string> {
  const jobId = await submitPlan(flink, plan);
  await jobFinished(flink, jobId);
  return jobId;
}

/** The rows of every finished (not hidden, not in-progress) NDJSON file under `dir`. */
export async function readJsonLines(dir: string): Promise<Array<Record<string, unknown>>> {
  const files = (await readdir(dir, { recursive: true }).catch(() => [] as string[])).filter((f) => !f.split('/').some((p) => p.startsWith('.')));
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8').catch(() => '')));
  return texts
    .join('\n')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
