package dev.aegis.orchestrator.errors;

import java.util.ArrayList;
import java.util.List;

/** Walks of a failure's cause chain, bounded: a chain with a cycle (A → B → A) would never end. */
public final class Causes {

  /** How many throwables of a chain are looked at, the failure itself included. */
  public static final int MAX_DEPTH = 16;

  private Causes() {}

  /** {@code failure} and its causes, outermost first, at most {@link #MAX_DEPTH}. */
  public static List<Throwable> chain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && chain.size() < MAX_DEPTH; t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  /** The last of {@link #chain}: the root cause, or the deepest one looked at. */
  public static Throwable root(Throwable failure) {
    List<Throwable> chain = chain(failure);
    return chain.get(chain.size() - 1);
  }
}
