package dev.aegis.orchestrator.judgment;

import java.util.List;

/**
 * The share of comparison metrics that passed, Kayenta style: {@code 100 × passing / metrics with
 * data}; NoData metrics are left out, so a missing baseline never lowers the score.
 *
 * @param value the score 0..100, or null when no comparison metric had data
 * @param pass at or above it the comparison passes
 * @param marginal below it the step fails; in between it is marginal
 * @param metrics comparison metrics with data
 * @param passing of those, the ones classified PASS or LOW
 * @param noData comparison metrics classified NODATA
 */
public record Score(
    Double value, double pass, double marginal, int metrics, int passing, int noData) {

  static Score of(List<Check> comparisons, Analysis analysis) {
    int withData = 0;
    int passing = 0;
    int noData = 0;
    for (Check c : comparisons) {
      if (!c.classification().hasData()) {
        noData++;
      } else {
        withData++;
        if (c.classification().passes()) {
          passing++;
        }
      }
    }
    Double value = withData == 0 ? null : 100.0 * passing / withData;
    return new Score(
        value, analysis.passScore(), analysis.marginalScore(), withData, passing, noData);
  }

  boolean passes() {
    return value == null || value >= pass;
  }

  boolean fails() {
    return value != null && value < marginal;
  }
}
