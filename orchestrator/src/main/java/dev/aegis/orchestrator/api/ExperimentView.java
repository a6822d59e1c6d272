package dev.aegis.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.lifecycle.Candidate;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import java.time.Instant;
import java.util.List;

/**
 * An experiment as the API shows it: where it is (phase, step, weight), why (latest judgment with
 * its checks and evidence), how it got there (history) and what Aegis asked the cluster to do
 * (commands).
 */
public record ExperimentView(
    String id,
    String service,
    String namespace,
    Candidate candidate,
    String productionVersion,
    String phase,
    int step,
    int steps,
    int weight,
    boolean silent,
    Policy policy,
    StepProgress stepProgress,
    Judgment latestJudgment,
    String submittedBy,
    String origin,
    Instant submittedAt,
    Instant updatedAt,
    List<HistoryEntry> history,
    List<CommandEntry> commands,
    String router,
    ActuationStatus actuation) {

  /**
   * Where the experiment's effects on the cluster stand: {@code pending} is "actuation pending"
   * (commands wait in the outbox, e.g. while the API is down or the breaker is open); {@code alarm}
   * means a rollback keeps failing and a human must look.
   */
  public record ActuationStatus(
      boolean pending,
      int pendingCommands,
      String awaiting,
      int failures,
      String problem,
      boolean alarm) {}

  public record HistoryEntry(
      long id,
      String from,
      String to,
      String trigger,
      int step,
      int weight,
      String reason,
      String actor,
      Instant at,
      String causedBy,
      Judgment evidence) {}

  /** A command in the outbox: PENDING means "actuation pending". */
  public record CommandEntry(
      String id,
      String type,
      String status,
      int attempts,
      String lastError,
      Instant createdAt,
      JsonNode command) {}

  /** A one-line form for lists. */
  public record Summary(
      String id,
      String service,
      String namespace,
      String candidateVersion,
      String phase,
      int step,
      int weight,
      String verdict,
      Instant submittedAt,
      Instant updatedAt) {
    static Summary of(ExperimentRecord r) {
      Experiment e = r.experiment();
      return new Summary(
          e.id(),
          e.service(),
          e.namespace(),
          e.candidate().version(),
          e.phase().name(),
          e.stepIndex() + 1,
          e.currentWeight(),
          e.lastJudgment() == null ? null : e.lastJudgment().verdict().name(),
          e.submittedAt(),
          r.updatedAt());
    }
  }

  static ExperimentView of(
      ExperimentRecord r,
      List<TransitionRepository.StoredTransition> history,
      List<OutboxRepository.Entry> commands) {
    Experiment e = r.experiment();
    return new ExperimentView(
        e.id(),
        e.service(),
        e.namespace(),
        e.candidate(),
        e.productionVersion(),
        e.phase().name(),
        e.stepIndex() + 1,
        e.policy().steps().size(),
        e.currentWeight(),
        e.silent(),
        e.policy(),
        e.progress(),
        e.lastJudgment(),
        r.submittedBy(),
        r.origin(),
        e.submittedAt(),
        r.updatedAt(),
        history.stream()
            .map(
                s ->
                    new HistoryEntry(
                        s.id(),
                        s.transition().from() == null ? null : s.transition().from().name(),
                        s.transition().to().name(),
                        s.transition().trigger().name(),
                        s.transition().step(),
                        s.transition().weight(),
                        s.transition().reason(),
                        s.transition().actor(),
                        s.transition().at(),
                        s.causedBy(),
                        s.transition().evidence()))
            .toList(),
        commands.stream()
            .map(
                c ->
                    new CommandEntry(
                        c.id(),
                        c.type(),
                        c.status(),
                        c.attempts(),
                        c.lastError(),
                        c.createdAt(),
                        StateJson.read(c.payload(), JsonNode.class)))
            .toList(),
        r.router() == null ? "auto" : r.router(),
        actuation(e, commands));
  }

  private static ActuationStatus actuation(Experiment e, List<OutboxRepository.Entry> commands) {
    int pending = (int) commands.stream().filter(c -> "PENDING".equals(c.status())).count();
    var a = e.actuation();
    return new ActuationStatus(
        pending > 0, pending, a.awaiting(), a.failures(), a.problem(), a.alarm());
  }
}
