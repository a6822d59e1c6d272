package dev.aegis.orchestrator.judgment;

import java.time.Instant;

/**
 * The statistics behind one comparison check: which windows were compared, the test, its statistic
 * and p-value, and the rule applied, so the classification can be checked by hand.
 *
 * @param test {@code two-proportion-z}, {@code quasi-binomial-t}, {@code fisher-exact}, {@code
 *     mann-whitney-u-exact} or {@code mann-whitney-u-normal}
 * @param against the reference track: {@code baseline} or {@code stable}
 * @param statistic the test's statistic (z; the canary's error count for Fisher; the canary's U)
 * @param pValue the one-sided p-value in the direction the canary leans (higher or lower)
 * @param direction {@code higher} or {@code lower}: which way the canary leans
 * @param alpha significance level of this comparison: {@code 1 - confidence} shared out over the
 *     rollout's steps × comparison metrics
 * @param confidence the policy's confidence
 * @param ratio canary value / baseline value, or null when the baseline value is 0
 * @param tolerance allowed relative increase before a significant difference counts as High (for
 *     the error rate, inside the null hypothesis: H0 is canary ≤ reference × (1 + tolerance))
 * @param canaryWindows canary windows compared
 * @param baselineWindows reference windows compared (those overlapping the canary's span)
 * @param from start of the canary's span (the earliest canary window)
 * @param to end of the canary's span (the latest canary window)
 * @param dispersion error rate only: φ, how much more the windows' error counts scatter than a
 *     binomial (at least 1; the z-test's variance is multiplied by it); null for latency and in
 *     older records
 */
public record Comparison(
    String test,
    String against,
    double statistic,
    double pValue,
    String direction,
    double alpha,
    double confidence,
    Double ratio,
    double tolerance,
    int canaryWindows,
    int baselineWindows,
    Instant from,
    Instant to,
    Double dispersion) {}
