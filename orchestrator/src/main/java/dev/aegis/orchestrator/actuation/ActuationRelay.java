package dev.aegis.orchestrator.actuation;

import dev.aegis.operators.actuation.ActuationResult;
import dev.aegis.operators.actuation.Actuator;
import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.LifecycleInput.ActuationOutcome;
import dev.aegis.orchestrator.observability.LogIdentity;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository.Entry;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the outbox's actuation commands through the {@link Actuator} port and feeds each
 * result back into the lifecycle core as an {@link LifecycleInput.ActuationReport}.
 *
 * <p>A command is leased in a short transaction ({@code FOR UPDATE SKIP LOCKED}, then a lease
 * time), carried out with no transaction open, and its result recorded in a second transaction
 * together with the core's decision on it. Several relay threads or replicas never carry out one
 * command at the same time; one that dies mid-call leaves the command to be retried after the
 * lease, and the command id recorded on the cluster objects makes that retry change nothing twice.
 *
 * <p>Outcomes: applied → DONE; deferred (API down, breaker open) → stays PENDING with exponential
 * backoff, the experiment shows "actuation pending"; rejected → BLOCKED with its reason, except a
 * rollback, which is never given up: it stays pending, and the core raises the alarm on it.
 */
public class ActuationRelay {

  private static final Logger log = LoggerFactory.getLogger(ActuationRelay.class);

  private final Transactions transactions;
  private final OutboxRepository outbox;
  private final ExperimentRepository experiments;
  private final AuditRepository audit;
  private final LifecycleService lifecycle;
  private final Actuator actuator;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final Settings settings;

  /**
   * @param lease how long a claimed command is kept from other relays; longer than the actuator's
   *     worst case (all retries with their backoff)
   * @param retryBackoff first delay before a deferred command is tried again; doubles up to {@code
   *     maxBackoff}
   */
  public record Settings(
      int batchSize, Duration lease, Duration retryBackoff, Duration maxBackoff) {}

  public ActuationRelay(
      Transactions transactions,
      OutboxRepository outbox,
      ExperimentRepository experiments,
      AuditRepository audit,
      LifecycleService lifecycle,
      Actuator actuator,
      MeterRegistry metrics,
      Clock clock,
      Settings settings) {
    this.transactions = transactions;
    this.outbox = outbox;
    this.experiments = experiments;
    this.audit = audit;
    this.lifecycle = lifecycle;
    this.actuator = actuator;
    this.metrics = metrics;
    this.clock = clock;
    this.settings = settings;
  }

  /** Carries out every due command, batch by batch; returns how many were attempted. */
  public int drain() {
    int total = 0;
    List<Entry> leased;
    do {
      Instant now = clock.instant();
      // PostgreSQL keeps microseconds: the lease must compare equal when read back.
      Instant leaseUntil = now.plus(settings.lease()).truncatedTo(ChronoUnit.MICROS);
      leased =
          transactions.inTransaction(
              h -> outbox.leaseDueActuations(h, now, leaseUntil, settings.batchSize()));
      for (Entry entry : leased) {
        carryOut(entry, leaseUntil);
      }
      total += leased.size();
    } while (!leased.isEmpty());
    return total;
  }

  private void carryOut(Entry entry, Instant leaseUntil) {
    try (LogIdentity ignored = LogIdentity.of(null, entry.experimentId(), entry.id(), null)) {
      carryOutIdentified(entry, leaseUntil);
    }
  }

