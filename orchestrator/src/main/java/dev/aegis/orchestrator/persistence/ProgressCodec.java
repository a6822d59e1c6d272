package dev.aegis.orchestrator.persistence;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.NumberOutput;
import dev.aegis.orchestrator.judgment.Sequential;
import dev.aegis.orchestrator.judgment.Sequential.EProcess;
import dev.aegis.orchestrator.judgment.Sequential.Power;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.judgment.StepProgress.Shift;
import dev.aegis.orchestrator.judgment.StepProgress.Timeline;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * The experiment row's progress column: a step's totals and the anytime tests as one positional
 * JSON array, written with nearly every batch.
 *
 * <p>The named form ({@link StateJson}) spelled every field's name and every instant as ISO text,
 * about 1.2 KB a row. With the row's other columns that took the tuple past PostgreSQL's
 * compression threshold (about 2 KB), so every write compressed it again. This form is about half
 * the size, stays under the threshold, and an isolated batch {@code UPDATE} of 2 000 rows took 27
 * ms instead of 46 (docs/benchmarks.md, "A compact progress column").
 *
 * <p>The layout, by position (null where the value is null):
 *
 * <pre>
 * [2, boundary, windows, requests, errors, p95RequestWeightedSum, p95Sum, maxP95Ms, observed,
 *  firstWindowStart, coveredUntil, failures, extendedFrom, shift, sequential]
 * shift      = [appliedAt, settle, excludedRequests, excludedErrors, timeline]
 * sequential = [errors, latency, slo, pairedWindows, pairedCanaryRequests, pairedCanaryErrors,
 *               pairedReferenceRequests, pairedReferenceErrors, latencyBets, latencySum,
 *               latencySumSquares, latencyLogRatioSum, lastRatio, lastLambda, referenceChiSquare,
 *               referenceDf, power]
 * e-process  = [logE, maxLogE, bets, crossedAt, crossedStep, crossedWindow, bet, dispersion]
 * power      = [logE, stepLogE, referenceRequests, referenceErrors]
 * </pre>
 *
 * An instant is its nanoseconds since the epoch and a duration its nanoseconds; either is ISO-8601
 * text when it does not fit a long. Doubles are the shortest text that reads back to the same bits
 * (non-finite ones as quoted text). A row written before this form, a JSON object, still reads
 * ({@link #read}). The row never holds the step's samples (they are in {@code step_samples}), so
 * this form has no place for them.
 */
public final class ProgressCodec {

  /** The first element of every compact document. */
  static final int FORMAT = 2;

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private ProgressCodec() {}

  /**
   * {@code progress} in the compact form, in ASCII.
   *
   * @throws IllegalArgumentException when it carries samples, which the row does not hold
   */
  public static String write(StepProgress progress) {
    if (progress.evidence() != null) {
      throw new IllegalArgumentException("the progress column holds no samples: write it without");
    }
    Out g = new Out();
    g.writeStartArray();
    g.writeNumber(FORMAT);
    instant(g, progress.boundary());
    g.writeNumber(progress.windows());
    g.writeNumber(progress.requests());
    g.writeNumber(progress.errors());
    number(g, progress.p95RequestWeightedSum());
    number(g, progress.p95Sum());
    number(g, progress.maxP95Ms());
    duration(g, progress.observed());
    instant(g, progress.firstWindowStart());
    instant(g, progress.coveredUntil());
    g.writeNumber(progress.failures());
    duration(g, progress.extendedFrom());
    shift(g, progress.shift());
    sequential(g, progress.sequential());
    g.writeEndArray();
    return g.toString();
  }

  /**
   * A stored progress document: the compact form, or the named form of rows written before it (and
   * of rows written before the journal, whose samples it carries).
   *
   * @throws IllegalStateException when it is neither, with the reason
   */
  public static StepProgress read(String stored) {
    if (stored == null) {
      return null;
    }
    if (!stored.startsWith("[")) {
      return StateJson.read(stored, StepProgress.class);
    }
    try (JsonParser p = JSON.createParser(stored)) {
      expect(p, JsonToken.START_ARRAY);
      int format = p.nextIntValue(-1);
      if (format != FORMAT) {
        throw new IllegalStateException("stored progress has unknown format " + format);
      }
      StepProgress progress =
          new StepProgress(
              instant(p),
              longValue(p),
              longValue(p),
              longValue(p),
              doubleValue(p),
              doubleValue(p),
              doubleValue(p),
              duration(p),
              instant(p),
              instant(p),
              null,
              (int) longValue(p),
              duration(p),
              shift(p),
              sequential(p));
      expect(p, JsonToken.END_ARRAY);
      return progress;
    } catch (IOException | RuntimeException e) {
      // A bad time's text or timeline name throws unchecked; every failure reads the same way.
      throw new IllegalStateException("stored StepProgress is unreadable: " + e.getMessage(), e);
    }
  }

  private static void shift(Out g, Shift s) {
    if (s == null) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    instant(g, s.appliedAt());
    duration(g, s.settle());
    g.writeNumber(s.excludedRequests());
    g.writeNumber(s.excludedErrors());
    g.writeString(s.timeline().name());
    g.writeEndArray();
  }

  private static Shift shift(JsonParser p) throws IOException {
    if (startOrNull(p)) {
      return null;
    }
    Shift s =
        new Shift(instant(p), duration(p), longValue(p), longValue(p), Timeline.valueOf(text(p)));
    expect(p, JsonToken.END_ARRAY);
    return s;
  }

  private static void sequential(Out g, Sequential s) {
    g.writeStartArray();
    eprocess(g, s.errors());
    eprocess(g, s.latency());
    eprocess(g, s.slo());
    g.writeNumber(s.pairedWindows());
    number(g, s.pairedCanaryRequests());
    number(g, s.pairedCanaryErrors());
    number(g, s.pairedReferenceRequests());
    number(g, s.pairedReferenceErrors());
    g.writeNumber(s.latencyBets());
    number(g, s.latencySum());
    number(g, s.latencySumSquares());
    number(g, s.latencyLogRatioSum());
    nullableDouble(g, s.lastRatio());
    nullableDouble(g, s.lastLambda());
    number(g, s.referenceChiSquare());
    g.writeNumber(s.referenceDf());
    Power power = s.power();
    if (power == null) {
      g.writeNull();
    } else {
      g.writeStartArray();
      number(g, power.logE());
      number(g, power.stepLogE());
      number(g, power.referenceRequests());
      number(g, power.referenceErrors());
      g.writeEndArray();
    }
    g.writeEndArray();
  }

  private static Sequential sequential(JsonParser p) throws IOException {
    if (startOrNull(p)) {
      return null;
    }
    Sequential s =
        new Sequential(
            eprocess(p),
            eprocess(p),
            eprocess(p),
            (int) longValue(p),
            doubleValue(p),
            doubleValue(p),
            doubleValue(p),
            doubleValue(p),
            (int) longValue(p),
            doubleValue(p),
            doubleValue(p),
            doubleValue(p),
            nullableDouble(p),
            nullableDouble(p),
            doubleValue(p),
            (int) longValue(p),
            power(p));
    expect(p, JsonToken.END_ARRAY);
    return s;
  }

  private static Power power(JsonParser p) throws IOException {
    if (startOrNull(p)) {
      return null;
    }
    Power power = new Power(doubleValue(p), doubleValue(p), doubleValue(p), doubleValue(p));
    expect(p, JsonToken.END_ARRAY);
    return power;
  }

  private static void eprocess(Out g, EProcess e) {
    if (e == null) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    number(g, e.logE());
    number(g, e.maxLogE());
    g.writeNumber(e.bets());
    instant(g, e.crossedAt());
    nullableInt(g, e.crossedStep());
    nullableInt(g, e.crossedWindow());
    nullableDouble(g, e.bet());
    nullableDouble(g, e.dispersion());
    g.writeEndArray();
  }

  private static EProcess eprocess(JsonParser p) throws IOException {
    if (startOrNull(p)) {
      return null;
    }
    EProcess e =
        new EProcess(
            doubleValue(p),
            doubleValue(p),
            (int) longValue(p),
            instant(p),
            nullableInt(p),
            nullableInt(p),
            nullableDouble(p),
            nullableDouble(p));
    expect(p, JsonToken.END_ARRAY);
    return e;
  }

  private static void instant(Out g, Instant at) {
    if (at == null) {
      g.writeNull();
      return;
    }
    try {
      g.writeNumber(
          Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano()));
    } catch (ArithmeticException beyondLong) {
      g.writeString(at.toString());
    }
  }

  private static Instant instant(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_STRING) {
      return Instant.parse(p.getText());
    }
    require(p, t, JsonToken.VALUE_NUMBER_INT);
    long nanos = p.getLongValue();
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  private static void duration(Out g, Duration d) {
    if (d == null) {
      g.writeNull();
      return;
    }
    try {
      g.writeNumber(d.toNanos());
    } catch (ArithmeticException beyondLong) {
      g.writeString(d.toString());
    }
  }

  private static Duration duration(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_STRING) {
      return Duration.parse(p.getText());
    }
    require(p, t, JsonToken.VALUE_NUMBER_INT);
    return Duration.ofNanos(p.getLongValue());
  }

  /**
   * A double as its shortest decimal text; a whole number of magnitude below 10^15 (a count the
   * tests keep as a double, a latency in whole milliseconds) as an integer, which reads back equal
   * and skips formatting a double (about a quarter of this codec's time at 10 000 experiments,
   * JFR). Not -0.0, whose integer would read back as 0.0: a record's equals tells the two apart.
   */
  private static void number(Out g, double v) {
    if (Math.abs(v) < 1e15 && v == (long) v && (v != 0 || Double.doubleToRawLongBits(v) == 0)) {
      g.writeNumber((long) v);
    } else {
      g.writeNumber(v);
    }
  }

  private static void nullableDouble(Out g, Double d) {
    if (d == null) {
      g.writeNull();
    } else {
      number(g, d);
    }
  }

  private static Double nullableDouble(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    return t == JsonToken.VALUE_NULL ? null : doubleOf(p, t);
  }

  private static void nullableInt(Out g, Integer i) {
    if (i == null) {
      g.writeNull();
    } else {
      g.writeNumber(i);
    }
  }

  private static Integer nullableInt(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    require(p, t, JsonToken.VALUE_NUMBER_INT);
    return p.getIntValue();
  }

  private static double doubleValue(JsonParser p) throws IOException {
    return doubleOf(p, p.nextToken());
  }

  /** A number, or the quoted text Jackson writes for NaN and the infinities. */
  private static double doubleOf(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) {
        return Double.parseDouble(text);
      }
      throw new IOException("expected a number, got \"" + text + "\"");
    }
    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
      throw new IOException("expected a number, got " + t);
    }
    return p.getDoubleValue();
  }

  private static long longValue(JsonParser p) throws IOException {
    require(p, p.nextToken(), JsonToken.VALUE_NUMBER_INT);
    return p.getLongValue();
  }

  private static String text(JsonParser p) throws IOException {
    require(p, p.nextToken(), JsonToken.VALUE_STRING);
    return p.getText();
  }

  /** True for null; otherwise requires the start of an array. */
  private static boolean startOrNull(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return true;
    }
    require(p, t, JsonToken.START_ARRAY);
    return false;
  }

  private static void expect(JsonParser p, JsonToken expected) throws IOException {
    require(p, p.nextToken(), expected);
  }

  private static void require(JsonParser p, JsonToken actual, JsonToken expected)
      throws IOException {
    if (actual != expected) {
      throw new IOException(
          "expected " + expected + " at " + p.currentLocation().getColumnNr() + ", got " + actual);
    }
  }

  /**
   * The compact form's text, written straight into a {@link StringBuilder}: the same text Jackson's
   * generator wrote (no spaces; non-finite doubles as quoted text; the shortest double that reads
   * back to the same bits), without a generator's per-token state checks and writer: the codec's
   * share of the consumer threads' samples at 10 000 experiments fell from 9.2% to 6.8% (JFR,
   * ADR-013).
   */
  private static final class Out {
    /**
     * One buffer per thread, emptied for every document: a consumer thread writes a progress per
     * experiment of every batch, and a buffer each came to 4% of its allocations at 10 000
     * experiments (JFR). A document is written to the end before the next starts.
     */
    private static final ThreadLocal<StringBuilder> BUFFER =
        ThreadLocal.withInitial(() -> new StringBuilder(640));

    private final StringBuilder text = BUFFER.get();

    Out() {
      text.setLength(0);
    }

    /** Whether the next value is the first of its array (no comma before it). */
    private boolean first = true;

    void writeStartArray() {
      separate();
      text.append('[');
      first = true;
    }

    void writeEndArray() {
      text.append(']');
      first = false;
    }

    void writeNull() {
      separate();
      text.append("null");
    }

    void writeNumber(long v) {
      separate();
      text.append(v);
    }

    void writeNumber(double v) {
      if (!Double.isFinite(v)) {
        writeString(Double.toString(v));
        return;
      }
      separate();
      text.append(NumberOutput.toString(v, true));
    }

    /** Text that needs no escaping: a timeline's name, an instant's or duration's ISO form. */
    void writeString(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
          throw new IllegalArgumentException("not plain ASCII text: " + s);
        }
      }
      separate();
      text.append('"').append(s).append('"');
    }

    private void separate() {
      if (!first) {
        text.append(',');
      }
      first = false;
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
