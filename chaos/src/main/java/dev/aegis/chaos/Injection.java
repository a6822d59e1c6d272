package dev.aegis.chaos;

import java.time.Instant;
import java.util.List;

/**
 * A fault on the cluster: what was asked, how it was done, until when, and how to undo it.
 *
 * @param faultId the fault's id, also the {@code faultId} of its chaos events
 * @param summary one line for people: what was done to which objects
 * @param affectedPods pod-kill: the pods deleted; empty for other kinds
 */
public record Injection(
    String faultId,
    FaultSpec spec,
    Mechanism mechanism,
    Instant startedAt,
    Instant expiresAt,
    List<Revert> reverts,
    List<String> affectedPods,
    String summary) {

  public Injection {
    reverts = List.copyOf(reverts);
    affectedPods = List.copyOf(affectedPods);
  }
}