  private void carryOutIdentified(Entry entry, Instant leaseUntil) {
    Command command;
    ExperimentRecord experiment;
    try {
      command = CommandMapper.read(entry.type(), entry.payload());
      experiment =
          command instanceof Command.ForExperiment
              ? transactions
                  .withHandle(h -> experiments.find(h, entry.experimentId()))
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "experiment " + entry.experimentId() + " does not exist"))
              : null;
    } catch (RuntimeException e) {
      rejectUnreadable(entry, e);
      return;
    }
    ActuationResult result = actuator.apply(CommandMapper.toCluster(command, experiment));
    boolean recorded =
        transactions.inTransaction(
            h -> {
              Instant now = clock.instant();
              if (!outbox.holdsLease(h, entry.id(), leaseUntil)) {
                return false;
              }
              // A rollback is never given up: rejected, it stays pending (with backoff) and the
              // core raises the alarm.
              Outcome outcome =
                  settle(h, entry, result, command instanceof Command.RollBackCandidate, now);
              if (command instanceof Command.ForExperiment) {
                lifecycle.apply(
                    h,
                    entry.experimentId(),
                    new LifecycleInput.ActuationReport(
                        command.id(), command.kind().wire(), outcome.outcome(), outcome.detail()),
                    LifecycleService.Cause.actuation(command.id()),
                    now);
              } else if (outcome.outcome() != ActuationOutcome.DEFERRED) {
                // A command on a service's production workload has no experiment to report to: the
                // audit log says how it went.
                audit.record(
                    h,
                    "aegis",
                    "service.actuation",
                    command.service(),
                    Map.of(
                        "command",
                        command.id(),
                        "kind",
                        command.kind().wire(),
                        "outcome",
                        outcome.outcome().name(),
                        "detail",
                        outcome.detail()),
                    now);
              }
              return true;
            });
    count(command.kind().wire(), result, recorded);
  }

  private record Outcome(ActuationOutcome outcome, String detail) {}

  /**
   * Marks the outbox row after a result: DONE, PENDING with backoff, or BLOCKED (unless {@code
   * neverGiveUp}).
   */
  private Outcome settle(
      Tx h, Entry entry, ActuationResult result, boolean neverGiveUp, Instant now) {
    if (result instanceof ActuationResult.Applied applied) {
      outbox.markDone(h, List.of(entry.id()), now);
      return new Outcome(
          ActuationOutcome.APPLIED,
          applied.alreadyApplied() ? "already applied: " + applied.detail() : applied.detail());
    }
    if (result instanceof ActuationResult.Rejected rejected) {
      if (neverGiveUp) {
        outbox.markFailed(
            h, entry.id(), "rejected: " + rejected.reason(), now.plus(backoff(entry.attempts())));
      } else {
        outbox.markRejected(h, entry.id(), rejected.reason(), now);
      }
      return new Outcome(ActuationOutcome.REJECTED, rejected.reason());
    }
    String reason = ((ActuationResult.Deferred) result).reason();
    outbox.markFailed(h, entry.id(), reason, now.plus(backoff(entry.attempts())));
    return new Outcome(ActuationOutcome.DEFERRED, reason);
  }

  private void rejectUnreadable(Entry entry, RuntimeException e) {
    log.error("actuation command {} cannot be read: {}", entry.id(), e.toString());
    transactions.useHandle(
        h ->
            outbox.markRejected(
                h, entry.id(), "unreadable command: " + e.getMessage(), clock.instant()));
  }

  /**
   * Counts a result once it is recorded. A result is not recorded when this relay's lease ran out
   * during the call and another relay took the command over: that relay's result stands, the
   * cluster saw the command id twice and changed nothing the second time.
   */
  private void count(String kind, ActuationResult result, boolean recorded) {
    if (!recorded) {
      log.warn("lease on {} command ran out during the call; another relay carries it out", kind);
      metrics.counter("aegis.actuation.lease.lost").increment();
      return;
    }
    metrics
        .counter(
            "aegis.actuation.results",
            "command",
            kind,
            "outcome",
            result.getClass().getSimpleName().toLowerCase(Locale.ROOT))
        .increment();
  }

  private Duration backoff(int attemptsSoFar) {
    long factor = 1L << Math.min(20, Math.max(0, attemptsSoFar));
    Duration next = settings.retryBackoff().multipliedBy(factor);
    return next.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : next;
  }
}
