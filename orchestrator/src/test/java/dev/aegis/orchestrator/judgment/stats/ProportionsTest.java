package dev.aegis.orchestrator.judgment.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reference values computed independently with SciPy 1.17.1: z and its tails from the pooled
 * formula with {@code scipy.stats.norm}; Fisher's test with {@code scipy.stats.fisher_exact(table,
 * alternative='greater'|'less')}. The tea-tasting case is Fisher's own (The Design of Experiments,
 * 1935). The Farrington-Manning statistics were checked against a numerical maximisation of the
 * restricted likelihood ({@code scipy.optimize.minimize_scalar}); the noncentral Fisher tails are
 * {@code scipy.stats.nchypergeom_fisher(M, n, N, odds).sf(x1 - 1)}; t tails {@code
 * scipy.stats.t.sf}.
 */
class ProportionsTest {

  @ParameterizedTest(name = "{0}/{1} vs {2}/{3}: z = {4}, P(higher) = {5}, P(lower) = {6}")
  @CsvSource({
    "31, 1000, 10, 1000, 3.313791245008234, 0.0004602009808071322, 0.9995397990191929",
    "200, 10000, 150, 10000, 2.6963092563653506, 0.0035056269841066997, 0.9964943730158933",
    "45, 500, 60, 500, -1.547337646055907, 0.9391090757870716, 0.06089092421292836"
  })
  void twoProportionZMatchesReference(
      long x1, long n1, long x2, long n2, double z, double pHigher, double pLower) {
    TestResult r = Proportions.twoProportionZ(x1, n1, x2, n2);

    assertThat(r.test()).isEqualTo(TestResult.TWO_PROPORTION_Z);
    assertThat(r.statistic()).isCloseTo(z, within(1e-12));
    assertThat(r.pHigher()).isCloseTo(pHigher, within(pHigher * 2e-7));
    assertThat(r.pLower()).isCloseTo(pLower, within(pLower * 2e-7));
  }

  @ParameterizedTest(
      name = "Fisher [[{0}, {1}-{0}], [{2}, {3}-{2}]]: P(higher) = {4}, P(lower) = {5}")
  @CsvSource({
    "3, 4, 1, 4, 0.24285714285714283, 0.9857142857142858",
    "3, 100, 0, 100, 0.12311557788944724, 1.0",
    "5, 100, 0, 100, 0.029691605234293292, 1.0",
    "1, 10, 11, 14, 0.9999663480953022, 0.0013797280926100418",
    "8, 10, 1, 6, 0.024475524475524483, 0.9991258741258742"
  })
  void fisherExactMatchesReference(
      long x1, long n1, long x2, long n2, double pHigher, double pLower) {
    TestResult r = Proportions.fisherExact(x1, n1, x2, n2);

    assertThat(r.test()).isEqualTo(TestResult.FISHER_EXACT);
    assertThat(r.statistic()).isEqualTo(x1);
    assertThat(r.pHigher()).isCloseTo(pHigher, within(1e-10));
    assertThat(r.pLower()).isCloseTo(pLower, within(1e-10));
  }

  @Test
  @DisplayName("small expected counts choose Fisher's exact test, large ones the z-test")
  void exactTestForSmallCounts() {
    assertThat(Proportions.compare(3, 100, 0, 100).test()).isEqualTo(TestResult.FISHER_EXACT);
    assertThat(Proportions.compare(2, 100_000, 1, 100_000).test())
        .as("few errors among many requests")
        .isEqualTo(TestResult.FISHER_EXACT);
    assertThat(Proportions.compare(31, 1000, 10, 1000).test())
        .isEqualTo(TestResult.TWO_PROPORTION_Z);
  }

  @Test
  @DisplayName("Fisher's test stays finite and correct with hundreds of thousands of requests")
  void fisherWithLargeMargins() {
    TestResult r = Proportions.fisherExact(2, 100_000, 1, 100_000);

    // SciPy: fisher_exact([[2, 99998], [1, 99999]], alternative='greater' | 'less').
    assertThat(r.pHigher()).isCloseTo(0.5000000000063223, within(1e-8));
    assertThat(r.pLower()).isCloseTo(0.875001875007558, within(1e-8));
  }

  @Test
  @DisplayName("two identical error-free samples have no variance: nothing is significant")
  void noVariance() {
    TestResult r = Proportions.twoProportionZ(0, 500, 0, 500);

    assertThat(r.pHigher()).isEqualTo(1);
    assertThat(r.pLower()).isEqualTo(1);
  }

  @ParameterizedTest(
      name = "{0}/{1} vs {2}/{3}, H0 canary <= {4} x baseline: z = {5}, P(higher) = {6}")
  @CsvSource({
    "10, 1000, 0, 1000, 1.1, 3.022319676353038, 0.0012542274321541388",
    "200, 10000, 150, 10000, 1.1, 1.7994732731628436, 0.03597192399802926",
    "31, 1000, 10, 1000, 1.5, 2.0593040412654164, 0.01973256079643457",
    "120, 8000, 100, 8000, 1.1, 0.647270464564571, 0.25872845670782474"
  })
  void ratioNullMatchesReference(
      long x1, long n1, long x2, long n2, double ratio, double z, double pHigher) {
    TestResult r = Proportions.ratioZ(x1, n1, x2, n2, ratio, Dispersion.NONE);

    assertThat(r.test()).isEqualTo(TestResult.TWO_PROPORTION_Z);
    assertThat(r.statistic()).isCloseTo(z, within(1e-9));
    assertThat(r.pHigher()).isCloseTo(pHigher, within(pHigher * 2e-6));
    assertThat(r.pLower())
        .as("the lower side tests equality: is the canary better at all")
        .isCloseTo(Proportions.twoProportionZ(x1, n1, x2, n2).pLower(), within(1e-12));
  }

