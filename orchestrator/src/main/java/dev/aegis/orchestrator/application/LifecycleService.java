package dev.aegis.orchestrator.application;

import dev.aegis.events.EventType;
import dev.aegis.events.data.ActuationAlarmed;
import dev.aegis.orchestrator.lifecycle.Decision;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.observability.LogIdentity;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ChaosRepository;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.HealthWindowRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.persistence.Tx;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one use case every door of Aegis shares: apply an input to an experiment. In the caller's
 * transaction it locks the experiment, lets the pure core decide, records the decision (state,
 * transitions, events, commands, RCA), audits a human's command, raises the actuation alarm, and
 * starts the next queued experiment when the decision freed the service.
 *
 * <p>Health windows, submissions, human commands, the silence timer, actuation reports and the
 * production guard all come through here; {@link Batch} is the same use case for ingestion's hot
 * path, which locks a batch's experiments up front and writes each experiment once per batch.
 */
public final class LifecycleService {

  private static final Logger log = LoggerFactory.getLogger(LifecycleService.class);

  /** The longest problem text an {@code actuation.alarmed} event carries. */
  private static final int MAX_PROBLEM = 1024;

  /** What caused a decision, as the {@code caused_by} column of its transitions records it. */
  public record Cause(String causedBy) {
    /** A consumed event: its {@code source#id}. */
    public static Cause event(String sourceAndId) {
      return new Cause(sourceAndId);
    }

    /** A request made over the REST API by {@code actor}. */
    public static Cause rest(String actor) {
      return new Cause("rest:" + actor);
    }

    /** A wall-clock timer of Aegis. */
    public static Cause timer(String what) {
      return new Cause("timer:" + what);
    }

    /** The reported result of actuation command {@code commandId}. */
    public static Cause actuation(String commandId) {
      return new Cause("actuation:" + commandId);
    }
  }

  /** How an {@link #apply} ended. */
  public sealed interface Applied permits Applied.NotFound, Applied.Refused, Applied.Done {
    /** No such experiment (or, for the silence timer, one another transaction holds right now). */
    record NotFound(String experimentId) implements Applied {}

    /** The core refused the input; nothing but a refused command's audit entry was written. */
    record Refused(ExperimentRecord experiment, Decision decision) implements Applied {}

    /**
     * The decision was recorded (when it changed anything).
     *
     * @param dequeued the experiment started because this decision freed the service, if any
     */
    record Done(Decision decision, Optional<Experiment> dequeued) implements Applied {}
  }

  private final LifecycleCore core;
  private final DecisionRecorder recorder;
  private final ExperimentRepository experiments;
  private final RcaRepository rcas;
  private final AuditRepository audit;
  private final EventOutbox events;
  private final MeterRegistry metrics;

  public LifecycleService(
      LifecycleCore core,
      ExperimentRepository experiments,
      TransitionRepository transitions,
      OutboxRepository outbox,
      HealthWindowRepository health,
      ChaosRepository chaos,
      RcaRepository rcas,
      AuditRepository audit,
      EventOutbox events,
      MeterRegistry metrics) {
    this.core = core;
    this.recorder =
        new DecisionRecorder(core, experiments, transitions, outbox, health, chaos, rcas, events);
    this.experiments = experiments;
    this.rcas = rcas;
    this.audit = audit;
    this.events = events;
    this.metrics = metrics;
  }

  /**
   * Lock, decide, record, audit, alarm, dequeue: one input to experiment {@code id}, in {@code h}'s
   * transaction.
   */
  public Applied apply(Tx h, String id, LifecycleInput input, Cause cause, Instant now) {
    try (LogIdentity ignored = LogIdentity.of(null, id, null, null)) {
      return lockDecideRecord(h, id, input, cause, now);
    }
  }

  private Applied lockDecideRecord(
      Tx h, String id, LifecycleInput input, Cause cause, Instant now) {
    // The silence timer skips an experiment another transaction holds: that one is hearing from its
    // monitors.
    Optional<ExperimentRecord> locked =
        input instanceof LifecycleInput.CheckSilence
            ? experiments.findForUpdateSkipLocked(h, id)
            : experiments.findForUpdate(h, id);
    if (locked.isEmpty()) {
      return new Applied.NotFound(id);
    }
    Experiment before = locked.get().experiment();
    Decision d = core.decide(before, input, now);
    if (d.isRefused()) {
      if (input instanceof LifecycleInput.Manual manual) {
        auditManual(h, manual, d, now);
      }
      return new Applied.Refused(locked.get(), d);
    }
    recorder.record(h, List.of(new DecisionRecorder.Caused(d, cause.causedBy())), now);
    if (input instanceof LifecycleInput.Manual manual
        && manual.action() == LifecycleInput.ManualAction.RELEASE) {
      rcas.release(h, id, manual.actor(), manual.reason(), now);
    }
    if (input instanceof LifecycleInput.ActuationReport report
        && d.after().actuation().alarm()
        && !d.before().actuation().alarm()) {
      alarm(h, d.after(), report, now);
    }
    Optional<Experiment> dequeued =
        d.freedService()
            ? recorder.startNextQueued(
                h, before.namespace(), before.service(), cause.causedBy(), now)
            : Optional.empty();
    if (input instanceof LifecycleInput.Manual manual) {
      auditManual(h, manual, d, now);
    }
    return new Applied.Done(d, dequeued);
  }

