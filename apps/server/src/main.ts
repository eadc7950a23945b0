import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from './logger.js';
import { listFromEnv } from './security/hosts.js';
import { createRiffleServer } from './server.js';
import { VERSION } from './version.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('use a whole number from 0 to 65535');
  return n;
}

/** After the options in `--help`: the variables that have no flag. */
const ENV_HELP = `
Environment (see apps/server/README.md):
  FLINK_REST_URL, FLINK_SQL_GATEWAY_URL  a Flink session cluster for jobs with target "flink"
  FLINK_PREVIEW_BROKERS                  host:port,... of a Kafka cluster that both Flink and this server
                                         reach: Preview sinks of Flink jobs write there and show records
  RIFFLE_TOKEN, ALLOWED_HOSTS, CORS_ORIGINS, RATE_LIMIT_PER_MIN, LOG_LEVEL`;

interface CliOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  baseDir?: string;
  webDir?: string;
  demo?: boolean;
  open?: boolean;
}

/** The `riffle-server` command. Flags win over environment variables, which win over defaults. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('riffle-server')
    .description('Runs the Riffle server: REST API, live socket and the web app on one port.')
    .version(VERSION)
    .option('-p, --port <port>', 'port to listen on (env PORT, default 8080)', parsePort)
    .option('--host <host>', 'interface to bind (env HOST, default 127.0.0.1)')
    .option('-d, --data-dir <dir>', 'where jobs are stored (env DATA_DIR, default ./data)')
    .option('--base-dir <dir>', 'folder that relative file paths in specs resolve against (default: cwd)')
    .option('--web-dir <dir>', 'built web app to serve (default: apps/web/dist)')
    .option('--demo', 'submit the demo pipeline at start unless it is already running')
    .option('--open', 'no access token (env RIFFLE_OPEN=1); only for local use on a machine you trust')
    .addHelpText('after', ENV_HELP)
    .parse(argv);
  const o = program.opts<CliOptions>();

  const envPort = process.env.PORT;
  let port = o.port;
  if (port === undefined && envPort) {
    try {
      port = parsePort(envPort);
    } catch {
      program.error(`PORT=${envPort} is not a port; use a whole number from 0 to 65535`);
    }
  }
  const logger = createLogger();
  let server;
  try {
    server = await createRiffleServer({
      port: port ?? 8080,
      host: o.host ?? process.env.HOST ?? '127.0.0.1',
      dataDir: o.dataDir ?? process.env.DATA_DIR ?? 'data',
      ...(o.baseDir ? { baseDir: o.baseDir } : {}),
      ...(o.webDir ? { webDir: o.webDir } : {}),
      demo: o.demo === true,
      auth: {
        open: o.open === true || process.env.RIFFLE_OPEN === '1',
        ...(process.env.RIFFLE_TOKEN ? { token: process.env.RIFFLE_TOKEN } : {}),
      },
      allowedHosts: listFromEnv(process.env.ALLOWED_HOSTS),
      corsOrigins: listFromEnv(process.env.CORS_ORIGINS),
      ...rateLimitFromEnv(process.env.RATE_LIMIT_PER_MIN),
      logger,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error(`riffle-server: port ${port ?? 8080} is in use; stop the other process, or pass --port / set PORT`);
    else if (code === 'EACCES') console.error(`riffle-server: not allowed to listen on port ${port ?? 8080}; pick a port above 1024`);
    else console.error('riffle-server: could not start:', err);
    process.exitCode = 1;
    return;
  }
  console.log(`Riffle is running at ${server.openUrl}`);
  if (!server.token) console.log('riffle-server: open mode: the API and the live socket accept anyone who can reach this port');
  const bound = o.host ?? process.env.HOST ?? '127.0.0.1';
  if (['0.0.0.0', '::', '[::]'].includes(bound) && !process.env.ALLOWED_HOSTS)
    console.log('riffle-server: listening on all interfaces, but only localhost names are answered; set ALLOWED_HOSTS to the name or address clients use (see SECURITY.md)');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      console.error('riffle-server: forced exit');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A hung engine must not keep the process alive forever.
    setTimeout(() => {
      console.error('riffle-server: shutdown took too long; exiting');
      process.exit(1);
    }, 30_000).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('riffle-server: error during shutdown:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

await main(process.argv);

/** RATE_LIMIT_PER_MIN: POSTs per client and minute (default 60); 0 turns the limit off. */
function rateLimitFromEnv(value: string | undefined): { rateLimit?: { limit: number } | false } {
  if (value === undefined || value === '') return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`RATE_LIMIT_PER_MIN=${value} is not a whole number`);
  return { rateLimit: n === 0 ? false : { limit: n } };
}
