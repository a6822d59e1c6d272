package dev.aegis.orchestrator.safety;

import java.util.ArrayList;
import java.util.List;

/**
 * Aegis refused to start: {@link #refusals()} lists every problem, the message says each one's fix.
 */
public final class UnsafeStartException extends RuntimeException {

  private final transient List<String> triggers;
  private final transient List<Refusal> refusals;

  UnsafeStartException(List<String> triggers, List<Refusal> refusals) {
    super(headline(triggers) + System.lineSeparator() + problems(refusals));
    this.triggers = List.copyOf(triggers);
    this.refusals = List.copyOf(refusals);
  }

  /** Why the checks applied. */
  public List<String> triggers() {
    return triggers;
  }

  /** Every problem found, in the order of the checks. */
  public List<Refusal> refusals() {
    return refusals;
  }

  /** What to do, as a whole; each problem's own fix is in the message. */
  String action() {
    String development =
        triggers.size() == 1 && triggers.get(0).startsWith("external servers")
            ? " A development setup on external servers may instead say so with aegis.security.development=true."
            : "";
    return "Fix every problem listed, then start again; docs/production.md has the production checklist and"
        + " each refusal's fix."
        + development;
  }

  static String headline(List<String> triggers) {
    return "Aegis refuses to start, because "
        + String.join(" and ", triggers)
        + ", and this start is not safe"
        + " for production:";
  }

  static String problems(List<Refusal> refusals) {
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < refusals.size(); i++) {
      Refusal refusal = refusals.get(i);
      entries.add(String.format("  %d. %s%n     Fix: %s", i + 1, refusal.problem(), refusal.fix()));
    }
    return String.join(System.lineSeparator(), entries);
  }
}
