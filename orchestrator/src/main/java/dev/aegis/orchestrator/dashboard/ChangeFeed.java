package dev.aegis.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.orchestrator.dashboard.LiveEvents.AuditEvent;
import dev.aegis.orchestrator.dashboard.LiveEvents.DeadLetterEvent;
import dev.aegis.orchestrator.dashboard.LiveEvents.ExperimentSummary;
import dev.aegis.orchestrator.dashboard.LiveEvents.TransitionEvent;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.DeadLetter;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository.Stamp;
import dev.aegis.orchestrator.persistence.FeedRepository;
import dev.aegis.orchestrator.persistence.FeedRepository.Head;
import dev.aegis.orchestrator.persistence.FeedRepository.Table;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.persistence.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The dashboard's read-only view of what changed: small reads on the caller's {@link Tx}, each
 * bounded by {@code limit}. Nothing here writes.
 */
@Component
class ChangeFeed {

  private static final List<String> LIVE =
      List.of(Phase.SUBMITTED, Phase.QUEUED, Phase.CANARY, Phase.PAUSED, Phase.ROLLING_BACK)
          .stream()
          .map(Phase::name)
          .toList();

  private final ExperimentRepository experiments;
  private final OutboxRepository outbox;
  private final TransitionRepository transitions;
  private final DeadLetterRepository deadLetters;
  private final AuditRepository audit;
  private final FeedRepository tables = new FeedRepository();

  ChangeFeed(
      ExperimentRepository experiments,
      OutboxRepository outbox,
      TransitionRepository transitions,
      DeadLetterRepository deadLetters,
      AuditRepository audit) {
    this.experiments = experiments;
    this.outbox = outbox;
    this.transitions = transitions;
    this.deadLetters = deadLetters;
    this.audit = audit;
  }

  /** Experiments written after {@code since}, oldest write first. */
  List<Stamp> experimentsUpdatedAfter(Tx h, Instant since, int limit) {
    return experiments.updatedAfter(h, since, limit);
  }

  /** The summaries of {@code ids}, in that order; ids that do not exist are left out. */
  List<ExperimentSummary> summaries(Tx h, Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, Integer> pending = outbox.pendingActuationsByExperiment(h, ids);
    List<ExperimentSummary> out = new ArrayList<>();
    for (String id : ids) {
      experiments
          .find(h, id)
          .ifPresent(r -> out.add(ExperimentSummary.of(r, pending.getOrDefault(id, 0))));
    }
    return out;
  }

  /**
   * Every experiment that is not settled, and the {@code recent} most recently submitted others.
   */
  List<ExperimentSummary> snapshot(Tx h, int recent) {
    Map<String, ExperimentRecord> byId = new LinkedHashMap<>();
    experiments
        .list(h, null, LIVE.stream().map(Phase::valueOf).toList(), 1000)
        .forEach(r -> byId.put(r.experiment().id(), r));
    experiments.list(h, null, null, recent).forEach(r -> byId.putIfAbsent(r.experiment().id(), r));
    return summaries(h, byId.keySet());
  }

  Head head(Tx h, Table table, int window) {
    return tables.head(h, table, window);
  }

  List<TransitionEvent> transitionsAfter(Tx h, long after, int limit) {
    return transitions.after(h, after, limit).stream()
        .map(
            t ->
                new TransitionEvent(
                    t.id(),
                    t.experimentId(),
                    t.service(),
                    t.fromPhase(),
                    t.toPhase(),
                    t.trigger(),
                    t.step(),
                    t.weight(),
                    t.reason(),
                    t.actor(),
                    t.at()))
        .toList();
  }

  List<DeadLetterEvent> deadLettersAfter(Tx h, long after, int limit) {
    return deadLetters.recordedAfter(h, after, limit).stream().map(ChangeFeed::deadLetter).toList();
  }

  /** Dead letters replayed after {@code since}, oldest replay first. */
  List<DeadLetterEvent> deadLettersReplayedAfter(Tx h, Instant since, int limit) {
    return deadLetters.replayedAfter(h, since, limit).stream().map(ChangeFeed::deadLetter).toList();
  }

  List<AuditEvent> auditAfter(Tx h, long after, int limit) {
    return audit.after(h, after, limit).stream()
        .map(
            a ->
                new AuditEvent(
                    a.id(),
                    a.at(),
                    a.actor(),
                    a.action(),
                    a.target(),
                    Optional.ofNullable(a.detailJson())
                        .map(d -> StateJson.read(d, JsonNode.class))
                        .orElse(null)))
        .toList();
  }

  private static DeadLetterEvent deadLetter(DeadLetter d) {
    return new DeadLetterEvent(
        d.id(),
        d.originalTopic(),
        d.originalPartition(),
        d.originalOffset(),
        d.reasonCode(),
        d.reason(),
        d.errorClass(),
        d.eventType(),
        d.eventSource(),
        d.eventId(),
        d.firstFailedAt(),
        d.recordedAt(),
        d.replayCount(),
        d.lastReplayedAt(),
        d.lastReplayedBy());
  }
}
