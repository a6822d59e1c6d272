package dev.aegis.orchestrator.judgment.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reference values computed independently with SciPy 1.17.1 ({@code scipy.stats.norm}) and Python's
 * math.lgamma.
 */
class DistributionsTest {

  @ParameterizedTest(name = "Φ({0}) = {1}")
  @CsvSource({
    "-1.96, 0.024997895148220435",
    "0.0, 0.5",
    "0.5, 0.6914624612740131",
    "1.0, 0.8413447460685429"
  })
  void normalCdfMatchesReference(double z, double expected) {
    assertThat(Distributions.normalCdf(z)).isCloseTo(expected, within(expected * 2e-7));
  }

  @ParameterizedTest(name = "P(Z >= {0}) = {1}, accurate in the tail")
  @CsvSource({"3.5, 0.00023262907903552502", "5.0, 2.866515718791933e-07"})
  void normalTailKeepsRelativeAccuracy(double z, double expected) {
    assertThat(Distributions.normalSf(z)).isCloseTo(expected, within(expected * 2e-7));
  }

  @ParameterizedTest(name = "ln Γ({0}) = {1}")
  @CsvSource({
    "0.1, 2.2527126517342055",
    "0.5, 0.5723649429247004",
    "10.0, 12.801827480081467",
    "1000000.0, 12815504.569147611"
  })
  void logGammaMatchesReference(double x, double expected) {
    assertThat(Distributions.logGamma(x))
        .isCloseTo(expected, within(Math.max(1e-12, Math.abs(expected) * 1e-13)));
  }

  @Test
  @DisplayName("ln C(n, k) agrees with exact binomial coefficients")
  void logChooseIsExactForSmallArguments() {
    assertThat(Math.exp(Distributions.logChoose(8, 4))).isCloseTo(70, within(1e-9));
    assertThat(Math.exp(Distributions.logChoose(50, 25))).isCloseTo(126410606437752.0, within(1e2));
  }

  @ParameterizedTest(name = "P(T_{1} >= {0}) = {2}")
  @CsvSource({
    "2.0, 10, 0.03669401738537018",
    "3.0, 18, 0.0038427060701571544",
    "-1.5, 4.5, 0.8998904571719233",
    "0.3, 1, 0.4072264209222577"
  })
  void studentTTailMatchesScipy(double t, double df, double expected) {
    // scipy.stats.t.sf(t, df), SciPy 1.17.1
    assertThat(Distributions.studentTSf(t, df)).isCloseTo(expected, within(expected * 1e-9));
  }
}
