package dev.aegis.orchestrator.judgment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Fixed-point text for the numbers a judgment's evidence shows, as {@code
 * String.format(Locale.ROOT, "%.Nf", v)} writes them, at a fraction of its cost: the judge writes
 * several on every window.
 */
final class Decimals {

  private Decimals() {}

  /** {@code value} with {@code decimals} digits after the point, rounded half up. */
  static String fixed(double value, int decimals) {
    if (!Double.isFinite(value)) {
      return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
    String text =
        BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    // Formatter keeps the sign of a negative value that rounds to zero ("-0.00").
    boolean negative = value < 0 || (value == 0 && 1 / value < 0);
    return negative && text.charAt(0) != '-' ? "-" + text : text;
  }

  /** A boxed value as {@code String.format} writes it; "null" for null (the format wrote "nu"). */
  static String fixed(Double value, int decimals) {
    return value == null ? "null" : fixed(value.doubleValue(), decimals);
  }
}
