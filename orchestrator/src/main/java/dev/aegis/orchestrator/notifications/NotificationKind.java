package dev.aegis.orchestrator.notifications;

import java.util.Arrays;
import java.util.Optional;

/** What a notification is about; routing rules select on these wire names. */
public enum NotificationKind {
  /** A candidate was quarantined into V3: the RCA summary and the checks that failed. */
  QUARANTINED("quarantined"),
  /** Traffic went back to stable: a failed or aborted canary, or production rolled back. */
  ROLLED_BACK("rolled-back"),
  /** A candidate became production (V2). */
  PROMOTED("promoted"),
  /** A canary paused and waits for a human: the reason and what to do. */
  PAUSED("paused"),
  /** A rollback keeps failing on the Kubernetes API. */
  ACTUATION_ALARM("actuation-alarm"),
  /** A burn-rate alert started firing. */
  SLO_ALERT_FIRING("slo-alert-firing"),
  /** A burn-rate alert resolved. */
  SLO_ALERT_RESOLVED("slo-alert-resolved"),
  /** More dead letters than the threshold were recorded within the window. */
  DLQ_GROWTH("dlq-growth"),
  /** A chaos fault was injected. */
  CHAOS_INJECTED("chaos-injected"),
  /** A chaos fault was cleared. */
  CHAOS_CLEARED("chaos-cleared"),
  /** Sent on request to check a channel; never routed. */
  TEST("test");

  private final String wire;

  NotificationKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Whether routing rules may select it ({@link #TEST} goes only where it is asked to). */
  public boolean isRoutable() {
    return this != TEST;
  }

  public static Optional<NotificationKind> parse(String wire) {
    return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
  }
}
