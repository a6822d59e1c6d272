package dev.aegis.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a {@code dev.aegis.health.reported.v1} document straight from its bytes into the record,
 * for the hot path: building the JSON tree and binding the record from it cost a health event about
 * a tenth of its consumer thread's time (docs/benchmarks.md).
 *
 * <p>It answers only for documents {@link HealthReportedShortcut} would pass, in one pass over the
 * tokens with the shortcut's own checks: the record it returns is the one the tree path binds, and
 * the schema accepts the document. Anything else (a member of another type, a big integer, a number
 * beyond a double's range anywhere in the document, a duplicate key, trailing tokens, malformed
 * JSON) gives {@code null}, and the codec reads the document through the tree, the schema and the
 * binder as before, so every rejection and its message stay as they were. {@code
 * HealthReportedReaderTest} holds it to the tree path over generated documents.
 */
final class HealthReportedReader {

  private static final int SERVICE = 1;
  private static final int VERSION = 1 << 1;
  private static final int TRACK = 1 << 2;
  private static final int WINDOW_START = 1 << 3;
  private static final int WINDOW_END = 1 << 4;
  private static final int REQUESTS = 1 << 5;
  private static final int ERRORS = 1 << 6;
  private static final int LATENCY = 1 << 7;
  private static final int REQUIRED = (1 << 8) - 1;
  private static final int NAMESPACE = 1 << 8;
  private static final int CPU = 1 << 9;
  private static final int MEMORY = 1 << 10;

  private static final int P50 = 1;
  private static final int P95 = 1 << 1;
  private static final int P99 = 1 << 2;
  private static final int PERCENTILES = (1 << 3) - 1;

