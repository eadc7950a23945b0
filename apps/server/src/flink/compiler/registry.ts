import type { NodeCompiler } from './context.js';
import { compileCountWindow } from './count-window.js';
import { compileIntervalJoin, compileRegularJoin, compileWindowJoin } from './joins.js';
import { compileOver, compileReduce } from './keyed.js';
import { compileCollectSink, compileFileSink, compileKafkaSink, compilePostgresSink } from './sinks.js';
import { compileDatagenSource } from './source-datagen.js';
import { compileFileSource } from './source-file.js';
import { compileKafkaSource } from './source-kafka.js';
import { compileFilter, compileKeyBy, compileMap } from './transforms.js';
import { compileSession, compileSliding, compileTumbling } from './windows.js';

/** The node kinds that compile to Flink SQL; any other kind is refused with `flink_unsupported_kind`. */
export const NODE_COMPILERS: ReadonlyMap<string, NodeCompiler> = new Map<string, NodeCompiler>([
  ['source.file', compileFileSource],
  ['source.datagen', compileDatagenSource],
  ['source.kafka', compileKafkaSource],
  ['filter', compileFilter],
  ['map', compileMap],
  ['keyBy', compileKeyBy],
  ['window.tumbling', compileTumbling],
  ['window.sliding', compileSliding],
  ['window.session', compileSession],
  ['window.global', compileCountWindow],
  ['reduce', compileReduce],
  ['over', compileOver],
  ['join.window', compileWindowJoin],
  ['join.interval', compileIntervalJoin],
  ['join.regular', compileRegularJoin],
  ['sink.file', compileFileSink],
  ['sink.kafka', compileKafkaSink],
  ['sink.postgres', compilePostgresSink],
  ['sink.collect', compileCollectSink],
]);
