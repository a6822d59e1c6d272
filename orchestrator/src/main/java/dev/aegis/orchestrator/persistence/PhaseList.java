package dev.aegis.orchestrator.persistence;

import dev.aegis.orchestrator.lifecycle.Phase;
import java.util.Arrays;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The phases a statement selects, as an SQL list of literals taken from {@link Phase} itself. */
final class PhaseList {

  private PhaseList() {}

  /** {@code 'A', 'B', …} for every phase {@code which} accepts, in declaration order. */
  static String of(Predicate<Phase> which) {
    return Arrays.stream(Phase.values())
        .filter(which)
        .map(p -> "'" + p.name() + "'")
        .collect(Collectors.joining(", "));
  }
}
