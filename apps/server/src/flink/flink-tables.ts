import { ensurePostgresTable } from '@riffle/engine';
import type { JobSpec } from '@riffle/shared';
import type { FlinkSqlPlan } from './plan-types.js';

/**
 * Creates the tables a plan's sinks need and Flink does not create (`plan.tables`: a
 * `sink.postgres` with `createTable`), if missing, as Riffle's sink would; run before each submit.
 * The connection string comes from the spec's node, so the stored plan holds no password.
 */
export async function createPlanTables(spec: JobSpec, plan: FlinkSqlPlan): Promise<void> {
  for (const t of plan.tables ?? []) {
    const node = spec.nodes.find((n) => n.id === t.nodeId)!;
    await ensurePostgresTable({ connectionString: (node.params as { connectionString: string }).connectionString, table: t.table, columns: t.columns, keyColumns: t.keyColumns });
  }
}
