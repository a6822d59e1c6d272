package dev.aegis.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Health-window documents for the hot path's tests: a valid window with one, two or three members
 * replaced by values from a pool that covers each keyword's edges (types, signs, fractions, sizes,
 * patterns, date-time forms, enum case), or removed. The JSON text is kept as written, so number
 * forms such as {@code 1e2} or {@code -0} reach the parser as a monitor would send them.
 */
final class HealthDocuments {

  static final Map<String, String> VALID = new LinkedHashMap<>();

  static {
    VALID.put("service", "\"checkout\"");
    VALID.put("namespace", "\"shop\"");
    VALID.put("version", "\"1.4.2\"");
    VALID.put("track", "\"canary\"");
    VALID.put("windowStart", "\"2026-12-05T10:00:00Z\"");
    VALID.put("windowEnd", "\"2026-12-05T10:00:30.250Z\"");
    VALID.put("requests", "1200");
    VALID.put("errors", "6");
    VALID.put("latencyMs", "{\"p50\": 42.5, \"p95\": 180, \"p99\": 410.25}");
    VALID.put("cpuUtilization", "0.63");
    VALID.put("memoryUtilization", "null");
  }

  /** Members the generator touches: the schema's, nested ones, and one the schema does not name. */
  static final List<String> MEMBERS =
      List.of(
          "service",
          "namespace",
          "version",
          "track",
          "windowStart",
          "windowEnd",
          "requests",
          "errors",
          "latencyMs",
          "latencyMs.p50",
          "latencyMs.p95",
          "latencyMs.p99",
          "latencyMs.p999",
          "cpuUtilization",
          "memoryUtilization",
          "extra");

  static final List<String> POOL =
      List.of(
          // strings: labels and their edges
          "\"a\"",
          "\"payments\"",
          "\"a-b\"",
          "\"a--b\"",
          "\"-a\"",
          "\"a-\"",
          "\"A\"",
          "\"ab_c\"",
          "\"a.b\"",
          "\"ü\"",
          "\"" + "a".repeat(63) + "\"",
          "\"" + "a".repeat(64) + "\"",
          "\"\"",
          "\" \"",
          "\"\\t\\n\"",
          "\"\\u00a0\"",
          "\"\\u2003x\"",
          "\"\\u2003\"",
          "\"1.4.2 \"",
          "\" v\"",
          "\"" + "v".repeat(1024) + "\"",
          "\"" + "v".repeat(1025) + "\"",
          "\"" + "\\ud83d\\ude00".repeat(600) + "\"",
          "\"\\u0000\"",
          "\"\\u007f\"",
          // enum
          "\"canary\"",
          "\"baseline\"",
          "\"stable\"",
          "\"Canary\"",
          "\"canary \"",
          // date-times
          "\"2026-12-05T10:00:00Z\"",
          "\"2026-12-05T10:00:00.5Z\"",
          "\"2026-12-05T10:00:00.123456789Z\"",
          "\"2026-12-05T10:00:00.1234567891Z\"",
          "\"2026-12-05T10:00:00+00:00\"",
          "\"2026-12-05T10:00:00+01:00\"",
          "\"2026-12-05t10:00:00z\"",
          "\"2026-12-05 10:00:00Z\"",
          "\"2026-12-05T10:00Z\"",
          "\"2026-02-29T00:00:00Z\"",
          "\"2024-02-29T00:00:00Z\"",
          "\"2026-12-05T24:00:00Z\"",
          "\"2026-12-31T23:59:60Z\"",
          "\"2026-13-01T00:00:00Z\"",
          "\"2026-00-10T00:00:00Z\"",
          "\"0000-01-01T00:00:00Z\"",
          "\"0001-01-01T00:00:00Z\"",
          "\"9999-12-31T23:59:59.999Z\"",
          "\"+2026-12-05T10:00:00Z\"",
          "\"2026-12-05T10:00:00.Z\"",
          // numbers
          "0",
          "1",
          "-1",
          "0.0",
          "-0.0",
          "-0",
          "1.0",
          "1.5",
          "0.5",
          "1.0000001",
          "2",
          "1e2",
          "1e-300",
          "1e300",
          "1e400",
          "-1e400",
          "-1e-300",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775808",
          "123456789012345678901234567890",
          "0.30000000000000004",
          // other types
          "null",
          "true",
          "false",
          "[]",
          "[1]",
          "{}",
          "{\"p50\": 1, \"p95\": 2, \"p99\": 3}",
          "{\"p50\": 1, \"p95\": 2}",
          "{\"p50\": -1, \"p95\": 2, \"p99\": 3}",
          "{\"p50\": \"1\", \"p95\": 2, \"p99\": 3}",
          "{\"p50\": 1, \"p95\": 2, \"p99\": 3, \"p999\": -5}",
          "{\"p50\": null, \"p95\": 2, \"p99\": 3}",
          "\"1\"",
          "\"0.5\"");

  static final String REMOVE = "<removed>";

  private HealthDocuments() {}

  /** Every member removed and set to every pool value, then 20 000 random pairs and triples. */
  static List<String> generated() {
    List<String> documents = new ArrayList<>();
    for (String member : MEMBERS) {
      documents.add(text(Map.of(member, REMOVE)));
      for (String value : POOL) {
        documents.add(text(Map.of(member, value)));
      }
    }
    Random random = new Random(20261205);
    for (int i = 0; i < 20_000; i++) {
      Map<String, String> changes = new LinkedHashMap<>();
      int n = 2 + random.nextInt(2);
      for (int j = 0; j < n; j++) {
        String member = MEMBERS.get(random.nextInt(MEMBERS.size()));
        String value = random.nextInt(10) == 0 ? REMOVE : POOL.get(random.nextInt(POOL.size()));
        changes.put(member, value);
      }
      documents.add(text(changes));
    }
    return documents;
  }

  /**
   * The valid window with {@code changes} applied; a dotted member is inside latencyMs, and is
   * changed only while latencyMs is the valid window's own object.
   */
  static String text(Map<String, String> changes) {
    Map<String, String> root = new LinkedHashMap<>(VALID);
    Map<String, String> latency = new LinkedHashMap<>();
    latency.put("p50", "42.5");
    latency.put("p95", "180");
    latency.put("p99", "410.25");
    boolean ownLatency = !changes.containsKey("latencyMs");
    for (var change : changes.entrySet()) {
      String member = change.getKey();
      Map<String, String> parent = root;
      if (member.startsWith("latencyMs.")) {
        if (!ownLatency) {
          continue;
        }
        parent = latency;
        member = member.substring("latencyMs.".length());
      }
      if (change.getValue().equals(REMOVE)) {
        parent.remove(member);
      } else {
        parent.put(member, change.getValue());
      }
    }
    if (ownLatency) {
      root.put("latencyMs", object(latency));
    }
    return object(root);
  }

  static String object(Map<String, String> members) {
    StringBuilder out = new StringBuilder("{");
    members.forEach(
        (k, v) ->
            out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return out.append('}').toString();
  }
}
