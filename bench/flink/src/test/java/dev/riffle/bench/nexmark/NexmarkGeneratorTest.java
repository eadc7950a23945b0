package dev.riffle.bench.nexmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Java generator must produce Riffle's events bit for bit: both are checked against the
 * hashes in bench/nexmark/generator-hashes.json (Riffle's side: generator.test.ts).
 */
class NexmarkGeneratorTest {
  private static String golden(String key) throws Exception {
    String json = Files.readString(Path.of("../nexmark/generator-hashes.json"));
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([0-9a-f]{64})\"").matcher(json);
    if (!m.find()) throw new AssertionError("no hash for " + key + " in generator-hashes.json");
    return m.group(1);
  }

  @Test
  void firstTenThousandEventsMatchRiffle() throws Exception {
    assertEquals(golden("10000"), GeneratorHash.of(10_000, 0, 1_000_000, 1767225600000L));
  }

  @Test
  void firstMillionEventsMatchRiffle() throws Exception {
    assertEquals(golden("1000000"), GeneratorHash.of(1_000_000, 0, 1_000_000, 1767225600000L));
  }

  @Test
  void eventTimeFollowsTheEventNumber() {
    NexmarkGenerator slow = new NexmarkGenerator(0, 1000, 0);
    assertEquals(1234, slow.event(1234).dateTimeMs);
    assertEquals(666, new NexmarkGenerator(0, 3, 0).timestamp(2));
  }
}
