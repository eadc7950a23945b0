import { DEFAULT_CHECKPOINT_TIMEOUT_MS, type JobSpec } from '@riffle/shared';
import { lit } from './sql.js';

const set = (key: string, value: string | number) => `SET ${lit(key)} = ${lit(String(value))}`;

/**
 * The job-wide `SET` statements from the spec's `config`: name, parallelism, checkpoints and the
 * restart strategy, and the session time zone UTC so that windows align to the epoch as Riffle's
 * do (window TVFs align to the session time zone's midnight).
 */
export function configStatements(spec: JobSpec, jobName: string): { statements: string[]; notes: string[] } {
  const cfg = spec.config;
  const statements = [
    set('pipeline.name', jobName),
    set('table.local-time-zone', 'UTC'),
    // Riffle adds each record into its aggregate in arrival order. Flink's default two-phase plan
    // sums partial aggregates whose extent depends on when its local buffer flushes, so a double
    // sum differed in the last bits from run to run (found by flink-templates.test.ts).
    set('table.optimizer.agg-phase-strategy', 'ONE_PHASE'),
    set('parallelism.default', cfg.parallelism),
    set('pipeline.max-parallelism', cfg.maxParallelism),
  ];
  const notes: string[] = [];
  if (spec.nodes.some((n) => n.parallelism !== undefined)) notes.push('per-node parallelism is not applied on Flink: every operator runs at the job parallelism');
  if (cfg.stateBackend === 'disk') notes.push('state lives on the heap on Flink (the test cluster has no RocksDB backend)');
  const ck = cfg.checkpoints;
  if (ck !== undefined) {
    statements.push(
      set('execution.checkpointing.interval', `${ck.intervalMs} ms`),
      set('execution.checkpointing.mode', ck.mode === 'exactly-once' ? 'EXACTLY_ONCE' : 'AT_LEAST_ONCE'),
      set('execution.checkpointing.timeout', `${ck.timeoutMs ?? DEFAULT_CHECKPOINT_TIMEOUT_MS} ms`),
      set('execution.checkpointing.num-retained', ck.retain),
    );
    if (ck.tolerableFailures !== undefined) statements.push(set('execution.checkpointing.tolerable-failed-checkpoints', ck.tolerableFailures));
  }
  const r = cfg.restart;
  if (r !== undefined) {
    if (r.strategy === 'none') statements.push(set('restart-strategy.type', 'none'));
    else if (r.strategy === 'fixed-delay')
      statements.push(set('restart-strategy.type', 'fixed-delay'), set('restart-strategy.fixed-delay.attempts', r.attempts), set('restart-strategy.fixed-delay.delay', `${r.delayMs} ms`));
    else
      statements.push(
        set('restart-strategy.type', 'exponential-delay'),
        set('restart-strategy.exponential-delay.initial-backoff', `${r.delayMs} ms`),
        set('restart-strategy.exponential-delay.max-backoff', `${r.maxDelayMs ?? 60_000} ms`),
        set('restart-strategy.exponential-delay.attempts-before-reset-backoff', r.attempts),
      );
  }
  return { statements, notes };
}
