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

/**
 * Why a kind without a compiler does not run on Flink, where there is more to say than "not yet".
 * dedupe: whether Riffle emits a record depends on whether it emitted the key's previous ones (an
 * interval restarts at the first record outside it, in arrival order); Flink's deduplication keeps
 * the first row per key for as long as its state lives, or per aligned window, and no SQL window
 * function can refer to its own earlier output.
 */
export const REFUSED_KINDS: ReadonlyMap<string, string> = new Map([
  ['dedupe', "Flink's deduplication keeps a key's first row for as long as its state lives or per aligned window, while Riffle's restarts the interval at the first record outside it"],
]);