  @Test
  @DisplayName(
      "the tolerance sits in the null hypothesis: a 10% higher rate is not evidence against H0")
  void toleranceIsPartOfTheNull() {
    TestResult equality = Proportions.twoProportionZ(1100, 100_000, 1000, 100_000);
    TestResult tolerant = Proportions.ratioZ(1100, 100_000, 1000, 100_000, 1.1, Dispersion.NONE);

    assertThat(equality.pHigher())
        .as("pooled z of equality: 1.1% vs 1.0% over 100 000 requests")
        .isLessThan(0.02);
    assertThat(tolerant.statistic()).isCloseTo(0, within(1e-9));
    assertThat(tolerant.pHigher()).isCloseTo(0.5, within(1e-7));
  }

  @Test
  @DisplayName(
      "an estimated dispersion divides z by √φ and refers it to Student's t on the dispersion's df")
  void dispersionInflatesTheVariance() {
    Dispersion phi2 = new Dispersion(36, 18);
    TestResult r = Proportions.ratioZ(200, 10000, 150, 10000, 1, phi2);

    assertThat(phi2.phi()).isEqualTo(2.0);
    assertThat(r.test()).isEqualTo(TestResult.QUASI_BINOMIAL_T);
    assertThat(r.statistic()).isCloseTo(2.6963092563653506 / Math.sqrt(2), within(1e-12));
    // scipy.stats.t.sf(2.6963092563653506 / sqrt(2), 18)
    assertThat(r.pHigher()).isCloseTo(0.036333782781380115, within(1e-9));
    assertThat(Proportions.ratioZ(200, 10000, 150, 10000, 1, new Dispersion(9, 18)).test())
        .as("less scatter than a binomial is floored at φ = 1: the plain z-test")
        .isEqualTo(TestResult.TWO_PROPORTION_Z);
  }

  @Test
  @DisplayName(
      "Pearson's dispersion: χ² of each window around its track's rate, windows less one as df")
  void pearsonDispersion() {
    Dispersion d =
        Dispersion.pearson(new long[] {100, 200, 150, 50, 0}, new long[] {1, 6, 2, 0, 0});

    assertThat(d.chiSquare()).isCloseTo(3.0927057403635816, within(1e-12));
    assertThat(d.df()).as("the window without requests says nothing").isEqualTo(3);
    assertThat(d.phi()).isCloseTo(1.0309019134545272, within(1e-12));
    assertThat(Dispersion.pearson(new long[] {100, 100}, new long[] {0, 0}))
        .isEqualTo(Dispersion.NONE);
    assertThat(
            Dispersion.pearson(new long[] {1000, 1000}, new long[] {3, 27})
                .plus(Dispersion.pearson(new long[] {1000, 1000}, new long[] {1, 17}))
                .df())
        .isEqualTo(2);
    assertThat(
            Dispersion.pearson(
                new long[] {100, 200, 150, 50, 0, 400, 9}, new long[] {1, 6, 2, 0, 0, 300, 9}, 5))
        .as("only the first windows count")
        .isEqualTo(d);
  }

  @ParameterizedTest(
      name = "noncentral Fisher [[{0}, {1}-{0}], [{2}, {3}-{2}]], odds ratio {4}: P(higher) = {5}")
  @CsvSource({
    "5, 100, 0, 100, 1.1, 0.03747141534850984",
    "3, 200, 1, 200, 1.5, 0.47353185382901564",
    "8, 10, 1, 6, 2.0, 0.10375670840787121"
  })
  void noncentralFisherMatchesReference(
      long x1, long n1, long x2, long n2, double omega, double pHigher) {
    TestResult r = Proportions.fisherExact(x1, n1, x2, n2, omega);

    assertThat(r.pHigher()).isCloseTo(pHigher, within(1e-10));
    assertThat(r.pLower())
        .isCloseTo(Proportions.fisherExact(x1, n1, x2, n2).pLower(), within(1e-12));
  }

  @Test
  void countsAreValidated() {
    assertThatThrownBy(() -> Proportions.compare(5, 4, 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Proportions.compare(0, 0, 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName(
      "a dispersion's 90% upper bound divides χ² by the 10% quantile of χ² on its df (Wilson-Hilferty), never below the point estimate")
  void dispersionUpperBound() {
    Dispersion nine = new Dispersion(18, 9);
    // χ²(9) at 0.10 is 4.168 (tables); Wilson-Hilferty gives 4.161: φ = 18 / 4.161 = 4.33.
    assertThat(nine.upperBound(0.90).phi()).isCloseTo(18 / 4.168, within(0.01));
    assertThat(nine.upperBound(0.90).df()).isEqualTo(9);
    assertThat(nine.upperBound(0.90).phi()).isGreaterThan(nine.phi());
    assertThat(Dispersion.NONE.upperBound(0.90)).isEqualTo(Dispersion.NONE);
  }
}
