package dev.aegis.orchestrator.application;

import java.util.regex.Pattern;

/**
 * Bounds on what people type into Aegis: image references, free-text reasons, and how a bad value
 * is echoed.
 */
public final class Limits {

  public static final int MAX_IMAGE = 512;
  public static final int MAX_REASON = 1024;

  /**
   * An OCI image reference as the distribution spec's grammar gives it: an optional registry
   * host[:port], a path of lowercase components, an optional tag, an optional sha256 digest.
   */
  private static final Pattern IMAGE =
      Pattern.compile(
          "(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*"
              + "(?::[0-9]+)?/)?"
              + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
              + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
              + "(?:@sha256:[a-f0-9]{64})?");

  private Limits() {}

  public static boolean isImageReference(String image) {
    return image != null && image.length() <= MAX_IMAGE && IMAGE.matcher(image).matches();
  }

  /**
   * A free-text reason, checked: at most {@link #MAX_REASON} characters and no control characters
   * but tab and newline. Null stays null.
   *
   * @throws InvalidSubmissionException naming {@code field}
   */
  public static String reason(String reason, String field) {
    if (reason == null) {
      return null;
    }
    if (reason.length() > MAX_REASON) {
      throw new InvalidSubmissionException(
          field,
          field
              + " has "
              + reason.length()
              + " characters; at most "
              + MAX_REASON
              + " are accepted");
    }
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if (Character.isISOControl(c) && c != '\t' && c != '\n') {
        throw new InvalidSubmissionException(
            field,
            field + " contains a control character (U+" + String.format("%04X", (int) c) + ")");
      }
    }
    return reason;
  }

  /** A value to echo in an error: at most 80 characters, control characters escaped. */
  public static String shown(String value) {
    String cut = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    StringBuilder out = new StringBuilder();
    for (char c : cut.toCharArray()) {
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }
}