  /**
   * The event mapper's factory with its read limits, without its duplicate detection: that kept a
   * set of every object's names, a tenth of what decoding a window allocated (JFR at 10 000
   * experiments). This reader finds duplicates itself: the schema's members by their bits, any
   * other name in a set made only for a document that has one.
   */
  private final JsonFactory factory =
      EventJson.mapper()
          .getFactory()
          .copy()
          .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, false);

  /**
   * Whether the document may hold U+0000, which JSON can only write as the escape {@code \\u0000}:
   * the tree path refuses it wherever it is, unknown members included, with its pointer. An escaped
   * backslash before {@code u0000} also answers true; the tree path then accepts it.
   */
  static boolean mayHoldNul(byte[] bytes) {
    for (int i = 0; i + 5 < bytes.length; i++) {
      if (bytes[i] == '\\'
          && bytes[i + 1] == 'u'
          && bytes[i + 2] == '0'
          && bytes[i + 3] == '0'
          && bytes[i + 4] == '0'
          && bytes[i + 5] == '0') {
        return true;
      }
    }
    return false;
  }

  /** The window, or null when the document must go through the tree path. */
  HealthReported read(byte[] bytes) {
    if (bytes == null || bytes.length == 0 || mayHoldNul(bytes)) {
      return null;
    }
    try (JsonParser p = factory.createParser(bytes)) {
      HealthReported window = window(p);
      return window != null && p.nextToken() == null ? window : null;
    } catch (IOException | RuntimeException e) {
      // Malformed, duplicated or over a read limit: the tree path says precisely what.
      return null;
    }
  }

  private static HealthReported window(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    String service = null;
    String namespace = null;
    String version = null;
    Track track = null;
    Instant windowStart = null;
    Instant windowEnd = null;
    long requests = 0;
    long errors = 0;
    Latency latency = null;
    Double cpu = null;
    Double memory = null;
    int seen = 0;
    Set<String> others = null;
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken value = p.nextToken();
      int member = member(name);
      if ((seen & member) != 0) {
        return null;
      }
      seen |= member;
      switch (member) {
        case SERVICE -> {
          service = text(p, value);
          if (service == null || !HealthReportedShortcut.dnsLabel(service)) {
            return null;
          }
        }
        case NAMESPACE -> {
          namespace = text(p, value);
          if (namespace == null || !HealthReportedShortcut.dnsLabel(namespace)) {
            return null;
          }
        }
        case VERSION -> {
          version = text(p, value);
          if (version == null || !HealthReportedShortcut.version(version)) {
            return null;
          }
        }
        case TRACK -> {
          String text = text(p, value);
          track = text == null ? null : HealthReportedShortcut.track(text);
          if (track == null) {
            return null;
          }
        }
        case WINDOW_START -> {
          windowStart = instant(p, value);
          if (windowStart == null) {
            return null;
          }
        }
        case WINDOW_END -> {
          windowEnd = instant(p, value);
          if (windowEnd == null) {
            return null;
          }
        }
        case REQUESTS -> {
          requests = count(p, value);
          if (requests < 0) {
            return null;
          }
        }
        case ERRORS -> {
          errors = count(p, value);
          if (errors < 0) {
            return null;
          }
        }
        case LATENCY -> {
          latency = latency(p, value);
          if (latency == null) {
            return null;
          }
        }
        case CPU -> {
          if (value != JsonToken.VALUE_NULL) {
            cpu = ratio(p, value);
            if (cpu == null) {
              return null;
            }
          }
        }
        case MEMORY -> {
          if (value != JsonToken.VALUE_NULL) {
            memory = ratio(p, value);
            if (memory == null) {
              return null;
            }
          }
        }
        default -> {
          // A member the schema leaves open: any JSON, but no number beyond a double's range,
          // which the tree path refuses wherever it is, and no name twice in one object.
          others = others == null ? new HashSet<>(4) : others;
          if (!others.add(name) || !finiteThroughout(p, value)) {
            return null;
          }
        }
      }
    }
    if ((seen & REQUIRED) != REQUIRED) {
      return null;
    }
    return new HealthReported(
        service,
        version,
        track,
        windowStart,
        windowEnd,
        requests,
        errors,
        latency,
        cpu,
        memory,
        namespace);
  }

  /** The bit of a member the schema names, 0 for any other (those may repeat only as JSON does). */
  private static int member(String name) {
    return switch (name) {
      case "service" -> SERVICE;
      case "namespace" -> NAMESPACE;
      case "version" -> VERSION;
      case "track" -> TRACK;
      case "windowStart" -> WINDOW_START;
      case "windowEnd" -> WINDOW_END;
      case "requests" -> REQUESTS;
      case "errors" -> ERRORS;
      case "latencyMs" -> LATENCY;
      case "cpuUtilization" -> CPU;
      case "memoryUtilization" -> MEMORY;
      default -> 0;
    };
  }

  private static Latency latency(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      return null;
    }
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
    int seen = 0;
    Set<String> others = null;
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken token = p.nextToken();
      int member =
          switch (name) {
            case "p50" -> P50;
            case "p95" -> P95;
            case "p99" -> P99;
            default -> 0;
          };
      if (member == 0) {
        others = others == null ? new HashSet<>(4) : others;
        if (!others.add(name) || !finiteThroughout(p, token)) {
          return null;
        }
        continue;
      }
      if ((seen & member) != 0) {
        return null;
      }
      seen |= member;
      double millis = number(p, token);
      if (!(millis >= 0)) {
        return null;
      }
      switch (member) {
        case P50 -> p50 = millis;
        case P95 -> p95 = millis;
        default -> p99 = millis;
      }
    }
    return seen == PERCENTILES ? new Latency(p50, p95, p99) : null;
  }

  /**
   * Reads past the value starting at {@code value}: false if it holds an infinite number, or an
   * object with a name twice.
   */
  private static boolean finiteThroughout(JsonParser p, JsonToken value) throws IOException {
    int depth = 0;
    // The names of each object open, innermost last.
    Deque<Set<String>> objects = null;
    JsonToken t = value;
    while (true) {
      if (t == JsonToken.VALUE_NUMBER_FLOAT && !Double.isFinite(p.getDoubleValue())) {
        return false;
      }
      if (t == JsonToken.START_OBJECT) {
        objects = objects == null ? new ArrayDeque<>() : objects;
        objects.push(new HashSet<>(4));
      } else if (t == JsonToken.END_OBJECT) {
        objects.pop();
      } else if (t == JsonToken.FIELD_NAME && !objects.peek().add(p.currentName())) {
        return false;
      }
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        depth--;
      }
      if (depth == 0) {
        return true;
      }
      t = p.nextToken();
      if (t == null) {
        return false;
      }
    }
  }

  private static String text(JsonParser p, JsonToken value) throws IOException {
    return value == JsonToken.VALUE_STRING ? p.getText() : null;
  }

  private static Instant instant(JsonParser p, JsonToken value) throws IOException {
    String text = text(p, value);
    return text == null ? null : HealthReportedShortcut.timestamp(text);
  }

  /** A non-negative integer that fits a long, or -1 for anything else. */
  private static long count(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT || !fitsLong(p)) {
      return -1;
    }
    long n = p.getLongValue();
    return n >= 0 ? n : -1;
  }

  /** A number from 0 to 1, or null. */
  private static Double ratio(JsonParser p, JsonToken value) throws IOException {
    double v = number(p, value);
    return v >= 0 && v <= 1 ? v : null;
  }

  /**
   * An int, a long or a finite double, as the tree would hold it; NaN for anything else (a big
   * integer, a non-number), which every caller's range check refuses.
   */
  private static double number(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return fitsLong(p) ? (double) p.getLongValue() : Double.NaN;
    }
    if (value == JsonToken.VALUE_NUMBER_FLOAT) {
      double v = p.getDoubleValue();
      return Double.isFinite(v) ? v : Double.NaN;
    }
    return Double.NaN;
  }

  private static boolean fitsLong(JsonParser p) throws IOException {
    JsonParser.NumberType type = p.getNumberType();
    return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
  }
}
