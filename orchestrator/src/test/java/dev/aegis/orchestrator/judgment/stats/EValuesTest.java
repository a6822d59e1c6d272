package dev.aegis.orchestrator.judgment.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The e-value pieces against exact sums and reference values computed independently. */
class EValuesTest {

  private static final double THETA = 1.1;
  private static final double F = 0.7;

  @Test
  @DisplayName(
      "the conditional likelihood ratio averages exactly one at the tolerated ratio and less below it")
  void conditionalLikelihoodRatioAveragesOneAtTheToleratedRatioAndLessBelowIt() {
    int k = 12;
    assertThat(expectedRatio(k, THETA, 3.0, 1.0)).isCloseTo(1.0, within(1e-12));
    assertThat(expectedRatio(k, 0.8, 3.0, 1.0)).isLessThan(1.0);
    assertThat(expectedRatio(k, 0.3, 1.5, 1.0)).isLessThan(1.0);
  }

  @Test
  @DisplayName("a tempered ratio (weight 0.3) still averages at most one under the null")
  void temperedRatioStillAveragesAtMostOne() {
    assertThat(expectedRatio(12, THETA, 3.0, 0.3)).isLessThanOrEqualTo(1.0);
    assertThat(expectedRatio(12, 1.0, 5.0, 0.3)).isLessThanOrEqualTo(1.0);
  }

  @Test
  @DisplayName("the latency bet drifts down for every log-ratio symmetric about the tolerance")
  void latencyBetDriftsDownForEverySymmetricLogRatio() {
    double tolerance = 0.1;
    double centre = Math.log1p(tolerance);
    for (double lambda : new double[] {0.2, 0.95}) {
      for (double spread : new double[] {0.01, 0.1, 0.3, 1, 3}) {
        double up = Math.exp(centre + spread);
        double down = Math.exp(centre - spread);
        double mean =
            0.5
                * (Math.exp(EValues.logBetFactor(lambda, EValues.latencyOutcome(up, 1, tolerance)))
                    + Math.exp(
                        EValues.logBetFactor(lambda, EValues.latencyOutcome(down, 1, tolerance))));
        assertThat(mean).as("λ %s, spread %s", lambda, spread).isCloseTo(1.0, within(1e-12));
        double below = Math.exp(-0.2);
        double meanBelow =
            0.5
                * (Math.exp(
                        EValues.logBetFactor(
                            lambda, EValues.latencyOutcome(up * below, 1, tolerance)))
                    + Math.exp(
                        EValues.logBetFactor(
                            lambda, EValues.latencyOutcome(down * below, 1, tolerance))));
        assertThat(meanBelow).isLessThanOrEqualTo(1.0 + 1e-12);
      }
    }
  }

  @Test
  @DisplayName("the exact binomial tail matches scipy.stats.binom.sf")
  void exactBinomialTailMatchesScipy() {
    assertThat(EValues.binomialUpperTail(15, 300, 0.02)).isCloseTo(0.0012284, within(5e-7));
    assertThat(EValues.binomialUpperTail(10, 200, 0.02)).isCloseTo(0.0074793, within(5e-7));
    assertThat(EValues.binomialUpperTail(0, 200, 0.02)).isEqualTo(1.0);
  }

  @Test
  @DisplayName("the normal quantile inverts the normal cdf")
  void normalQuantileInvertsTheCdf() {
    assertThat(EValues.normalQuantile(0.8)).isCloseTo(0.841621, within(1e-6));
    assertThat(EValues.normalQuantile(0.5)).isCloseTo(0.0, within(1e-6));
  }

  @Test
  @DisplayName("the aGRAPA bet is zero without a positive mean and at most 0.95")
  void agrapaBetIsZeroWithoutAPositiveMeanAndCapped() {
    assertThat(EValues.agrapaLambda(0, 0, 0)).isZero();
    assertThat(EValues.agrapaLambda(3, -0.5, 1)).isZero();
    assertThat(EValues.agrapaLambda(4, 4, 4)).isEqualTo(0.95);
    assertThat(EValues.agrapaLambda(4, 1, 4)).isEqualTo(0.25);
  }

  @Test
  @DisplayName(
      "the power growth of a window pair is its expected errors times the divergence of the canary's share, tempered as the test tempers")
  void expectedLogGrowthAtTwoTrafficLevels() {
    // Base 0.75%, 3× against θ = 1.1, equal tracks: KL = 0.1081 nats per error.
    // 250 + 250 requests expect 7.5 errors, capped at 7: 7.5 × 0.1081 / (7.5 / 7) = 0.757.
    assertThat(EValues.expectedLogGrowth(250, 250, 0.0075, 1.1, 3, 1, 7))
        .isCloseTo(0.757, within(1e-3));
    // 25 + 25 expect 0.75 errors: 0.75 × 0.1081 = 0.0811; a dispersion of 2 halves it.
    assertThat(EValues.expectedLogGrowth(25, 25, 0.0075, 1.1, 3, 1, 7))
        .isCloseTo(0.0811, within(1e-4));
    assertThat(EValues.expectedLogGrowth(25, 25, 0.0075, 1.1, 3, 2, 7))
        .isCloseTo(0.0405, within(1e-4));
    assertThat(EValues.expectedLogGrowth(0, 25, 0.0075, 1.1, 3, 1, 7)).isZero();
  }

  /**
   * E[LR^w] over x_c ~ Bin(k, p(ρ)), summed exactly: the likelihood ratio betting on {@code bet}
   * against θ, raised to {@code weight}.
   */
  private static double expectedRatio(int k, double rho, double bet, double weight) {
    double p = EValues.canaryShare(rho, F);
    double sum = 0;
    for (int x = 0; x <= k; x++) {
      double logProb = Distributions.logChoose(k, x) + x * Math.log(p) + (k - x) * Math.log1p(-p);
      double logRatio = EValues.conditionalLogRatio(x, k - x, F, THETA, bet);
      sum += Math.exp(logProb + weight * logRatio);
    }
    return sum;
  }
}
