package dev.aegis.orchestrator.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One notification as every channel renders it: what happened, where, why (the verdict's
 * explanation), what to do, a link to the experiment on the dashboard, and the {@code dev.aegis.*}
 * event it came from. Stored as the row's payload, so a retry sends what the first attempt sent.
 *
 * @param id the notification's identity, one per source event ({@code <event id>} or {@code
 *     dlq-growth/<window>}); the idempotency key of a delivery adds the channel
 * @param link the experiment on the dashboard; null without an experiment or a dashboard URL
 * @param checks the failed checks, with observed value, threshold and statistic; empty if none
 * @param action what a human should do, or null when nothing is expected
 * @param event the source CloudEvent, or null for notifications without one (DLQ growth, test)
 */
public record Notification(
    String id,
    String kind,
    String severity,
    String title,
    String text,
    String namespace,
    String service,
    String experimentId,
    String link,
    Instant at,
    List<Fact> facts,
    List<CheckResult> checks,
    String action,
    SourceEvent event) {

  public Notification {
    facts = facts == null ? List.of() : List.copyOf(facts);
    checks = checks == null ? List.of() : List.copyOf(checks);
  }

  /** A labelled value shown with the message, e.g. {@code candidate: v2}. */
  public record Fact(String name, String value) {}

  /**
   * One check behind a verdict.
   *
   * @param comparison the relation that had to hold: {@code observed <comparison> threshold}
   * @param test the statistical test, when there was one; {@code statistic} and {@code pValue} its
   *     results
   */
  public record CheckResult(
      String check,
      Double observed,
      Double threshold,
      String comparison,
      String test,
      Double statistic,
      Double pValue,
      String message) {}

  /** The CloudEvent a notification reports: type, id, time and data, as on Kafka. */
  public record SourceEvent(String type, String id, Instant time, JsonNode data) {}
}
