import type { NodeCompiler } from './context.js';
import { compileCountWindow } from './count-window.js';
import { compileIntervalJoin, compileRegularJoin, compileWindowJoin } from './joins.js';
import { compileOver, compileReduce } from './keyed.js';
import { compileFileSink, compileKafkaSink, compilePostgresSink } from './sinks.js';
import { compileCollectSink } from './sink-preview.js';
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
 * source.nexmark: Flink has no Nexmark source on Maven Central (the Nexmark benchmark's generator
 * ships in its own jar; bench/flink carries a Java copy for the benchmark only), and Flink SQL's
 * datagen draws each column on its own, so it cannot make bids that refer to earlier auctions and
 * persons as Riffle's generator (seeded, deterministic) does.
 */
export const REFUSED_KINDS: ReadonlyMap<string, string> = new Map([
  ['dedupe', "Flink's deduplication keeps a key's first row for as long as its state lives or per aligned window, while Riffle's restarts the interval at the first record outside it"],
  [
    'source.nexmark',
    "Flink has no Nexmark source connector (none is published on Maven Central) and its datagen cannot make the Nexmark stream's bids that refer to earlier auctions and persons; write the events to a Kafka topic (e.g. from an embedded job with a Kafka sink) and read them with a Kafka source",
  ],
]);
