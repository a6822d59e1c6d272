package dev.aegis.orchestrator.chaos;

import dev.aegis.chaos.FaultParameters;
import dev.aegis.chaos.Revert;
import dev.aegis.orchestrator.persistence.ChaosInjectionRepository.Row;
import java.time.Instant;
import java.util.List;

/** A fault as the API shows it: what, where, how, until when, and how it ended. */
public record FaultView(
    String faultId,
    String state,
    String kind,
    FaultRequest.Target target,
    String experimentId,
    boolean production,
    String mechanism,
    String duration,
    FaultParameters parameters,
    String summary,
    List<String> affectedPods,
    List<Revert> undo,
    String requestedBy,
    String reason,
    Instant startedAt,
    Instant expiresAt,
    Instant endedAt,
    String endedBy,
    String endReason,
    int revertAttempts,
    Instant nextRevertAt,
    String lastError) {

  static FaultView of(Row r) {
    return new FaultView(
        r.faultId(),
        r.state().name(),
        r.kind(),
        new FaultRequest.Target(r.namespace(), r.service(), r.track()),
        r.experimentId(),
        r.production(),
        r.mechanism(),
        r.spec().duration().toString(),
        r.spec().parameters(),
        r.summary(),
        r.affectedPods(),
        r.reverts(),
        r.requestedBy(),
        r.reason(),
        r.startedAt(),
        r.expiresAt(),
        r.endedAt(),
        r.endedBy(),
        r.endReason(),
        r.revertAttempts(),
        r.state().isLive() ? r.nextRevertAt() : null,
        r.lastError());
  }
}
