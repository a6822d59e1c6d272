package dev.aegis.orchestrator.notifications;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How urgent a notification is, lowest first; a rule's minimum severity compares on this order. */
public enum Severity {
  /** Good to know: a promotion, a resolved alert, a chaos fault. */
  INFO,
  /** Someone should look soon: a rollback, a pause waiting for a human, a ticket alert. */
  WARNING,
  /** Someone must act now: a quarantine, an actuation alarm, a paging alert. */
  CRITICAL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean atLeast(Severity minimum) {
    return compareTo(minimum) >= 0;
  }

  public static Optional<Severity> parse(String wire) {
    return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
  }
}
