package dev.aegis.orchestrator.production.slo;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One multi-window burn-rate rule (Google SRE workbook, "Alerting on SLOs"): it fires when the burn
 * rate over <em>both</em> the long and the short window exceeds {@code factor}. The long window
 * says the burn is significant (enough budget spent); the short window says it is still happening,
 * so the alert resolves soon after the burn stops instead of an hour later.
 *
 * <p>A factor {@code f} over a long window {@code L} means {@code f × L / P} of the error budget of
 * an SLO period {@code P} was spent in {@code L}; with a 30-day period, 14.4 over 1 h is 2% of the
 * budget, 6 over 6 h is 5%, 3 over 1 d and 1 over 3 d are 10%.
 *
 * @param name kebab-case identity, e.g. {@code page-1h-5m}; part of the alert's event id
 * @param severity who the alert is for
 * @param longWindow the window that shows the burn is significant
 * @param shortWindow the window that shows it is still going on; shorter than {@code longWindow}
 * @param factor burn-rate threshold, {@code > 0}; the alert needs a burn rate strictly above it
 */
public record AlertRule(
    String name, Severity severity, Duration longWindow, Duration shortWindow, double factor) {

  private static final Pattern KEBAB = Pattern.compile("^[a-z0-9]+(-[a-z0-9]+)*$");

  /** Pages on 2% of a 30-day budget spent within an hour. */
  public static final AlertRule PAGE_1H_5M =
      of(Severity.PAGE, Duration.ofHours(1), Duration.ofMinutes(5), 14.4);

  /** Pages on 5% of a 30-day budget spent within six hours. */
  public static final AlertRule PAGE_6H_30M =
      of(Severity.PAGE, Duration.ofHours(6), Duration.ofMinutes(30), 6);

  /** Tickets 10% of a 30-day budget spent within a day. */
  public static final AlertRule TICKET_1D_2H =
      of(Severity.TICKET, Duration.ofDays(1), Duration.ofHours(2), 3);

  /** Tickets 10% of a 30-day budget spent within three days. */
  public static final AlertRule TICKET_3D_6H =
      of(Severity.TICKET, Duration.ofDays(3), Duration.ofHours(6), 1);

  public AlertRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(longWindow, "longWindow");
    Objects.requireNonNull(shortWindow, "shortWindow");
    if (name.length() > 63 || !KEBAB.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "rule name must be kebab-case, at most 63 characters: '" + name + "'");
    }
    if (shortWindow.toMillis() <= 0) {
      throw new IllegalArgumentException("shortWindow must be at least 1 ms, was " + shortWindow);
    }
    if (shortWindow.compareTo(longWindow) >= 0) {
      throw new IllegalArgumentException(
          "shortWindow " + shortWindow + " must be shorter than longWindow " + longWindow);
    }
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be positive and finite, was " + factor);
    }
  }

  /**
   * A rule named {@code <severity>-<long>-<short>}, e.g. {@code page-1h-5m} or {@code
   * ticket-3d-6h}.
   */
  public static AlertRule of(
      Severity severity, Duration longWindow, Duration shortWindow, double factor) {
    return new AlertRule(
        severity.wire() + "-" + label(longWindow) + "-" + label(shortWindow),
        severity,
        longWindow,
        shortWindow,
        factor);
  }

  /**
   * The largest whole unit of {@code window}: {@code 3d}, {@code 6h}, {@code 5m}, {@code 30s},
   * {@code 1500ms}.
   */
  static String label(Duration window) {
    long ms = window.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }
}
