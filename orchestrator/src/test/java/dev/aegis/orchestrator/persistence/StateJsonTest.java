package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.judgment.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StateJsonTest {

  /** A value with one double, so that a number's text is all that differs between writers. */
  record Value(double x) {}

  @Test
  @DisplayName("every double reads back to the same bits, including the JDK 17 forms that differ")
  void doublesReadBackExactly() {
    SplittableRandom random = new SplittableRandom(15);
    double[] edges = {
      0.0,
      -0.0,
      Double.MIN_VALUE,
      Double.MIN_NORMAL,
      Double.MAX_VALUE,
      2.0e23, // Java 17 writes 1.9999999999999998E23, a longer text of the same double
      1.0e23,
      5.0e-324,
      0.1 + 0.2,
      2037358.2073365056,
      1e-3,
      1e7,
      123456789012345678.0
    };
    for (double x : edges) {
      assertRoundTrip(x);
    }
    for (int i = 0; i < 100_000; i++) {
      assertRoundTrip(Double.longBitsToDouble(random.nextLong()));
      assertRoundTrip(random.nextDouble() * Math.pow(10, random.nextInt(-30, 30)));
    }
  }

  @Test
  @DisplayName("the shortest text is written: 2e23 as the JDK from 19 on writes it")
  void shortestText() {
    assertThat(StateJson.write(new Value(2.0e23))).isEqualTo("{\"x\":2.0E23}");
    assertThat(StateJson.write(new Value(0.30000000000000004)))
        .isEqualTo("{\"x\":0.30000000000000004}");
  }

  @Test
  @DisplayName("a step's progress reads back equal to what was written")
  void progressRoundTrip() {
    StepProgress progress =
        StateJson.read(
            "{\"windows\":12,\"requests\":11999,\"errors\":11,"
                + "\"p95RequestWeightedSum\":2037358.2073365056,\"p95Sum\":2037.5102779863485,"
                + "\"maxP95Ms\":194.50295903095426,\"observed\":\"PT11.999505657S\","
                + "\"failures\":0}",
            StepProgress.class);
    assertThat(StateJson.read(StateJson.write(progress), StepProgress.class)).isEqualTo(progress);
    assertThat(progress.p95RequestWeightedSum()).isEqualTo(2037358.2073365056);
  }

  @Test
  @DisplayName("the row's documents are ASCII, and read back equal, text beyond ASCII included")
  void rowDocumentsAreAscii() {
    Judgment judgment =
        new Judgment(
            Verdict.FAIL,
            2,
            50,
            "error rate 0.031 ≥ SLO 0.02 at α 0.02 → HIGH; p95 “slow” — 😱",
            List.of(Check.atLeast(Check.MIN_DURATION, 5, 10)),
            StepProgress.startingAfter(null),
            10,
            Instant.parse("2026-12-05T10:00:00.123456789Z"));

    String ascii = StateJson.writeAscii(judgment);

    assertThat(ascii.chars().allMatch(c -> c < 0x80)).as(ascii).isTrue();
    assertThat(ascii).contains("\\u2265").contains("\\u03B1").contains("\\uD83D\\uDE31");
    assertThat(StateJson.read(ascii, Judgment.class)).isEqualTo(judgment);
    assertThat(StateJson.read(ascii, Judgment.class).summary()).isEqualTo(judgment.summary());
    assertThat(StateJson.read(StateJson.write(judgment), Judgment.class))
        .isEqualTo(StateJson.read(ascii, Judgment.class));
    assertThat(StateJson.writeAscii(null)).isNull();
  }

  private static void assertRoundTrip(double x) {
    if (!Double.isFinite(x)) {
      return;
    }
    double back = StateJson.read(StateJson.write(new Value(x)), Value.class).x();
    assertThat(Double.doubleToRawLongBits(back))
        .as("%s", Double.toString(x))
        .isEqualTo(Double.doubleToRawLongBits(x));
  }
}
