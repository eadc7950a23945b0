import { jobModule } from '../job-modules.js';
import type { Operator, OperatorContext } from '../operator.js';
import type { PreviewBuffer } from '../runtime/preview-buffer.js';
import { DedupeOperator } from './dedupe.js';
import { FilterOperator } from './filter.js';
import { KeyByOperator } from './key-by.js';
import { IntervalJoinOperator } from './join-interval.js';
import { RegularJoinOperator } from './join-regular.js';
import { WindowJoinOperator } from './join-window.js';
import { MapOperator } from './map.js';
import { OverOperator } from './over.js';
import { ReduceOperator } from './reduce.js';
import { CollectSinkOperator } from './sink-collect.js';
import { FileSinkOperator } from './sink-file.js';
import { DatagenSource } from './source-datagen.js';
import { NexmarkSource } from './source-nexmark.js';
import { FileSource } from './source-file.js';
import { GlobalWindowOperator } from './window-global.js';
import { SessionWindowOperator } from './window-session.js';
import { SlidingWindowOperator } from './window-sliding.js';
import { TumblingWindowOperator } from './window-tumbling.js';

/** Job-wide things an operator may need beyond its context. */
export interface JobServices {
  /** The preview buffer of a `sink.collect` node (shared by its subtasks). */
  previewBuffer(nodeId: string, limit: number): PreviewBuffer;
}

/** Creates one parallel instance of an operator from its validated params. */
export type OperatorFactory = (params: any, ctx: OperatorContext, services: JobServices) => Operator;

/**
 * How each catalog kind runs. A catalog kind missing here is rejected before the job starts.
 * Connector kinds construct from modules that `loadJobModules` loaded for the run (job-modules.ts).
 */
export const OPERATORS: Readonly<Record<string, OperatorFactory>> = {
  'source.datagen': (p, ctx) => new DatagenSource(p, ctx),
  'source.file': (p, ctx) => new FileSource(p, ctx),
  'source.kafka': (p, ctx) => new (jobModule('sourceKafka').KafkaSource)(p, ctx),
  'source.nexmark': (p, ctx) => new NexmarkSource(p, ctx),
  map: (p, ctx) => new MapOperator(p, ctx),
  filter: (p, ctx) => new FilterOperator(p, ctx),
  keyBy: (p, ctx) => new KeyByOperator(p, ctx),
  reduce: (p, ctx) => new ReduceOperator(p, ctx),
  dedupe: (p, ctx) => new DedupeOperator(p, ctx),
  over: (p, ctx) => new OverOperator(p, ctx),
  'join.regular': (p, ctx) => new RegularJoinOperator(p, ctx),
  'join.interval': (p, ctx) => new IntervalJoinOperator(p, ctx),
  'join.window': (p, ctx) => new WindowJoinOperator(p, ctx),
  'window.tumbling': (p, ctx) => new TumblingWindowOperator(p, ctx),
  'window.sliding': (p, ctx) => new SlidingWindowOperator(p, ctx),
  'window.session': (p, ctx) => new SessionWindowOperator(p, ctx),
  'window.global': (p, ctx) => new GlobalWindowOperator(p, ctx),
  'sink.file': (p, ctx) => new FileSinkOperator(p, ctx),
  'sink.kafka': (p, ctx) => new (jobModule('sinkKafka').KafkaSinkOperator)(p, ctx),
  'sink.postgres': (p, ctx) => new (jobModule('sinkPostgres').PostgresSinkOperator)(p, ctx),
  'sink.collect': (p, ctx, services) => new CollectSinkOperator(services.previewBuffer(ctx.nodeId, p.limit)),
};
