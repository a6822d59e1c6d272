package dev.aegis.orchestrator.ratelimit;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets by key: each holds at most {@code perMinute} tokens and refills {@code perMinute} a
 * minute, evenly. At most {@code maxKeys} buckets are kept; the one used longest ago goes first (a
 * forgotten key starts full again, which errs on the side of letting a request through, never of
 * refusing one).
 */
final class TokenBuckets {

  private static final class Bucket {
    double tokens;
    long at;
  }

  private final int perMinute;
  private final Clock clock;
  private final Map<String, Bucket> buckets;

  TokenBuckets(int perMinute, int maxKeys, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
    this.buckets =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /**
   * Takes one token for {@code key}: 0 when granted, else the seconds until one is there again (at
   * least 1).
   */
  synchronized long take(String key) {
    long now = clock.millis();
    Bucket b =
        buckets.computeIfAbsent(
            key,
            k -> {
              Bucket fresh = new Bucket();
              fresh.tokens = perMinute;
              fresh.at = now;
              return fresh;
            });
    double perMilli = perMinute / 60_000.0;
    b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * perMilli);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - b.tokens) / perMilli / 1000.0));
  }

  synchronized int size() {
    return buckets.size();
  }
}
