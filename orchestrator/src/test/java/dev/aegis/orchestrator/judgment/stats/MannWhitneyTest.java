package dev.aegis.orchestrator.judgment.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reference values computed independently with SciPy 1.17.1: {@code
 * scipy.stats.mannwhitneyu(canary, baseline, alternative='greater'|'less',
 * method='exact'|'asymptotic', use_continuity=True)}; the U distribution for sizes 2 and 3
 * enumerated by hand (all 10 rank arrangements).
 */
class MannWhitneyTest {

  @Test
  @DisplayName(
      "the null distribution of U for sizes 2 and 3 is the enumeration of its 10 arrangements")
  void exactDistributionOfSmallSamples() {
    assertThat(MannWhitney.uDistribution(2, 3)).containsExactly(1, 1, 2, 2, 2, 1, 1);
    assertThat(IntStream.range(0, 37).mapToLong(u -> MannWhitney.uDistribution(6, 6)[u]).sum())
        .as("C(12, 6)")
        .isEqualTo(924);
  }

  @Test
  @DisplayName("a canary slower in every window: exact U = 36, P(higher) = 1/924")
  void everyCanaryWindowSlower() {
    TestResult r =
        MannWhitney.test(
            new double[] {310, 320, 330, 305, 340, 335},
            new double[] {250, 260, 255, 270, 265, 245});

    assertThat(r.test()).isEqualTo(TestResult.MANN_WHITNEY_EXACT);
    assertThat(r.statistic()).isEqualTo(36);
    assertThat(r.pHigher()).isCloseTo(0.0010822510822510823, within(1e-15));
    assertThat(r.pLower()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("overlapping samples, exact: U = 13, P(higher) = 0.2778, P(lower) = 0.7937")
  void overlappingSamplesExact() {
    TestResult r =
        MannWhitney.test(new double[] {1.1, 2.3, 3.5, 4.0}, new double[] {0.5, 1.0, 2.0, 3.0, 5.0});

    assertThat(r.statistic()).isEqualTo(13);
    assertThat(r.pHigher()).isCloseTo(0.2777777777777778, within(1e-12));
    assertThat(r.pLower()).isCloseTo(0.7936507936507936, within(1e-12));
  }

  @Test
  @DisplayName("one outlier in the baseline barely matters: U = 20, P(higher) = 0.0754")
  void robustToAnOutlier() {
    TestResult r = MannWhitney.test(new double[] {5, 6, 7, 8, 9}, new double[] {1, 2, 3, 4, 10});

    assertThat(r.statistic()).isEqualTo(20);
    assertThat(r.pHigher()).isCloseTo(0.07539682539682539, within(1e-12));
  }

  @Test
  @DisplayName("tied values use the normal approximation with tie and continuity corrections")
  void tiesUseTheCorrectedNormalApproximation() {
    TestResult r =
        MannWhitney.test(
            new double[] {210, 220, 220, 230, 240, 250, 250, 260},
            new double[] {200, 200, 210, 210, 220, 230, 230, 240});

    assertThat(r.test()).isEqualTo(TestResult.MANN_WHITNEY_NORMAL);
    assertThat(r.statistic()).isEqualTo(49.5);
    assertThat(r.pHigher()).isCloseTo(0.035507585717242135, within(1e-8));
    assertThat(r.pLower()).isCloseTo(0.9720349103790416, within(1e-7));
  }

  @Test
  @DisplayName(
      "60 untied values are still exact (U = 690, P = 0.000137); 61 use the normal approximation (U = 720, P = 0.000121)")
  void largeSamplesUseTheNormalApproximation() {
    double[] baseline = IntStream.range(20, 50).mapToDouble(v -> v + 0.5).toArray();

    TestResult exact =
        MannWhitney.test(IntStream.range(30, 60).asDoubleStream().toArray(), baseline);
    TestResult normal =
        MannWhitney.test(IntStream.range(30, 61).asDoubleStream().toArray(), baseline);

    assertThat(exact.test()).isEqualTo(TestResult.MANN_WHITNEY_EXACT);
    assertThat(exact.statistic()).isEqualTo(690);
    assertThat(exact.pHigher()).isCloseTo(0.00013747227723380864, within(1e-15));
    assertThat(normal.test()).isEqualTo(TestResult.MANN_WHITNEY_NORMAL);
    assertThat(normal.statistic()).isEqualTo(720);
    assertThat(normal.pHigher()).isCloseTo(0.00012057527964329556, within(1e-10));
  }

  @Test
  @DisplayName("identical values everywhere carry no evidence either way")
  void everythingTied() {
    TestResult r =
        MannWhitney.test(new double[] {200, 200, 200}, new double[] {200, 200, 200, 200});

    assertThat(r.pHigher()).isEqualTo(1);
    assertThat(r.pLower()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "the best p-value a sample size allows: 4 + 4 windows can reach 1/70, 3 + 3 only 1/20")
  void smallestReachablePValue() {
    assertThat(MannWhitney.smallestPValue(4, 4)).isCloseTo(1.0 / 70, within(1e-12));
    assertThat(MannWhitney.smallestPValue(3, 3)).isCloseTo(1.0 / 20, within(1e-12));
    assertThat(MannWhitney.smallestPValue(0, 5)).isEqualTo(1);
  }
}
