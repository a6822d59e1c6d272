package dev.aegis.events.data;

import java.time.Duration;
import java.time.Instant;

/**
 * Data of {@code dev.aegis.slo.burnrate.alerted.v1}: a multi-window burn-rate alert on one track of
 * a service started firing or resolved (Google SRE workbook, "Alerting on SLOs"). The burn rate
 * over a window is its error ratio divided by the error budget {@code 1 − objective}; the alert
 * fires when both windows burn faster than {@code factor} and resolves when one of them no longer
 * does.
 *
 * @param service DNS-1123 label of the service (also the Kafka key)
 * @param track the track whose health windows burned the budget
 * @param version optional version of the track's newest window
 * @param rule kebab-case name of the rule, e.g. {@code page-1h-5m}
 * @param severity {@code page} or {@code ticket}
 * @param state {@code firing} or {@code resolved}
 * @param longWindow the rule's long window, e.g. {@code PT1H}
 * @param shortWindow the rule's short window, shorter than {@code longWindow}, e.g. {@code PT5M}
 * @param factor the burn-rate threshold both windows exceeded, {@code > 0}
 * @param burnRateLong burn rate over the long window at {@code at}, {@code >= 0}
 * @param burnRateShort burn rate over the short window at {@code at}, {@code >= 0}
 * @param objective the availability objective, {@code 0 < objective < 1}, e.g. {@code 0.999}
 * @param firedAt when the alert fired; pairs a resolution with its firing
 * @param at event time of this change: {@code firedAt} when firing, later when resolved
 * @param namespace optional Kubernetes namespace of the service
 */
public record SloBurnRateAlerted(
    String service,
    Track track,
    String version,
    String rule,
    String severity,
    String state,
    Duration longWindow,
    Duration shortWindow,
    double factor,
    double burnRateLong,
    double burnRateShort,
    double objective,
    Instant firedAt,
    Instant at,
    String namespace) {

  /** As before namespaces were carried: {@code namespace} absent. */
  public SloBurnRateAlerted(
      String service,
      Track track,
      String version,
      String rule,
      String severity,
      String state,
      Duration longWindow,
      Duration shortWindow,
      double factor,
      double burnRateLong,
      double burnRateShort,
      double objective,
      Instant firedAt,
      Instant at) {
    this(
        service,
        track,
        version,
        rule,
        severity,
        state,
        longWindow,
        shortWindow,
        factor,
        burnRateLong,
        burnRateShort,
        objective,
        firedAt,
        at,
        null);
  }
}
