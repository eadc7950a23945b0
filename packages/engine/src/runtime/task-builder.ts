import type { OnErrorPolicy } from '@riffle/shared';
import type { Row } from '../collector.js';
import { compileAccessor } from '../field-accessor.js';
import { ExpressionErrorPolicy } from '../operators/error-policy.js';
import type { Operator, OperatorContext, SourceOperator } from '../operator.js';
import { OPERATORS, type JobServices } from '../operators/registry.js';
import { TwoInputOperator } from '../operators/two-input.js';
import { createPartitioner } from '../partitioners/index.js';
import type { StateBackendConfig } from '../state/operator-backend.js';
import type { LogicalEdge, LogicalNode } from '../plan/logical-graph.js';
import type { ChainPlan, PhysicalPlan } from '../plan/physical-plan.js';
import { SourceOutput } from '../time/source-output.js';
import { watermarkEmission, watermarkGenerator, type SourceWatermarkParams } from '../time/watermark-strategy.js';
import { NodeOutput, OperatorInput } from './chain-collectors.js';
import { LocalChannel, type OutputChannel } from './channel.js';
import { attribute } from '../errors.js';
import { ExchangeWriter } from './exchange-writer.js';
import { newCounters, type NodeCounters } from './metrics.js';
import { Task, type ChainMember } from './task.js';

/** Per-node context pieces the job supplies. */
export interface TaskEnvironment {
  baseDir: string;
  /** See {@link OperatorContext.confineFiles}. */
  confineFiles?: boolean;
  /** The job takes checkpoints (see {@link OperatorContext.checkpointing}). */
  checkpointing?: boolean;
  /** See {@link OperatorContext.checkpointMode}. */
  checkpointMode?: 'exactly-once' | 'at-least-once';
  logger: OperatorContext['logger'];
  services: JobServices;
  deadLetter(nodeId: string, counters: NodeCounters, record: unknown, error: unknown): void;
  /** Fails the job (an operator's asynchronous work failed); see {@link OperatorContext.fail}. */
  fail(error: unknown): void;
  /** Where keyed operators keep their state (the heap when absent). */
  stateBackend?: StateBackendConfig;
  /** See {@link OperatorContext.jobId}. */
  jobId?: string;
}

/**
 * Which subtasks this runtime instantiates and how its exchange channels are made. The default
 * (no placement) builds every subtask in this thread, wired by {@link LocalChannel}s.
 */
export interface TaskPlacement {
  owns(chain: ChainPlan, subtask: number): boolean;
  /**
   * The channel from subtask `fromSubtask` of an exchange edge to subtask `toSubtask` of chain
   * `down`, arriving at input-gate channel `gate`; `local` is the receiving task when it is built here.
   */
  channel(edge: LogicalEdge, fromSubtask: number, down: ChainPlan, toSubtask: number, gate: number, local: Task | undefined): OutputChannel;
}

export interface BuiltTasks {
  /** The tasks built here (all of them without a placement). */
  tasks: Task[];
  sourceTasks: Task[];
  /** Counters of every node, one entry per subtask. */
  counters: Map<string, NodeCounters[]>;
  /** The main output collector of every node, per subtask built here (live-preview taps go there). */
  outputs: Map<string, Array<NodeOutput | undefined>>;
}

interface Instance {
  operator: Operator;
  output: NodeOutput;
  /** Side-output ports with an edge (a window's `late`), created while wiring. */
  sideOutputs: Map<string, NodeOutput>;
  counters: NodeCounters;
  /** Sources only: the timestamp/watermark stage between the source and its output. */
  sourceOutput?: SourceOutput;
}

/**
 * Instantiates every subtask of every chain and wires them: chained edges become direct calls
 * (NodeOutput → OperatorInput), the others exchanges (ExchangeWriter → partitioner → channels).
 */
