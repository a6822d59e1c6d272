package dev.aegis.events.data;

/**
 * One check that failed during canary analysis or production monitoring.
 *
 * @param check name of the check, e.g. {@code error-rate} or {@code p95-latency}
 * @param observed the value observed
 * @param threshold the limit it was compared with
 * @param comparison the relation that had to hold for the check to pass, {@code observed
 *     <comparison> threshold}: one of {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ==},
 *     {@code !=}
 * @param message human-readable explanation
 * @param classification for a judged metric: {@code pass}, {@code high}, {@code low} or {@code
 *     nodata}; optional
 * @param against the reference track of a comparison with the canary's baseline: {@code baseline}
 *     or {@code stable}; optional
 * @param baseline the reference track's value (error rate, or median window p95 in ms); optional
 * @param test the statistical test, e.g. {@code two-proportion-z}, {@code fisher-exact}, {@code
 *     mann-whitney-u-exact}, {@code mann-whitney-u-normal}; optional
 * @param statistic the test's statistic (z, the canary's error count, or U); optional
 * @param pValue the one-sided p-value, 0..1; optional
 * @param confidence the confidence the p-value was held against; optional
 * @param tolerance the allowed relative increase over the baseline; optional
 * @param canaryWindows canary windows compared; optional
 * @param baselineWindows reference windows compared; optional
 */
public record FailedCheck(
    String check,
    double observed,
    double threshold,
    String comparison,
    String message,
    String classification,
    String against,
    Double baseline,
    String test,
    Double statistic,
    Double pValue,
    Double confidence,
    Double tolerance,
    Integer canaryWindows,
    Integer baselineWindows) {

  /** A check against an absolute threshold, without statistics. */
  public FailedCheck(
      String check, double observed, double threshold, String comparison, String message) {
    this(
        check,
        observed,
        threshold,
        comparison,
        message,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
