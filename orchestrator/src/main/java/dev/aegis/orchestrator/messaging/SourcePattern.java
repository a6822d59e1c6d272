package dev.aegis.orchestrator.messaging;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * An exact CloudEvents source (or principal), or a prefix ending in {@code *}; {@code *} alone
 * matches everything.
 */
record SourcePattern(String text) {

  SourcePattern {
    text = text.strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          "an empty source pattern matches nothing; use * for every source");
    }
    if (text.indexOf('*') >= 0 && text.indexOf('*') != text.length() - 1) {
      throw new IllegalArgumentException(
          "source pattern " + text + ": * is allowed only at the end");
    }
  }

  boolean matches(String value) {
    if (value == null) {
      return false;
    }
    return text.endsWith("*")
        ? value.startsWith(text.substring(0, text.length() - 1))
        : value.equals(text);
  }

  /** An exact pattern beats every prefix; a longer prefix beats a shorter one. */
  int specificity() {
    return text.endsWith("*") ? text.length() - 1 : Integer.MAX_VALUE;
  }

  /** The most specific of {@code patterns} that matches {@code value}. */
  static Optional<SourcePattern> mostSpecific(Collection<SourcePattern> patterns, String value) {
    return patterns.stream()
        .filter(p -> p.matches(value))
        .max(Comparator.comparingInt(SourcePattern::specificity));
  }

  @Override
  public String toString() {
    return text;
  }
}
