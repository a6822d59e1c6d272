package dev.aegis.chaos;

import java.util.List;

/**
 * What undoing an injection did.
 *
 * @param undone steps that removed something
 * @param alreadyGone steps whose object was already gone (deleted by hand, or a revert run twice)
 */
public record RevertOutcome(String faultId, List<String> undone, List<String> alreadyGone) {

  public RevertOutcome {
    undone = List.copyOf(undone);
    alreadyGone = List.copyOf(alreadyGone);
  }
}
