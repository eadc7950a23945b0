import type { JobSpec } from '@riffle/shared';

/** Why a snapshot of `from` cannot restore `to`, naming the operator; undefined when it can. */
export interface Incompatibility {
  nodeId?: string;
  message: string;
}

const edgeKey = (e: JobSpec['edges'][number]) => [e.from, e.to, e.fromPort ?? '', e.toPort ?? ''].join('|');

/**
 * Checks that a snapshot taken by a job running `from` fits `to` before anything is copied or
 * started. Operators are matched by node id, as the engine does: the same ids, kinds and edges,
 * and the same maxParallelism (key groups cannot be remapped). Parameters and parallelism may
 * change (the engine refuses a changed aggregate list when it restores). With
 * `allowNonRestoredState` operators missing from `to` are dropped, with their edges.
 */
export function incompatibility(from: JobSpec, to: JobSpec, o: { allowNonRestoredState?: boolean } = {}): Incompatibility | undefined {
  const before = new Map(from.nodes.map((n) => [n.id, n.kind]));
  const after = new Map(to.nodes.map((n) => [n.id, n.kind]));
  // allowNonRestoredState (Flink's flag): operators the new spec removed lose their state.
  const removed = new Set(o.allowNonRestoredState ? [...before.keys()].filter((id) => !after.has(id)) : []);
  for (const [id, kind] of before) {
    const now = after.get(id);
    if (now === undefined && removed.has(id)) continue;
    if (now === undefined) return { nodeId: id, message: `operator ${id} (${kind}) has state in the savepoint but is not in the new spec; keep it, or set restoreFrom.allowNonRestoredState to drop its state` };
    if (now !== kind) return { nodeId: id, message: `operator ${id} is a ${kind} in the savepoint but a ${now} in the new spec; give the new operator another id, or keep its kind` };
  }
  for (const [id, kind] of after)
    if (!before.has(id)) return { nodeId: id, message: `operator ${id} (${kind}) is not in the savepoint; a savepoint restores the same operators, so remove it or start without the savepoint` };
  const kept = from.edges.filter((e) => !removed.has(e.from) && !removed.has(e.to));
  const oldEdges = new Set(kept.map(edgeKey));
  const newEdges = new Set(to.edges.map(edgeKey));
  for (const e of to.edges)
    if (!oldEdges.has(edgeKey(e))) return { nodeId: e.to, message: `the edge ${e.from} → ${e.to} is not in the savepoint's job; operator ${e.to} would get other input than its state was built from` };
  for (const e of kept)
    if (!newEdges.has(edgeKey(e))) return { nodeId: e.to, message: `the edge ${e.from} → ${e.to} of the savepoint's job is missing; operator ${e.to} would lose an input its state was built from` };
  const maxA = from.config?.maxParallelism ?? 128;
  const maxB = to.config?.maxParallelism ?? 128;
  if (maxA !== maxB) return { message: `config.maxParallelism is ${maxB}, the savepoint has ${maxA}; key groups cannot be remapped, so keep ${maxA}` };
  return undefined;
}

/** The spec at another parallelism: the job's and every node override set to `p`. */
export function withParallelism(spec: JobSpec, p: number): JobSpec {
  return {
    ...spec,
    config: { ...spec.config, parallelism: p },
    nodes: spec.nodes.map((n) => (n.parallelism === undefined ? n : { ...n, parallelism: p })),
  };
}
