package dev.aegis.events;

import java.util.List;

/**
 * One broken rule at a JSON pointer into the data, and the formatting of a list of them into a
 * rejection detail ({@code <what> at <pointer>: <message>}, then up to {@link #LISTED} in all).
 */
record Violation(String pointer, String message) {

  /** How many violations a detail lists; the rest are counted, so details stay one line. */
  static final int LISTED = 5;

  /** Builds the rejection for {@code violations}, which must not be empty. */
  static Rejection reject(RejectionReason reason, String what, List<Violation> violations) {
    Violation first = violations.get(0);
    StringBuilder detail = new StringBuilder(what).append(" at ").append(first.describe());
    int listed = Math.min(violations.size(), LISTED);
    if (listed > 1) {
      detail.append("; also ");
      for (int i = 1; i < listed; i++) {
        detail.append(i > 1 ? "; " : "").append(violations.get(i).describe());
      }
    }
    if (violations.size() > listed) {
      detail.append(" (and ").append(violations.size() - listed).append(" more)");
    }
    return Rejection.at(reason, detail.toString(), first.pointer());
  }

  private String describe() {
    return (pointer.isEmpty() ? "(root)" : pointer) + ": " + message;
  }

  /** Appends {@code name} to {@code pointer} as one reference token (RFC 6901 escaping). */
  static String child(String pointer, String name) {
    return pointer + "/" + name.replace("~", "~0").replace("/", "~1");
  }

  static String child(String pointer, int index) {
    return pointer + "/" + index;
  }
}