export function buildTasks(plan: PhysicalPlan, env: TaskEnvironment, placement?: TaskPlacement): BuiltTasks {
  const { graph } = plan;
  const counters = new Map<string, NodeCounters[]>(graph.nodes.map((n) => [n.id, []]));
  const instances = new Map<string, Instance[]>(graph.nodes.map((n) => [n.id, []]));
  const outputs = new Map<string, Array<NodeOutput | undefined>>(graph.nodes.map((n) => [n.id, []]));
  const tasksOf = new Map<ChainPlan, Array<Task | undefined>>();
  const tasks: Task[] = [];
  const sourceTasks: Task[] = [];

  for (const chain of plan.chains) {
    const list: Array<Task | undefined> = [];
    for (let s = 0; s < chain.parallelism; s++) {
      if (placement !== undefined && !placement.owns(chain, s)) {
        list.push(undefined);
        continue;
      }
      const members: ChainMember[] = [];
      // The chain's source, once built (it is the head): chained operators ask it where their record was read.
      const origin: { source?: SourceOperator } = {};
      for (const id of chain.nodes) {
        const node = graph.byId.get(id)!;
        const inst = instantiate(node, s, graph.maxParallelism, graph.time, env, origin);
        if (inst.sourceOutput) origin.source = inst.operator as SourceOperator;
        instances.get(id)![s] = inst;
        counters.get(id)![s] = inst.counters;
        outputs.get(id)![s] = inst.output;
        members.push({ nodeId: id, operator: inst.operator });
      }
      const task = new Task(chain.id, s, members, gateChannels(plan, chain));
      const head = instances.get(chain.id)![s]!;
      if (head.sourceOutput) task.source = { operator: head.operator as SourceOperator, output: head.sourceOutput };
      else task.head = new OperatorInput(chain.id, head.operator, head.counters);
      list.push(task);
    }
    tasksOf.set(chain, list);
    const built = list.filter((t): t is Task => t !== undefined);
    tasks.push(...built);
    if (graph.byId.get(chain.id)!.def.category === 'source') sourceTasks.push(...built);
  }

  for (const chain of plan.chains) {
    const ports = graph.byId.get(chain.nodes[0]!)!.def.inputs.length > 1 ? portOfChannels(plan, chain) : undefined;
    tasksOf.get(chain)!.forEach((task, s) => {
      if (task === undefined) return;
      const head = instances.get(chain.nodes[0]!)![s]!.operator;
      if (ports !== undefined && head instanceof TwoInputOperator) task.inputPorts = { operator: head, portOfChannel: ports };
      for (const id of chain.nodes) {
        const inst = instances.get(id)![s]!;
        for (const edge of graph.byId.get(id)!.outEdges) {
          const output = edge.fromPort === undefined ? inst.output : sideOutput(inst, edge.fromPort);
          if (plan.isChained(edge)) {
            const to = instances.get(edge.to)![s]!;
            output.addTarget(new OperatorInput(edge.to, to.operator, to.counters));
            continue;
          }
          const down = plan.chainOf.get(edge.to)!;
          const receivers = tasksOf.get(down)!;
          const targets = edge.partitioning === 'forward' ? [s] : receivers.map((_, r) => r);
          const gate = channelOffset(plan, down, edge) + (edge.partitioning === 'forward' ? 0 : s);
          const channels = targets.map((r) =>
            placement === undefined ? new LocalChannel(receivers[r]!, gate) : placement.channel(edge, s, down, r, gate, receivers[r]),
          );
          const writer = new ExchangeWriter(createPartitioner(edge.partitioning, s, graph.maxParallelism), channels);
          output.addTarget(writer);
          task.writers.push(writer);
        }
      }
    });
  }
  return { tasks, sourceTasks, counters, outputs };
}

/**
 * Delivery into a two-input operator (a join): tells it the port of each record before the task
 * hands the record over. Other receivers are returned as they are.
 */
/** For each input-gate channel of `chain`, the input port (index in the head's `inputs`) it feeds. */
function portOfChannels(plan: PhysicalPlan, chain: ChainPlan): number[] {
  const head = plan.graph.byId.get(chain.nodes[0]!)!;
  const ports: number[] = [];
  for (const e of chain.inputs) {
    const port = Math.max(0, head.def.inputs.findIndex((p) => p.name === e.toPort));
    const offset = channelOffset(plan, chain, e);
    for (let c = 0; c < channelsOf(plan, e); c++) ports[offset + c] = port;
  }
  return ports;
}

