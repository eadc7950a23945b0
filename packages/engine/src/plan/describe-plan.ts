import { validateSpec, type Partitioning } from '@riffle/shared';
import { InvalidSpecError } from '../errors.js';
import { exchangeProjection } from './exchange-projection.js';
import { buildLogicalGraph } from './logical-graph.js';
import { buildPhysicalPlan, type PhysicalPlan } from './physical-plan.js';

/** The physical plan of a job, as the server serves it (`GET /api/jobs/:id/plan`). */
export interface PlanDescription {
  maxParallelism: number;
  /** One entry per chain: its nodes run in one task per subtask, records passed by direct call. */
  tasks: Array<{ id: string; nodes: string[]; parallelism: number }>;
  nodes: Array<{ id: string; kind: string; parallelism: number; task: string }>;
  /**
   * Every spec edge with its resolved distribution; `chained` edges are direct calls, the rest
   * exchanges. `projection`: between worker threads, records of this exchange travel with only
   * these fields (besides key and timestamp) when they cannot be late or dead-lettered at the
   * consumer (see `exchangeProjection`); absent: whole records.
   */
  edges: Array<{ from: string; to: string; partitioning: Partitioning; chained: boolean; projection?: string[] }>;
}

/** Describes an already-built physical plan. */
export function describePhysicalPlan(plan: PhysicalPlan): PlanDescription {
  const { graph } = plan;
  return {
    maxParallelism: graph.maxParallelism,
    tasks: plan.chains.map((c) => ({ id: c.id, nodes: [...c.nodes], parallelism: c.parallelism })),
    nodes: graph.nodes.map((n) => ({ id: n.id, kind: n.kind, parallelism: n.parallelism, task: plan.chainOf.get(n.id)!.id })),
    edges: graph.nodes.flatMap((n) =>
      n.outEdges.map((e) => {
        const chained = plan.isChained(e);
        const projection = chained ? undefined : exchangeProjection(graph.byId.get(e.to)!);
        return { from: e.from, to: e.to, partitioning: e.partitioning, chained, ...(projection ? { projection: [...projection.fields] } : {}) };
      }),
    ),
  };
}

/**
 * Plans a spec without running it: tasks (chains), nodes and edges with their distribution.
 * @example describePlan(spec).edges // [{ from: 'k', to: 'w', partitioning: 'hash', chained: false }, …]
 * @throws {InvalidSpecError} when the spec does not validate.
 */
export function describePlan(spec: unknown): PlanDescription {
  const v = validateSpec(spec);
  if (!v.ok) throw new InvalidSpecError(v.errors);
  return describePhysicalPlan(buildPhysicalPlan(buildLogicalGraph(v.spec!, v)));
}
