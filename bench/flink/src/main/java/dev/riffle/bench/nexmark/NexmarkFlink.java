package dev.riffle.bench.nexmark;

import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs one Nexmark query on a local MiniCluster, the Flink side of `npm run bench:nexmark`.
 *
 * <p>Usage: {@code NexmarkFlink --query q5 --events 10000000 --rate 1000000 --parallelism 1
 * [--out rows.ndjson] [--hash-generator]}. Prints one JSON line of measurements: wall time, CPU
 * seconds of this process over the job (from /proc) and peak RSS. With {@code --out} the result
 * rows are collected into an NDJSON file (for the output hash); without it they go to a
 * discarding sink, like the suite's blackhole connector.
 */
public final class NexmarkFlink {
  private NexmarkFlink() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    long events = Long.parseLong(args.getOrDefault("events", "1000000"));
    double rate = Double.parseDouble(args.getOrDefault("rate", "1000000"));
    int parallelism = Integer.parseInt(args.getOrDefault("parallelism", "1"));
    int seed = Integer.parseInt(args.getOrDefault("seed", "0"));
    long baseTime = Long.parseLong(args.getOrDefault("base-time", "1767225600000"));
    if (args.containsKey("hash-generator")) {
      System.out.println("{\"generatorSha256\":\"" + GeneratorHash.of(events, seed, rate, baseTime) + "\"}");
      return;
    }
    String query = args.getOrDefault("query", "q0");
    String sql = Queries.SQL.get(query);
    if (sql == null) throw new IllegalArgumentException("unknown query " + query);
    if (events % parallelism != 0) throw new IllegalArgumentException("--events must be a multiple of --parallelism");
    // --latency: events are emitted at their event time's pace (the event-time rate is the offered
    // rate), and each row's latency is taken from its dateTime's planned emit time.
    boolean latency = args.containsKey("latency");

