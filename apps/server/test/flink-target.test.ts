// The `flink` target end to end on a real Flink 2.2 session cluster (scripts/flink/cluster.mjs):
// submit through the REST API, follow the job on the socket, checkpoint, savepoint, stop with
// savepoint, restore, re-attach after a server restart, stop, with the real spec → SQL compiler
// (one spec gets broken SQL on purpose, to see Flink's refusal reported).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSpec, type CheckpointInfo, type JobMetrics, type StatusUpdate, type SubscribeAck } from '@riffle/shared';
import { startFlink, type FlinkCluster } from '../../../scripts/flink/cluster.mjs';
import type { RiffleServer } from '../src/index.js';
import { compileToFlinkSql } from '../src/flink/compiler/index.js';
import type { FlinkCompiler, FlinkCompileResult } from '../src/flink/plan-types.js';
import { submitPlan } from './flink-gateway.js';
import { api, removeDir, startServer, tempDir, waitFor } from './helpers.js';
import { connectJobs, type JobsClient } from './socket-helpers.js';

let flink: FlinkCluster;
let dataDir: string;
const servers: RiffleServer[] = [];
const clients: JobsClient[] = [];

beforeAll(async () => {
  // Metrics reach the REST API through a store refreshed this often (default 10 s): a live
  // dashboard wants it about as often as the server polls.
  // Flink keeps this many completed checkpoints (a cluster setting); Riffle lists the others as not retained.
  flink = await startFlink({ quiet: true, config: { 'metrics.fetcher.update-interval': 1000, 'execution.checkpointing.num-retained': 3 } });
  dataDir = await tempDir();
}, 180_000);
afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
  await flink?.stop();
  if (dataDir) await removeDir(dataDir);
});

/** Riffle's spec of the job: generated ids → keep the even ones → files. */
const spec = (name = 'flink-evens') => ({
  specVersion: 1,
  name,
  nodes: [
    { id: 'gen', kind: 'source.datagen', params: { ratePerSec: 50 } },
    { id: 'evens', kind: 'filter', params: { expr: 'user_id % 2 == 0' } },
    { id: 'out', kind: 'sink.file', params: { path: 'out/evens.ndjson' } },
  ],
  edges: [
    { from: 'gen', to: 'evens' },
    { from: 'evens', to: 'out' },
  ],
});

/**
 * The compiler the server runs, except for a spec named `bad-sql`: it gets SQL Flink refuses (what a
 * compiler bug would produce), to see the server report Flink's reason.
 */
const compiler: FlinkCompiler = (s, o): FlinkCompileResult => {
  if (s.name === 'bad-sql')
    return { ok: true, plan: { setup: ["CREATE TEMPORARY TABLE gen (user_id BIGINT) WITH ('connector' = 'no_such_connector')"], insert: 'EXECUTE STATEMENT SET BEGIN INSERT INTO gen SELECT 1; END', nodes: {} } };
  return compileToFlinkSql(s, o);
};

/** `spec()` with a filter whose expression has no Flink SQL translation. */
const untranslatable = () => {
  const s = spec('not-for-flink');
  return { ...s, nodes: s.nodes.map((n) => (n.id === 'evens' ? { ...n, params: { expr: "string(user_id).matches('^1')" } } : n)) };
};

/** The server with the cluster; replaced when a test restarts it. */
let main: RiffleServer | undefined;

async function server(): Promise<RiffleServer> {
  const s = await startServer({ dataDir, baseDir: dataDir, flink: { restUrl: flink.restUrl, sqlGatewayUrl: flink.sqlGatewayUrl }, flinkCompiler: compiler, rateLimit: false });
  servers.push(s);
  main = s;
  return s;
}

async function connect(s: RiffleServer): Promise<JobsClient> {
  const c = await connectJobs(s);
  clients.push(c);
  return c;
}

/** Flink's own view of a job. */
const flinkJob = async (jid: string) => (await (await fetch(`${flink.restUrl}/jobs/${jid}`)).json()) as { state: string };
const flinkJobs = async () => ((await (await fetch(`${flink.restUrl}/jobs/overview`)).json()) as { jobs: Array<{ jid: string; state: string }> }).jobs;

