package dev.aegis.orchestrator.production.slo;

import java.util.Locale;

/**
 * Who an alert is for: a human now ({@link #PAGE}) or a queue worked in business hours ({@link
 * #TICKET}).
 */
public enum Severity {
  /** Fast, significant budget burn: wake someone, or let the orchestrator remediate. */
  PAGE,
  /** Slow burn that would exhaust the budget within the SLO period if left alone. */
  TICKET;

  /** The lowercase name used in rule names and on the wire ({@code page}, {@code ticket}). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether an alert of this severity may trigger automatic remediation by default. */
  public boolean isUrgent() {
    return this == PAGE;
  }
}