    Configuration conf = new Configuration();
    conf.setString("table.exec.mini-batch.enabled", "false");
    conf.setString("table.local-time-zone", "UTC");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);

    DataStream<Event> source = env.fromSequence(0, events - 1)
        .map(new Generate(seed, rate, baseTime, events / parallelism, parallelism, latency))
        .name("nexmark")
        .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forBoundedOutOfOrderness(Duration.ofSeconds(4))
            .withTimestampAssigner((e, t) -> e.dateTimeMs));
    tEnv.createTemporaryView("events", source, Schema.newBuilder()
        .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
        .watermark("rowtime", "SOURCE_WATERMARK()")
        .build());
    tEnv.executeSql("CREATE TEMPORARY VIEW bid AS SELECT auction, bidder, price, channel, url, rowtime AS `dateTime`, extra FROM events WHERE event_type = 2");
    tEnv.executeSql("CREATE TEMPORARY VIEW auction AS SELECT id, itemName, description, initialBid, reserve, rowtime AS `dateTime`, TO_TIMESTAMP_LTZ(expires, 3) AS expires, seller, category, extra FROM events WHERE event_type = 1");
    tEnv.executeSql("CREATE TEMPORARY VIEW person AS SELECT id, name, emailAddress, creditCard, city, state, rowtime AS `dateTime`, extra FROM events WHERE event_type = 0");

    Table result = tEnv.sqlQuery(sql);
    // An updating query's rows carry their kind (+I, -U, +U, -D); --out materializes them below.
    boolean updating = Queries.UPDATING.contains(query);
    DataStream<Row> resultRows = updating ? tEnv.toChangelogStream(result) : tEnv.toDataStream(result);
    if (latency) resultRows = resultRows.map(new Latency(baseTime)).returns(resultRows.getType());
    DataStream<String> lines = resultRows.map(new ToJson(updating)).returns(Types.STRING);

    long rows = 0;
    long wallStart = System.nanoTime();
    double cpuStart = cpuSeconds();
    if (args.containsKey("out")) {
      // Updating queries: the final table (a multiset of rows: +I/+U add one, -U/-D take one away).
      Map<String, Integer> table = new java.util.LinkedHashMap<>();
      try (CloseableIterator<String> it = lines.executeAndCollect("nexmark-" + query);
          BufferedWriter w = Files.newBufferedWriter(Path.of(args.get("out")), StandardCharsets.UTF_8)) {
        while (it.hasNext()) {
          String line = it.next();
          if (updating) {
            String row = line.substring(1);
            table.merge(row, line.charAt(0) == '+' ? 1 : -1, Integer::sum);
            if (table.get(row) == 0) table.remove(row);
            continue;
          }
          w.write(line);
          w.write('\n');
          rows++;
        }
        for (Map.Entry<String, Integer> e : table.entrySet()) {
          for (int i = 0; i < e.getValue(); i++) {
            w.write(e.getKey());
            w.write('\n');
            rows++;
          }
        }
      }
    } else {
      lines.sinkTo(new DiscardingSink<>());
      env.execute("nexmark-" + query);
    }
    double cpuEnd = cpuSeconds();
    long wallEnd = System.nanoTime();
    // The MiniCluster runs in this JVM, so the source's first-event marks are visible here.
    System.out.printf("{\"system\":\"flink\",\"query\":\"%s\",\"events\":%d,\"parallelism\":%d,\"wallMs\":%d,\"cpuSec\":%.3f,"
            + "\"runWallMs\":%d,\"runCpuSec\":%.3f,\"peakRssKb\":%d,\"rows\":%d%s}%n",
        query, events, parallelism, (wallEnd - wallStart) / 1_000_000, cpuEnd - cpuStart,
        (wallEnd - Generate.firstWall) / 1_000_000, cpuEnd - Generate.firstCpu, peakRssKb(), rows, latency ? Latency.summary() : "");
    System.exit(0);
  }

  /**
   * Sequence number → event number. fromSequence splits [0, n) into contiguous chunks, one per
   * subtask; mapping chunk k's t-th number to event t·p + k makes every subtask emit events in
   * event-time order interleaved with the others (as Riffle's subtasks do), so watermarks
   * advance together. Any split gives the same set of events.
   */
  static final class Generate implements MapFunction<Long, Event> {
    /** Wall clock (ns) and process CPU seconds when the first event was generated: start and deploy costs excluded. */
    static volatile long firstWall;
    static volatile double firstCpu;
    static volatile long firstEpochMs;
    private static final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private final NexmarkGenerator gen;
    private final long chunk;
    private final int parallelism;
    private final boolean paced;
    private final long baseTime;

    Generate(int seed, double rate, long baseTime, long chunk, int parallelism, boolean paced) {
      this.gen = new NexmarkGenerator(seed, rate, baseTime);
      this.chunk = chunk;
      this.parallelism = parallelism;
      this.paced = paced;
      this.baseTime = baseTime;
    }

    @Override
    public Event map(Long q) throws Exception {
      if (!started.get() && started.compareAndSet(false, true)) {
        firstCpu = cpuSeconds();
        firstWall = System.nanoTime();
        firstEpochMs = System.currentTimeMillis();
      }
      Event e = gen.event((q % chunk) * parallelism + q / chunk);
      if (paced) {
        long ahead = firstEpochMs + (e.dateTimeMs - baseTime) - System.currentTimeMillis();
        if (ahead > 0) Thread.sleep(ahead);
      }
      return e;
    }
  }

  /**
   * Records each result row's latency: now minus the planned emit time of its dateTime (first
   * event's wall clock + event-time offset), so a source that falls behind shows as latency
   * instead of slowing the schedule (no coordinated omission).
   */
  static final class Latency implements MapFunction<Row, Row> {
    private static final java.util.List<Long> SAMPLES = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final long baseTime;

    Latency(long baseTime) {
      this.baseTime = baseTime;
    }

    @Override
    public Row map(Row row) {
      Object t = row.getField("dateTime");
      if (t instanceof Instant) {
        SAMPLES.add(System.currentTimeMillis() - (Generate.firstEpochMs + ((Instant) t).toEpochMilli() - baseTime));
      }
      return row;
    }

    static String summary() {
      long[] xs = SAMPLES.stream().mapToLong(Long::longValue).sorted().toArray();
      if (xs.length == 0) return "";
      return String.format(",\"latencyP50Ms\":%d,\"latencyP99Ms\":%d,\"latencySamples\":%d", xs[xs.length / 2], xs[(int) Math.min(xs.length - 1, Math.floor(xs.length * 0.99))], xs.length);
    }
  }

  /** A result row as one JSON object; timestamps as epoch ms, decimals as plain numbers. */
  static final class ToJson implements MapFunction<Row, String> {
    /** Prefix each line with '+' (insert, update after) or '-' (update before, delete). */
    private final boolean withKind;

    ToJson(boolean withKind) {
      this.withKind = withKind;
    }

    @Override
    public String map(Row row) {
      StringBuilder sb = new StringBuilder();
      if (withKind) sb.append(row.getKind() == org.apache.flink.types.RowKind.INSERT || row.getKind() == org.apache.flink.types.RowKind.UPDATE_AFTER ? '+' : '-');
      sb.append('{');
      boolean first = true;
      for (String name : row.getFieldNames(true)) {
        if (!first) sb.append(',');
        first = false;
        sb.append('"').append(name).append("\":");
        Object v = row.getField(name);
        if (v == null) sb.append("null");
        else if (v instanceof Instant) sb.append(((Instant) v).toEpochMilli());
        else if (v instanceof LocalDateTime) sb.append(((LocalDateTime) v).toInstant(ZoneOffset.UTC).toEpochMilli());
        else if (v instanceof BigDecimal) sb.append(((BigDecimal) v).toPlainString());
        else if (v instanceof Number) sb.append(v);
        else sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
      return sb.append('}').toString();
    }
  }

  /** User + system CPU seconds of this process (all threads), from /proc/self/stat. */
  static double cpuSeconds() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /** Peak resident set size (VmHWM) in kB. */
  static long peakRssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    return -1;
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument " + argv[i]);
      String key = argv[i].substring(2);
      if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) args.put(key, argv[++i]);
      else args.put(key, "true");
    }
    return args;
  }
}
