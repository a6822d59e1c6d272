package dev.aegis.orchestrator.production.slo;

import java.util.Locale;

/** The two edges of an alert: it starts {@link #FIRING} and later becomes {@link #RESOLVED}. */
public enum AlertState {
  /** Both windows of the rule burn faster than its factor. */
  FIRING,
  /** A window of the rule, fired earlier, no longer burns faster than its factor. */
  RESOLVED;

  /** The lowercase name used on the wire ({@code firing}, {@code resolved}). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
