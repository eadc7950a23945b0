import { pino, type Logger } from 'pino';
import type { EngineLogger } from '@riffle/engine';

export type { Logger };

/** The server's one logger; `level` from `LOG_LEVEL`, default `info`. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'riffle', level });
}

/**
 * Adapts pino (object first) to the engine's `EngineLogger` (message first). Every line carries
 * `jobId` once (the engine sometimes passes it too, and a child binding would repeat the key).
 */
export function engineLogger(log: Logger, jobId: string): EngineLogger {
  return {
    info: (msg, data) => log.info({ jobId, ...data }, msg),
    warn: (msg, data) => log.warn({ jobId, ...data }, msg),
    error: (msg, data) => log.error({ jobId, ...data }, msg),
  };
}
