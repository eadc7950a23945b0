import express, { type ErrorRequestHandler, type Express } from 'express';
import { requireToken, type Access } from './auth.js';
import { HttpError, toHttpError } from './http-errors.js';
import type { JobManager } from './job-manager.js';
import type { Logger } from './logger.js';
import type { PipelineStore } from './pipeline-store.js';
import type { HostPolicy } from './security/hosts.js';
import { corsPolicy, hostCheck, postRateLimit, securityHeaders, type RateLimitOptions } from './security/http-guards.js';
import { catalogRouter } from './routes/catalog.js';
import { jobsRouter } from './routes/jobs.js';
import { pipelinesRouter } from './routes/pipelines.js';
import { checkpointsRouter } from './routes/checkpoints.js';
import { kafkaRouter } from './routes/kafka.js';
import { SnapshotService } from './checkpoints/snapshot-service.js';
import { webApp } from './static.js';
import { VERSION } from './version.js';
import type { FlinkTarget } from './flink/flink-target.js';
import type { ServerCapabilities } from '@riffle/shared';

export interface AppDeps {
  jobs: JobManager;
  /** The builder's saved pipelines. */
  pipelines: PipelineStore;
  logger: Logger;
  /** Folder of the built web app. */
  webDir: string;
  access: Access;
  hosts: HostPolicy;
  /** File paths in specs must stay inside it. */
  baseDir: string;
  /** POST rate limit per client; `false` turns it off (embedding, load tests). */
  rateLimit?: RateLimitOptions | false;
  /** The Flink cluster for jobs with target `flink`, when one is configured. */
  flink?: FlinkTarget;
}

/** The express app: JSON API under `/api`, the web app everywhere else. */
export function createApp({ jobs, pipelines, logger, webDir, access, hosts, baseDir, rateLimit, flink }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(hostCheck(hosts));
  app.use(securityHeaders());
  app.use('/api', corsPolicy(hosts));
  // Before the token check, so a flood of unauthenticated POSTs is limited too.
  if (rateLimit !== false) app.use('/api', postRateLimit(rateLimit));
  // Not strict: a JSON `null` or `0` is a (wrong) spec, answered with a path like any other.
  app.use('/api', express.json({ limit: '1mb', strict: false }));

  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, version: VERSION });
  });
  // Everything under /api but health needs the token; the web app's static files do not (the
  // page itself holds no data and must load to pick the token up from its URL).
  app.use('/api', requireToken(access));
  const snapshots = new SnapshotService(jobs);
  app.get('/api/capabilities', (_req, res) => {
    const body: ServerCapabilities = { targets: flink ? ['embedded', 'flink'] : ['embedded'], ...(flink?.previews ? { flinkPreview: true } : {}) };
    res.json(body);
  });
  app.use('/api/jobs', jobsRouter(jobs, baseDir, snapshots, flink));
  app.use('/api/jobs', checkpointsRouter(jobs, snapshots));
  app.use('/api/catalog', catalogRouter());
  app.use('/api/pipelines', pipelinesRouter(pipelines));
  app.use('/api/kafka', kafkaRouter(rateLimit === false ? { limitPerMinute: false } : {}));
  app.use('/api', (req, _res, next) => {
    next(new HttpError('not_found', `there is no API route ${req.method} ${req.originalUrl}; see apps/server/README.md for the routes`, { status: 404 }));
  });

  app.use(webApp(webDir));

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const e = toHttpError(err);
    if (e.status >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    else logger.debug({ code: e.body.error, method: req.method, url: req.originalUrl }, 'request rejected');
    if (res.headersSent) return;
    res.status(e.status).json(e.body);
  };
  app.use(onError);
  return app;
}