/**
 * The output of a side port: its own NodeOutput (its records are not the node's `recordsOut`),
 * fed the node's watermarks so everything downstream of it keeps advancing event time.
 */
function sideOutput(inst: Instance, port: string): NodeOutput {
  let out = inst.sideOutputs.get(port);
  if (out === undefined) {
    const o = new NodeOutput(newCounters());
    inst.output.addTarget({ collect() {}, emitWatermark: (wm) => o.emitWatermark(wm) });
    inst.sideOutputs.set(port, (out = o));
  }
  return out;
}

function instantiate(node: LogicalNode, subtask: number, maxParallelism: number, time: 'event' | 'processing', env: TaskEnvironment, origin: { source?: SourceOperator }): Instance {
  const counters = newCounters();
  const sideOutputs = new Map<string, NodeOutput>();
  const ctx: OperatorContext = {
    nodeId: node.id,
    kind: node.kind,
    subtaskIndex: subtask,
    parallelism: node.parallelism,
    maxParallelism,
    inputSchema: node.inputSchema,
    keyed: node.keyedInput,
    time,
    baseDir: env.baseDir,
    confineFiles: env.confineFiles === true,
    checkpointing: env.checkpointing === true,
    ...(env.checkpointing === true ? { checkpointMode: env.checkpointMode ?? 'exactly-once' } : {}),
    logger: env.logger,
    counters,
    deadLetter: (record, error) => env.deadLetter(node.id, counters, record, error),
    sideOutput: (port) => sideOutputs.get(port),
    fail: (error) => env.fail(attribute(node.id, error)),
    ...(env.stateBackend !== undefined ? { stateBackend: env.stateBackend } : {}),
    ...(env.jobId === undefined ? {} : { jobId: env.jobId }),
    recordOrigin: () => origin.source?.currentPosition(),
  };
  const factory = OPERATORS[node.kind];
  if (factory === undefined) throw new Error(`no runtime implementation for operator kind "${node.kind}"`);
  const operator = factory(node.params, ctx, env.services);
  const output = new NodeOutput(counters);
  if (node.def.category !== 'source') {
    operator.setup(ctx, output);
    return { operator, output, counters, sideOutputs };
  }
  const sourceOutput = sourceTimeStage(node, output, ctx);
  operator.setup(ctx, sourceOutput);
  return { operator, output, counters, sideOutputs, sourceOutput };
}

/**
 * The timestamp/watermark stage of a source, from its `timestamp`, `watermark` and `onError`
 * params: a record whose timestamp cannot be read goes to the source's `onError` policy.
 */
function sourceTimeStage(node: LogicalNode, next: NodeOutput, ctx: OperatorContext): SourceOutput {
  const p = node.params as { timestamp?: string; watermark: SourceWatermarkParams; onError?: OnErrorPolicy };
  const timestamp = p.timestamp === undefined ? undefined : compileAccessor(p.timestamp, node.inputSchema);
  const policy = new ExpressionErrorPolicy(p.onError ?? 'dlq', ctx);
  const onBadTimestamp = (record: unknown, error: unknown) => policy.handle(record as Row, error, `timestamp = ${p.timestamp ?? ''}`);
  return new SourceOutput(next, timestamp, watermarkGenerator(p.watermark), onBadTimestamp, watermarkEmission(p.watermark));
}

/** Channels of a task's input gate: one per upstream subtask per exchange edge (forward: one). */
export function gateChannels(plan: PhysicalPlan, chain: ChainPlan): number {
  return chain.inputs.reduce((sum, e) => sum + channelsOf(plan, e), 0);
}

function channelOffset(plan: PhysicalPlan, chain: ChainPlan, edge: LogicalEdge): number {
  let offset = 0;
  for (const e of chain.inputs) {
    if (e === edge) return offset;
    offset += channelsOf(plan, e);
  }
  throw new Error(`edge ${edge.from} → ${edge.to} is not an input of chain ${chain.id}`);
}

function channelsOf(plan: PhysicalPlan, edge: LogicalEdge): number {
  return edge.partitioning === 'forward' ? 1 : plan.graph.byId.get(edge.from)!.parallelism;
}
