import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Server } from 'socket.io';
import { JOBS_NAMESPACE } from '@riffle/shared';
import { createApp } from './app.js';
import { resolveAccess, socketAuth, urlWithToken, type AccessOptions } from './auth.js';
import { ensureDemoJob } from './demo.js';
import { JobManager, type StartJob } from './job-manager.js';
import { JobStore } from './job-store.js';
import { SnapshotService } from './checkpoints/snapshot-service.js';
import { attachLive, type RiffleIo } from './live.js';
import { attachSamples } from './live-samples.js';
import { PipelineStore } from './pipeline-store.js';
import { createLogger, type Logger } from './logger.js';
import { listRoutes, type RouteInfo } from './routes/list-routes.js';
import { hostPolicy } from './security/hosts.js';
import type { RateLimitOptions } from './security/http-guards.js';
import { DEFAULT_WEB_DIR } from './static.js';
import { flinkClusterFromEnv, type FlinkClusterUrls } from './flink/flink-jobs.js';
import { flinkTargetFor, startJobFor } from './flink/flink-start.js';
import type { FlinkCompiler } from './flink/plan-types.js';

export interface RiffleServerOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Where jobs are persisted; default `./data` (relative to the cwd). */
  dataDir?: string;
  /** Relative file paths in specs resolve against this folder; default the cwd. */
  baseDir?: string;
  /** The built web app; default `apps/web/dist` next to this package. */
  webDir?: string;
  /** Submit the demo pipeline unless it is already running. */
  demo?: boolean;
  logger?: Logger;
  /** Start jobs with something other than `Engine.start` (embedding). */
  startJob?: StartJob;
  /** Metrics sampling period; default 1000 ms. */
  sampleIntervalMs?: number;
  /** Access control; default: a token generated once and kept in `DATA_DIR/token`. */
  auth?: AccessOptions;
  /** Host names besides localhost, 127.0.0.1, [::1] and `host` (ALLOWED_HOSTS); `name` or `name:port`. */
  allowedHosts?: string[];
  /** Other sites allowed to call the API (CORS_ORIGINS); default none. */
  corsOrigins?: string[];
  /** POST requests per client and window; default 60 per minute; `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** Largest socket.io message in bytes; a bigger one disconnects that socket. Default 1 MB. */
  maxSocketMessageBytes?: number;
  /**
   * The Flink session cluster that runs jobs with target `flink`; default from `FLINK_REST_URL` and
   * `FLINK_SQL_GATEWAY_URL`; `false`: none, even when those are set.
   */
  flink?: FlinkClusterUrls | false;
  /** Turns specs into Flink SQL for the `flink` target. */
  flinkCompiler?: FlinkCompiler;
  /** How often a Flink job is read from the cluster; default `sampleIntervalMs`. */
  flinkPollMs?: number;
}

export interface RiffleServer {
  /** e.g. `http://127.0.0.1:8080/` */
  url: string;
  port: number;
  /** The URL to open in a browser: `url` plus `?token=…` unless the server is open. */
  openUrl: string;
  /** The access token; undefined in open mode. */
  token: string | undefined;
  /** Every route the REST API answers (method and path pattern). */
  routes(): RouteInfo[];
  /** Stops sampling, closes sockets and HTTP, stops the engine's jobs and flushes job records. */
  close(): Promise<void>;
}

/**
 * Loads persisted jobs (restarting the ones that were running), then serves the API, the live
 * socket and the web app on one port.
 * @example
 * const server = await createRiffleServer({ port: 0, dataDir: tmp });
 * await fetch(new URL('api/health', server.url));
 * await server.close();
 */
export async function createRiffleServer(options: RiffleServerOptions = {}): Promise<RiffleServer> {
  const logger = options.logger ?? createLogger();
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir ?? 'data');
  // Checked first: a bad ALLOWED_HOSTS / CORS_ORIGINS entry stops the start before jobs load.
  let listeningPort = 0;
  const hosts = hostPolicy({ host, allowedHosts: options.allowedHosts ?? [], corsOrigins: options.corsOrigins ?? [] }, () => listeningPort);
  const store = new JobStore(dataDir, logger);
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const cluster = options.flink === false ? undefined : (options.flink ?? flinkClusterFromEnv(process.env));
  const pollMs = options.flinkPollMs ?? options.sampleIntervalMs;
  const flink = cluster && flinkTargetFor(cluster, { ...(options.flinkCompiler ? { flinkCompiler: options.flinkCompiler } : {}), ...(pollMs === undefined ? {} : { pollMs }) }, logger);
  const jobs = new JobManager({
    store,
    logger,
    baseDir,
    startJob: startJobFor(flink, options.startJob),
    ...(options.sampleIntervalMs === undefined ? {} : { sampleIntervalMs: options.sampleIntervalMs }),
  });
  const access = await resolveAccess(dataDir, options.auth);
  await jobs.init();
  logger.info({ dataDir }, 'loaded jobs');

  const app = createApp({
    jobs,
    ...(flink ? { flink } : {}),
    pipelines: new PipelineStore(dataDir),
    logger,
    access,
    hosts,
    baseDir,
    webDir: options.webDir ?? DEFAULT_WEB_DIR,
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
  });
  const http = createServer(app);
  const io: RiffleIo = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: options.maxSocketMessageBytes ?? 1_000_000,
    // The same Host and Origin rules as HTTP, before the handshake (polling and WebSocket).
    allowRequest: (req, cb) => {
      const ok = hosts.hostAllowed(req.headers.host) && hosts.originAllowed(req.headers.origin, req.headers.host);
      cb(ok ? null : 'host or origin not allowed', ok);
    },
    ...(options.corsOrigins?.length ? { cors: { origin: options.corsOrigins } } : {}),
  });
  io.of(JOBS_NAMESPACE).use(socketAuth(access));
  const snapshots = new SnapshotService(jobs);
  const detachLive = attachLive(io, jobs, (id) => snapshots.list(id));
  const detachSamples = attachSamples(io, jobs, options.sampleIntervalMs);
  const detach = () => (detachLive(), detachSamples());
  try {
    await new Promise<void>((res, rej) => {
      http.once('error', rej);
      http.listen(options.port ?? 8080, host, () => {
        http.off('error', rej);
        listeningPort = (http.address() as AddressInfo).port;
        res();
      });
    });
  } catch (err) {
    detach();
    await io.close();
    await jobs.close();
    throw err;
  }
  if (options.demo) await ensureDemoJob(jobs, logger);

  const port = listeningPort;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      detach();
      const httpClosed = new Promise<void>((res) => http.close(() => res()));
      http.closeAllConnections();
      await io.close();
      await httpClosed;
      await jobs.close();
      logger.info('server closed');
    })());
  return { url, port, openUrl: urlWithToken(url, access), token: access.mode === 'token' ? access.token : undefined, routes: () => listRoutes(app), close };
}