  /** Starts a batch of decisions on experiments the caller has read (see {@link Batch}). */
  public Batch batch(Tx h, Instant now, Runnable beforeWrite) {
    return new Batch(h, now, beforeWrite);
  }

  /**
   * Ingestion's face of {@link #apply}: the caller reads every experiment of a batch up front,
   * without locking them, and each experiment's chain of decisions is written once, at {@link
   * #flush()}, whatever the number of windows, by a statement that checks each row is still at the
   * revision read (a row another writer changed fails the batch with a stale state, and the caller
   * runs it again).
   */
  public final class Batch {
    private final Tx h;
    private final Instant now;
    private final Runnable beforeWrite;
    private final Map<String, List<DecisionRecorder.Caused>> chains = new LinkedHashMap<>();

    private Batch(Tx h, Instant now, Runnable beforeWrite) {
      this.h = h;
      this.now = now;
      this.beforeWrite = beforeWrite;
    }

    /**
     * Decides {@code input} on {@code current} (the latest state this batch holds) and queues it
     * for writing.
     */
    public Decision decide(Experiment current, LifecycleInput input, Cause cause) {
      Decision d = core.decide(current, input, now);
      if (!d.isRefused()) {
        chains
            .computeIfAbsent(current.id(), k -> new ArrayList<>())
            .add(new DecisionRecorder.Caused(d, cause.causedBy()));
      }
      return d;
    }

    /**
     * The service's live experiment after {@code d}: its own new state, or, when {@code d} freed
     * the service, the queued experiment started in its place (null when none waits). Freeing
     * writes the batch so far first.
     */
    public Experiment liveAfter(Decision d, Cause cause) {
      if (!d.freedService()) {
        return d.after();
      }
      flush();
      return recorder
          .startNextQueued(h, d.after().namespace(), d.after().service(), cause.causedBy(), now)
          .orElse(null);
    }

    /**
     * Writes what must precede the decisions (the batch's health windows; an RCA reads them), then
     * every chain.
     */
    public void flush() {
      beforeWrite.run();
      recorder.recordAll(h, chains.values(), now);
      chains.clear();
    }
  }

  private void auditManual(Tx h, LifecycleInput.Manual manual, Decision d, Instant now) {
    String action = "experiment." + manual.action().name().toLowerCase(Locale.ROOT);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("from", d.before().phase().name());
    detail.put("reason", manual.reason() == null ? "" : manual.reason());
    if (d.isRefused()) {
      detail.put("refused", d.refusal().message());
      audit.record(h, manual.actor(), action + ".refused", d.before().id(), detail, now);
    } else {
      detail.put("to", d.after().phase().name());
      audit.record(h, manual.actor(), action, d.before().id(), detail, now);
    }
  }

  private void alarm(Tx h, Experiment e, LifecycleInput.ActuationReport report, Instant now) {
    String problem = e.actuation().problem();
    // Counted once committed, as the audit entry below is.
    h.afterCommit(
        () -> metrics.counter("aegis.actuation.alarms", "service", e.service()).increment());
    audit.record(
        h,
        "aegis",
        "actuation.alarm",
        e.id(),
        Map.of("service", e.service(), "command", report.commandId(), "problem", problem),
        now);
    log.error(
        "ALARM experiment {} ({}): {} keeps failing: {}",
        e.id(),
        e.service(),
        report.commandKind(),
        problem);
    ActuationAlarmed alarm =
        new ActuationAlarmed(
            e.id(),
            e.service(),
            e.namespace(),
            report.commandId(),
            report.commandKind(),
            e.actuation().failures(),
            problem.length() > MAX_PROBLEM ? problem.substring(0, MAX_PROBLEM - 1) + "…" : problem,
            now,
            e.phase().name());
    events.enqueue(
        h,
        EventType.ACTUATION_ALARMED,
        e.id() + "/alarm/" + report.commandId(),
        e.id(),
        alarm,
        now,
        now);
  }
}
