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

  private static final double[] POWERS = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};

  /**
   * How far from a tie (…5 in the first digit dropped) a scaled value must be for binary arithmetic
   * to round it as the decimal text would: the scaled product is within about 1.2e-7 of the value's
   * shortest decimal text times the power of ten below {@link #FAST_LIMIT}.
   */
  private static final double TIE_MARGIN = 1e-6;

  private static final double FAST_LIMIT = 1e9;

  /** {@code value} with {@code decimals} digits after the point, rounded half up. */
  static String fixed(double value, int decimals) {
    if (!Double.isFinite(value)) {
      return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
    boolean negative = value < 0 || (value == 0 && 1 / value < 0);
    if (decimals >= 0 && decimals < POWERS.length) {
      double scaled = Math.abs(value) * POWERS[decimals];
      double whole = Math.floor(scaled);
      double fraction = scaled - whole;
      if (scaled < FAST_LIMIT && Math.abs(fraction - 0.5) > TIE_MARGIN) {
        return text((long) whole + (fraction > 0.5 ? 1 : 0), decimals, negative);
      }
    }
    String text =
        BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    // Formatter keeps the sign of a negative value that rounds to zero ("-0.00").
    return negative && text.charAt(0) != '-' ? "-" + text : text;
  }

  /** {@code units} of 10^-{@code decimals} as fixed-point text. */
  private static String text(long units, int decimals, boolean negative) {
    String digits = Long.toString(units);
    StringBuilder out = new StringBuilder(digits.length() + decimals + 3);
    if (negative) {
      out.append('-');
    }
    if (decimals == 0) {
      return out.append(digits).toString();
    }
    int point = digits.length() - decimals;
    if (point <= 0) {
      out.append("0.");
      out.append("0".repeat(-point));
      return out.append(digits).toString();
    }
    return out.append(digits, 0, point)
        .append('.')
        .append(digits, point, digits.length())
        .toString();
  }

  /** A boxed value as {@code String.format} writes it; "null" for null (the format wrote "nu"). */
  static String fixed(Double value, int decimals) {
    return value == null ? "null" : fixed(value.doubleValue(), decimals);
  }
}