const running = (s: RiffleServer, id: string) =>
  waitFor(async () => {
    const d = (await api(s, `/api/jobs/${id}`)).body;
    if (['failed', 'stopped', 'finished'].includes(d.status)) throw new Error(`the job ended: ${JSON.stringify(d.error ?? d.status)}`);
    return d.status === 'running' ? d : undefined;
  }, `job ${id} to run on Flink`, 120_000);

describe('flink target', () => {
  it('refuses flink on a server without a cluster, compile issues with their JSON paths, and SQL Flink refuses with its reason', async () => {
    const plain = await startServer({ dataDir: join(dataDir, 'plain'), flink: false, rateLimit: false });
    servers.push(plain);
    expect((await api(plain, '/api/capabilities')).body).toEqual({ targets: ['embedded'] });
    const r = await api(plain, '/api/jobs', { json: { spec: spec(), target: 'flink' } });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('flink_not_configured');
    const viaConfig = await api(plain, '/api/jobs', { json: { ...spec(), config: { target: 'flink' } } });
    expect(viaConfig.body.error).toBe('flink_not_configured');

    const s = main ?? (await server());
    expect((await api(s, '/api/capabilities')).body).toEqual({ targets: ['embedded', 'flink'] });
    const bad = await api(s, '/api/jobs', { json: { spec: untranslatable(), target: 'flink' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_spec');
    expect(bad.body.errors).toEqual([{ path: '$.nodes[1].params.expr', message: expect.stringMatching(/matches\(\) has no Flink SQL translation/), code: 'flink_untranslatable_expression', nodeId: 'evens' }]);
    // Refused before anything reached the cluster; the job was not kept.
    expect((await api(s, '/api/jobs')).body.jobs.filter((j: { name: string }) => j.name === 'not-for-flink')).toEqual([]);
    expect((await api(s, '/api/jobs', { json: { spec: spec(), target: 'spark' } })).body.error).toBe('bad_target');

    // SQL Flink refuses (a compiler bug, or options the cluster lacks): Flink's own reason, and the
    // job is kept as failed with it.
    const refused = await api(s, '/api/jobs', { json: { spec: spec('bad-sql'), target: 'flink' } });
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ error: 'flink_statement_failed', domain: 'external' });
    expect(refused.body.message).toMatch(/no_such_connector|Could not find any factory/);
    const kept = (await api(s, `/api/jobs/${refused.body.jobId}`)).body;
    expect(kept).toMatchObject({ status: 'failed', target: 'flink', error: { code: 'flink_statement_failed' } });
    // A new job from a Flink job's savepoint is not built: said so, not a missing file.
    const fromFlink = await api(s, '/api/jobs', { json: { spec: spec(), restoreFrom: { jobId: kept.id, savepointId: 'sp-savepoint-ab-cd' } } });
    expect([fromFlink.status, fromFlink.body.error]).toEqual([409, 'unsupported_restore']);
  });

  it('runs a job on Flink: status, samples and checkpoints on the socket; checkpoint, savepoint, stop with savepoint, restore; re-attaches after a server restart', async () => {
    let s = main ?? (await server());
    const submitted = await api(s, '/api/jobs', { json: { spec: spec(), target: 'flink' } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const id: string = submitted.body.id;

    const c = await connect(s);
    const statuses: string[] = [];
    const samples: JobMetrics[] = [];
    const completed: CheckpointInfo[] = [];
    c.on('job:status', (u: StatusUpdate) => statuses.push(u.status));
    c.on('job:metrics', (m) => samples.push(m));
    c.on('checkpoint:completed', (ci) => completed.push(ci));
    const ack = await new Promise<SubscribeAck>((res) => c.emit('subscribe', { jobId: id }, res));
    expect(ack.ok).toBe(true);

    const first = await running(s, id);
    expect(first.target).toBe('flink');
    const jid: string = first.flinkJobId;
    expect(jid).toMatch(/^[0-9a-f]{32}$/);
    expect((await flinkJob(jid)).state).toBe('RUNNING');
    const listed = (await api(s, '/api/jobs')).body.jobs.find((j: { id: string }) => j.id === id);
    expect(listed.target).toBe('flink');

    // Samples of the Flink job on the same protocol: the source's and sink's counts grow, the
    // source reports a rate and its event-time watermark.
    await waitFor(() => {
      const m = samples.at(-1);
      const gen = m?.operators.find((o) => o.nodeId === 'gen');
      const out = m?.operators.find((o) => o.nodeId === 'out');
      return gen && out && gen.recordsOut > 20 && gen.recordsOutPerSec > 0 && out.recordsIn > 10 && gen.watermark !== null;
    }, 'samples with records and a watermark from Flink', 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; last sample: ${JSON.stringify(samples.at(-1))}`);
    });
    const last = samples.at(-1)!;
    expect(last.status).toBe('running');
    expect(last.operators.map((o) => o.nodeId)).toEqual(['gen', 'evens', 'out']);
    const gen = last.operators.find((o) => o.nodeId === 'gen')!;
    const out = last.operators.find((o) => o.nodeId === 'out')!;
    // The filter keeps every other id: the sink gets about half of what the source emitted.
    expect(out.recordsIn).toBeLessThanOrEqual(gen.recordsOut);
    expect(out.recordsIn).toBeGreaterThanOrEqual(Math.floor(gen.recordsOut / 2) - 60);

    // The plan is the SQL it was submitted as.
    const plan = (await api(s, `/api/jobs/${id}/plan`)).body;
    expect(plan).toMatchObject({ target: 'flink', flinkJobId: jid, nodes: { gen: { name: 'gen', role: 'source' } } });
    expect(plan.insert).toContain('INSERT INTO `out`');

    // Checkpoint now: Flink's manual checkpoint, listed and pushed like an embedded one.
    const chk = await api(s, `/api/jobs/${id}/checkpoints`, { method: 'POST' });
    expect(chk.status, JSON.stringify(chk.body)).toBe(202);
    expect(chk.body.snapshotId).toBe(`chk-${chk.body.id}`);
    await waitFor(() => completed.some((x) => x.id === chk.body.id), 'checkpoint:completed for the manual checkpoint', 30_000);
    let list: CheckpointInfo[] = (await api(s, `/api/jobs/${id}/checkpoints`)).body.checkpoints;
    expect(list.find((x) => x.id === chk.body.id)).toMatchObject({ kind: 'checkpoint', status: 'completed', retained: true });
    expect(list.find((x) => x.id === chk.body.id)!.bytes).toBeGreaterThan(0);
    // Per operator, from Flink's checkpoint details: every node listed, the vertex sizes add up.
    const perOperator = list.find((x) => x.id === chk.body.id)!.operators!;
    expect(perOperator.map((o) => o.nodeId).sort()).toEqual(['evens', 'gen', 'out']);
    expect(perOperator.reduce((n, o) => n + o.bytes, 0)).toBeGreaterThan(0);

    // The cluster keeps 3 checkpoints: after 3 more the first is listed as gone, and no restore uses it.
    // Flink may decline a trigger right behind another (409, "try again"): the client retries.
    for (let i = 0; i < 3; i++) {
      const r = await waitFor(async () => {
        const t = await api(s, `/api/jobs/${id}/checkpoints`, { method: 'POST' });
        return t.status === 409 ? undefined : t;
      }, 'a checkpoint Flink accepts', 30_000);
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
    await waitFor(async () => {
      const all: CheckpointInfo[] = (await api(s, `/api/jobs/${id}/checkpoints`)).body.checkpoints;
      return all.find((x) => x.id === chk.body.id)?.retained === false && all.filter((x) => x.kind === 'checkpoint' && x.retained).length === 3;
    }, 'the first checkpoint to be discarded by Flink', 30_000);
    expect((await api(s, `/api/jobs/${id}/restore`, { json: { checkpointId: chk.body.snapshotId } })).status).toBe(404);

    const sp = await api(s, `/api/jobs/${id}/savepoints`, { method: 'POST' });
    expect(sp.status, JSON.stringify(sp.body)).toBe(202);
    expect(sp.body.snapshotId).toMatch(/^sp-savepoint-/);
    list = (await api(s, `/api/jobs/${id}/checkpoints`)).body.checkpoints;
    expect(list.find((x) => x.snapshotId === sp.body.snapshotId)).toMatchObject({ kind: 'savepoint', status: 'completed', retained: true });

    // Stop with savepoint: Flink's stop; the job ends stopped with the savepoint named.
    const stopped = await api(s, `/api/jobs/${id}/stop`, { json: { savepoint: true } });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    const finalSp: string = stopped.body.savepoint.snapshotId;
    expect(finalSp).toMatch(/^sp-savepoint-/);
    expect((await flinkJob(jid)).state).toBe('FINISHED');
    await waitFor(() => statuses.includes('stopped'), 'job:status stopped', 10_000);

    // Restore: the plan again, with execution.savepoint.path; Flink says where it restored from.
    const restored = await api(s, `/api/jobs/${id}/restore`, { json: { savepointId: finalSp } });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.restoredFrom).toBe(finalSp);
    const again = await running(s, id);
    const jid2: string = again.flinkJobId;
    expect(jid2).not.toBe(jid);
    expect(again.lastRestart).toMatchObject({ reason: 'restore', snapshotId: finalSp });
    const restoredFrom = await waitFor(async () => {
      const r = (await (await fetch(`${flink.restUrl}/jobs/${jid2}/checkpoints`)).json()) as { latest?: { restored?: { external_path?: string; is_savepoint?: boolean } } };
      return r.latest?.restored;
    }, 'Flink to report the restore', 30_000);
    expect(restoredFrom.is_savepoint).toBe(true);
    expect(restoredFrom.external_path).toContain(finalSp.slice('sp-'.length));

    // A server restart leaves the Flink job alone and re-attaches to it.
    c.close();
    await s.close();
    expect((await flinkJob(jid2)).state).toBe('RUNNING');
    s = await server();
    const attached = await running(s, id);
    expect(attached.flinkJobId).toBe(jid2);
    // Re-attached, not restored: the restart names no snapshot.
    expect(attached.lastRestart).toMatchObject({ reason: 'server-restart' });
    expect(attached.lastRestart.snapshotId).toBeUndefined();
    expect((await flinkJobs()).filter((j) => j.state === 'RUNNING').map((j) => j.jid)).toEqual([jid2]);
    // ... and reads it: its samples count on from Flink's totals.
    await waitFor(async () => {
      const d = (await api(s, `/api/jobs/${id}`)).body;
      return (d.metrics?.operators.find((o: { nodeId: string }) => o.nodeId === 'gen')?.recordsOut ?? 0) > 0;
    }, 'metrics of the re-attached job', 30_000);

    // Started while the cluster cannot be reached, the server keeps the job (not failed) and
    // re-attaches once it can.
    await s.close();
    const away = await startServer({ dataDir, baseDir: dataDir, flink: { restUrl: 'http://127.0.0.1:9', sqlGatewayUrl: 'http://127.0.0.1:9' }, flinkCompiler: compiler, rateLimit: false });
    servers.push(away);
    const meanwhile = (await api(away, `/api/jobs/${id}`)).body;
    expect(meanwhile.status).not.toBe('failed');
    expect(meanwhile.flinkJobId).toBe(jid2);
    await away.close();
    s = await server();
    expect((await running(s, id)).flinkJobId).toBe(jid2);

    // The server dies in the middle of a submit (the Flink job started, its id not written yet):
    // on the next start it finds that job by the name it wrote down before the submit, instead of
    // submitting a second one.
    await s.close();
    await fetch(`${flink.restUrl}/jobs/${jid2}?mode=cancel`, { method: 'PATCH' });
    await waitFor(async () => (await flinkJob(jid2)).state === 'CANCELED', 'the old run to be cancelled', 30_000);
    const jobDir = join(dataDir, 'jobs', id);
    const state = JSON.parse(await readFile(join(jobDir, 'flink.json'), 'utf8'));
    const name = `flink-evens [riffle ${id} crashed1]`;
    const compiled = compileToFlinkSql(validateSpec(spec()).spec!, { jobName: name, baseDir: dataDir });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
    const jid3 = await submitPlan(flink, compiled.plan); // the compiler's SET 'pipeline.name' gives it that name
    await writeFile(join(jobDir, 'flink.json'), JSON.stringify({ ...state, runOver: true, submitting: name }));
    s = await server();
    expect((await running(s, id)).flinkJobId).toBe(jid3);
    expect((await flinkJobs()).filter((j) => j.state === 'RUNNING').map((j) => j.jid)).toEqual([jid3]);

    // Stop = cancel.
    const end = await api(s, `/api/jobs/${id}/stop`, { method: 'POST' });
    expect(end.body.status).toBe('stopped');
    expect((await flinkJob(jid3)).state).toBe('CANCELED');
  }, 400_000);
});
