package dev.aegis.operators.actuation;

import java.util.Locale;

/** What is left of a quarantined (V3) candidate's workload. */
public enum QuarantineShape {
  /** The canary Deployment is scaled to 0 replicas. */
  SCALE_TO_ZERO,
  /** One replica is kept for forensics, without traffic, isolated by a NetworkPolicy. */
  KEEP_ISOLATED;

  public static QuarantineShape parse(String value) {
    if (value == null || value.isBlank()) {
      return SCALE_TO_ZERO;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "scale-to-zero" -> SCALE_TO_ZERO;
      case "keep-isolated" -> KEEP_ISOLATED;
      default ->
          throw new IllegalArgumentException(
              "unknown quarantine shape '" + value + "'; expected scale-to-zero or keep-isolated");
    };
  }
}
