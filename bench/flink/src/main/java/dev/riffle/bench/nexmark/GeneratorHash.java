package dev.riffle.bench.nexmark;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** sha256 over the first n events' lines, each followed by '\n' (as Riffle's generator test computes it). */
public final class GeneratorHash {
  private GeneratorHash() {}

  public static String of(long n, int seed, double eventsPerSec, long baseTime) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    NexmarkGenerator gen = new NexmarkGenerator(seed, eventsPerSec, baseTime);
    for (long i = 0; i < n; i++) sha.update((gen.event(i).line() + "\n").getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest());
  }
}
