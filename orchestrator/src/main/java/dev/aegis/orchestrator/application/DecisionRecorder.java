package dev.aegis.orchestrator.application;

import dev.aegis.events.EventJson;
import dev.aegis.events.EventType;
import dev.aegis.events.data.LifecycleTransitioned;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.StepEvidence;
import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.lifecycle.Decision;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.lifecycle.Transition;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.persistence.ChaosRepository;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.HealthWindowRepository;
import dev.aegis.orchestrator.persistence.OutboxMessage;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.rca.RcaBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what the core decided, inside the caller's transaction: the experiment's new state (once
 * per chain of decisions, with an optimistic version check), every transition, a {@code
 * lifecycle.transitioned} event per transition and every command into the outbox, the new
 * production version on promotion, and the RCA record (plus its event) on quarantine.
 */
final class DecisionRecorder {

  private static final Logger log = LoggerFactory.getLogger(DecisionRecorder.class);

  /** One decision and what caused it (an event's source/id or a request). */
  record Caused(Decision decision, String causedBy) {}

  private final LifecycleCore core;
  private final ExperimentRepository experiments;
  private final TransitionRepository transitions;
  private final OutboxRepository outbox;
  private final HealthWindowRepository health;
  private final ChaosRepository chaos;
  private final RcaRepository rcas;
  private final EventOutbox events;

  DecisionRecorder(
      LifecycleCore core,
      ExperimentRepository experiments,
      TransitionRepository transitions,
      OutboxRepository outbox,
      HealthWindowRepository health,
      ChaosRepository chaos,
      RcaRepository rcas,
      EventOutbox events) {
    this.core = core;
    this.experiments = experiments;
    this.transitions = transitions;
    this.outbox = outbox;
    this.health = health;
    this.chaos = chaos;
    this.rcas = rcas;
    this.events = events;
  }

  /**
   * Writes a chain of non-refused decisions on one experiment, each {@code before} being the
   * previous {@code after}. Writes nothing when no decision changed anything.
   *
   * @throws dev.aegis.orchestrator.persistence.StaleStateException if the experiment moved
   *     meanwhile
   */
  void record(Tx h, List<Caused> chain, Instant now) {
    recordAll(h, List.of(chain), now);
  }

  /**
   * {@link #record} for the chains of several experiments: every experiment's state in one
   * statement, then each decision's effects in order.
   */
  void recordAll(Tx h, Collection<List<Caused>> chains, Instant now) {
    List<List<Caused>> changedChains = new ArrayList<>(chains.size());
    List<ExperimentRepository.Change> states = new ArrayList<>(chains.size());
    // Loops, not streams: this runs for every experiment of every batch, which at 10 000
    // experiments is nearly every window.
    for (List<Caused> chain : chains) {
      List<Caused> changed = new ArrayList<>(chain.size());
      // The samples after each decision: what lets a window that merged samples be appended.
      List<StepEvidence> path = new ArrayList<>(chain.size());
      for (Caused c : chain) {
        if (c.decision().changed()) {
          changed.add(c);
          path.add(c.decision().after().progress().samples());
        }
      }
      if (changed.isEmpty()) {
        continue;
      }
      Experiment first = changed.get(0).decision().before();
      // Not explained here: the repository writes the text only of a judgment it stores.
      Experiment last = changed.get(changed.size() - 1).decision().after();
      states.add(new ExperimentRepository.Change(first.revision(), last, first, path));
      changedChains.add(changed);
    }
    experiments.updateAll(h, states, now);
    for (List<Caused> changed : changedChains) {
      for (Caused caused : changed) {
        recordEffects(h, caused, now);
      }
    }
  }

  /**
   * Starts the oldest QUEUED experiment of {@code service} in {@code namespace} if there is one;
   * call after a decision freed the service and was recorded.
   */
  Optional<Experiment> startNextQueued(
      Tx h, String namespace, String service, String causedBy, Instant now) {
    Optional<ExperimentRecord> queued = experiments.oldestQueuedForUpdate(h, namespace, service);
    if (queued.isEmpty()) {
      return Optional.empty();
    }
    Decision d = core.decide(queued.get().experiment(), new LifecycleInput.Dequeue(), now);
    record(h, List.of(new Caused(d, causedBy)), now);
    log.info("experiment {} dequeued for service {}/{}", d.after().id(), namespace, service);
    return Optional.of(d.after());
  }

  private void recordEffects(Tx h, Caused caused, Instant now) {
    Decision d = caused.decision();
    Experiment e = d.after();
    List<Long> ids = transitions.append(h, e.id(), d.transitions(), caused.causedBy());
    for (int i = 0; i < ids.size(); i++) {
      publishTransition(h, e, d.transitions().get(i), ids.get(i), now);
    }
    for (Command command : d.commands()) {
      outbox.add(h, new OutboxMessage.Actuation(command), now);
    }
    if (e.phase() == Phase.PROMOTED && d.before().phase() != Phase.PROMOTED) {
      experiments.promote(h, e.namespace(), e.service(), e.candidate().version(), now);
    }
    if (d.quarantineEvidence() != null) {
      recordRca(h, e, d.quarantineEvidence(), now);
    }
    for (Transition t : d.transitions()) {
      log.info(
          "experiment {} ({}) {} -> {}: {}", e.id(), e.service(), t.from(), t.to(), t.reason());
    }
  }

  private void publishTransition(Tx h, Experiment e, Transition t, long rowId, Instant now) {
    @SuppressWarnings("unchecked")
    Map<String, Object> evidence =
        t.evidence() == null ? null : StateJson.mapper().convertValue(t.evidence(), Map.class);
    LifecycleTransitioned data =
        new LifecycleTransitioned(
            e.id(),
            e.service(),
            t.from() == null ? null : t.from().name(),
            t.to().name(),
            t.reason(),
            t.actor(),
            t.at(),
            t.step(),
            t.weight(),
            evidence,
            e.namespace());
    events.enqueue(
        h,
        EventType.LIFECYCLE_TRANSITIONED,
        e.id() + "/transition/" + rowId,
        e.id(),
        data,
        t.at(),
        now);
  }

  private void recordRca(Tx h, Experiment e, Judgment failed, Instant now) {
    var windows = health.ofStep(h, e.id(), failed.step());
    var progress = failed.progress();
    Instant from =
        progress.firstWindowStart() == null ? e.submittedAt() : progress.firstWindowStart();
    Instant to = progress.coveredUntil() == null ? now : progress.coveredUntil();
    var faults = chaos.activeBetween(h, e.namespace(), e.service(), from, to);
    var timeline =
        transitions.history(h, e.id()).stream()
            .map(TransitionRepository.StoredTransition::transition)
            .toList();
    RcaRecorded rca = RcaBuilder.build(e, failed, windows, faults, timeline, now);
    rcas.insert(
        h,
        e.id(),
        e.id(),
        e.service(),
        e.candidate().version(),
        e.candidate().image(),
        new String(EventJson.toJson(rca), StandardCharsets.UTF_8),
        now);
    events.enqueue(h, EventType.RCA_RECORDED, e.id() + "/rca", e.id(), rca, now, now);
  }
}
