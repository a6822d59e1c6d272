package dev.aegis.orchestrator.reliability;

import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.lifecycle.Transition;
import dev.aegis.orchestrator.lifecycle.TransitionTable;
import dev.aegis.orchestrator.lifecycle.Trigger;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.persistence.TransitionRepository.StoredTransition;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.statemachine.LifecycleStateMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads what an orchestrator left in its database and names every broken invariant:
 *
 * <ul>
 *   <li>each experiment's history is a legal path of the lifecycle, checked against the transition
 *       table the orchestrator itself derives from its state machine ({@link
 *       LifecycleStateMachine}), and ends in the experiment's stored phase;
 *   <li>no transition was recorded twice, and no window was stored twice;
 *   <li>no command was decided twice: each experiment has exactly the commands its transitions call
 *       for (a traffic shift per start and passed step, a promotion, a rollback per failed step, a
 *       quarantine), and none is left pending or blocked;
 *   <li>every produced event was processed (its processed-event marker exists) or is in the
 *       dead-letter table, and every event marked dead-lettered reached the table.
 * </ul>
 */
final class HistoryAudit {

  private static final TransitionRepository TRANSITIONS = new TransitionRepository();

  private final Jdbi jdbi;
  private final TransitionTable table = LifecycleStateMachine.transitionTable();
  private final List<String> violations = new ArrayList<>();
  private final Map<String, Long> counts = new LinkedHashMap<>();

  HistoryAudit(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * The audit of a run once it is over: waits (up to {@code settle} each) for {@code stream}'s
   * experiments to settle and for every produced event and outbox row to be accounted for, then
   * checks the histories, the events, the outcomes and {@code cluster}'s writes (none repeated,
   * none without a command id).
   */
  static HistoryAudit afterStream(
      Jdbi jdbi, EventStream stream, ClusterApi cluster, Duration settle) {
    awaitUntil(settle, stream::allSettled);
    stream.close();
    List<EventStream.Produced> produced = stream.produced();
    HistoryAudit quiet = new HistoryAudit(jdbi);
    awaitUntil(settle, () -> quiet.unaccounted(produced).isEmpty() && quiet.outboxDrained());

    HistoryAudit audit =
        new HistoryAudit(jdbi).histories().events(produced).outcomes(stream.candidates());
    cluster
        .repeatedWrites()
        .forEach((write, n) -> audit.violation("written " + n + " times: " + write));
    cluster.writes().stream()
        .filter(w -> w.commandId() == null)
        .forEach(w -> audit.violation("written without a command id: " + w));
    return audit;
  }

  /**
   * Waits until {@code done} holds or {@code timeout} passes; the audit then says what is missing.
   */
  static void awaitUntil(Duration timeout, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        System.out.println("gave up waiting after " + timeout + "; the audit says what is missing");
        return;
      }
      OrchestratorProcess.sleep(250);
    }
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  /** What was checked, by name: transitions, actuations, events processed, dead-lettered... */
  Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  void violation(String text) {
    violations.add(text);
  }

  /** Every experiment's history and commands. */
  HistoryAudit histories() {
    jdbi.useHandle(
        h -> {
          List<Map<String, Object>> experiments =
              h.createQuery("SELECT id, phase FROM experiments ORDER BY submitted_at")
                  .mapToMap()
                  .list();
          long transitions = 0;
          for (Map<String, Object> e : experiments) {
            String id = (String) e.get("id");
            List<StoredTransition> history = TRANSITIONS.history(Tx.of(h), id);
            transitions += history.size();
            checkPath(id, Phase.valueOf((String) e.get("phase")), history);
            checkCommands(h, id, history);
          }
          counts.put("experiments", (long) experiments.size());
          counts.put("transitions", transitions);
          counts.put(
              "actuations",
              count(h, "SELECT count(*) FROM outbox WHERE kind = 'actuation' AND status = 'DONE'"));
          long unfinished = count(h, "SELECT count(*) FROM outbox WHERE status <> 'DONE'");
          if (unfinished > 0) {
            violation(
                unfinished
                    + " outbox row(s) not DONE: "
                    + h.createQuery(
                            "SELECT kind || ' ' || type || ' ' || id || ' ' || status || ' ' || coalesce(last_error, '') "
                                + "FROM outbox WHERE status <> 'DONE' ORDER BY seq LIMIT 5")
                        .mapTo(String.class)
                        .list());
          }
          h.createQuery(
                  "SELECT event_source || '#' || event_id || ' x' || count(*) FROM health_windows "
                      + "GROUP BY event_source, event_id HAVING count(*) > 1")
              .mapTo(String.class)
              .forEach(w -> violation("window stored more than once: " + w));
        });
    return this;
  }

  /**
   * Checks one experiment's history against the transition table; package-private for
   * HistoryAuditTest.
   */
  void checkPath(String id, Phase phase, List<StoredTransition> history) {
    Phase at = Phase.SUBMITTED;
    int step = 0;
    Set<String> seen = new HashSet<>();
    for (StoredTransition stored : history) {
      Transition t = stored.transition();
      String move = t.from() + " -" + t.trigger() + "-> " + t.to() + " step " + t.step();
      if (t.from() != at) {
        violation(id + ": " + move + " starts from " + t.from() + " but the experiment was " + at);
      }
      Optional<Phase> legal = table.target(t.from(), t.trigger());
      if (legal.isEmpty() || legal.get() != t.to()) {
        violation(
            id
                + ": "
                + move
                + " is not a move of the transition table (it leads to "
                + legal
                + ")");
      }
      if (!seen.add(move)) {
        violation(
            id + ": " + move + " recorded twice (the second caused by " + stored.causedBy() + ")");
      }
      if (t.trigger() == Trigger.STEP_PASSED && t.step() != step + 1) {
        violation(id + ": " + move + " after step " + step + ": a step skipped or repeated");
      }
      at = t.to();
      step = t.step();
    }
    if (at != phase) {
      violation(id + ": history ends in " + at + " but the experiment is " + phase);
    }
  }

  /** The commands an experiment's transitions call for, by outbox type, against those it has. */
  private void checkCommands(Handle h, String id, List<StoredTransition> history) {
    Map<Trigger, Integer> triggers = new EnumMap<>(Trigger.class);
    history.forEach(s -> triggers.merge(s.transition().trigger(), 1, Integer::sum));
    Map<String, Integer> expected = new HashMap<>();
    expected.put(
        "SetTrafficWeight",
        n(triggers, Trigger.START)
            + n(triggers, Trigger.DEQUEUE)
            + n(triggers, Trigger.STEP_PASSED));
    expected.put(
        "PromoteCandidate", n(triggers, Trigger.FINAL_STEP_PASSED) + n(triggers, Trigger.PROMOTE));
    expected.put("RollBackCandidate", n(triggers, Trigger.STEP_FAILED));
    expected.put("QuarantineCandidate", n(triggers, Trigger.QUARANTINE));
    Map<String, Integer> actual = new HashMap<>();
    h.createQuery("SELECT type FROM outbox WHERE kind = 'actuation' AND experiment_id = :id")
        .bind("id", id)
        .mapTo(String.class)
        .forEach(type -> actual.merge(type, 1, Integer::sum));
    expected.values().removeIf(n -> n == 0);
    if (!expected.equals(actual)) {
      violation(id + ": commands " + actual + " but its transitions call for " + expected);
    }
  }

  /**
   * Every produced event is accounted for: by its CloudEvents identity in the processed-event
   * markers, or by its Kafka coordinates in the dead-letter table (an unreadable record has no
   * identity).
   */
  HistoryAudit events(List<EventStream.Produced> produced) {
    List<String> missing = unaccounted(produced);
    missing.stream()
        .limit(10)
        .forEach(m -> violation("event neither processed nor dead-lettered: " + m));
    if (missing.size() > 10) {
      violation(
          "... and " + (missing.size() - 10) + " more events neither processed nor dead-lettered");
    }
    jdbi.useHandle(
        h -> {
          counts.put("events processed", count(h, "SELECT count(*) FROM processed_events"));
          counts.put("dead-lettered", count(h, "SELECT count(*) FROM dead_letters"));
          h.createQuery(
                  "SELECT p.source || '#' || p.event_id FROM processed_events p WHERE p.outcome = 'dead-lettered' "
                      + "AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.original_topic = p.topic "
                      + "AND d.original_partition = p.partition AND d.original_offset = p.kafka_offset)")
              .mapTo(String.class)
              .forEach(
                  e -> violation("marked dead-lettered but not in the dead-letter table: " + e));
        });
    counts.put("events produced", (long) produced.size());
    return this;
  }

  /** The produced events with neither a processed-event marker nor a dead letter. */
  List<String> unaccounted(List<EventStream.Produced> produced) {
    return jdbi.withHandle(
        h -> {
          Set<String> processed =
              new HashSet<>(
                  h.createQuery("SELECT source || '#' || event_id FROM processed_events")
                      .mapTo(String.class)
                      .list());
          Set<String> deadLettered =
              new HashSet<>(
                  h.createQuery(
                          "SELECT original_topic || '/' || original_partition || '@' || original_offset FROM dead_letters")
                      .mapTo(String.class)
                      .list());
          List<String> missing = new ArrayList<>();
          for (EventStream.Produced p : produced) {
            String at = p.topic() + "/" + p.partition() + "@" + p.offset();
            boolean accounted =
                p.source() != null
                    ? processed.contains(p.source() + "#" + p.eventId())
                        || deadLettered.contains(at)
                    : deadLettered.contains(at);
            if (!accounted) {
              missing.add(
                  p.kind()
                      + " "
                      + at
                      + (p.source() == null ? "" : " " + p.source() + "#" + p.eventId()));
            }
          }
          return missing;
        });
  }

  /** Each candidate's experiment ended as its health says it should. */
  HistoryAudit outcomes(List<EventStream.SubmittedCandidate> candidates) {
    jdbi.useHandle(
        h -> {
          for (EventStream.SubmittedCandidate c : candidates) {
            Optional<String> phase =
                h.createQuery(
                        "SELECT phase FROM experiments WHERE service = :service AND candidate_version = :version")
                    .bind("service", c.service())
                    .bind("version", c.version())
                    .mapTo(String.class)
                    .findOne();
            if (phase.isEmpty() || !phase.get().equals(c.expectedPhase())) {
              violation(
                  c.service()
                      + " "
                      + c.version()
                      + (c.healthy() ? " (healthy)" : " (failing)")
                      + " ended "
                      + phase.orElse("never submitted")
                      + ", expected "
                      + c.expectedPhase());
            }
          }
        });
    return this;
  }

  /** Whether nothing is left to do: no outbox row pending. */
  boolean outboxDrained() {
    return jdbi.withHandle(
        h -> count(h, "SELECT count(*) FROM outbox WHERE status = 'PENDING'") == 0);
  }

  private static long count(Handle h, String sql) {
    return h.createQuery(sql).mapTo(Long.class).one();
  }

  private static int n(Map<Trigger, Integer> triggers, Trigger trigger) {
    return triggers.getOrDefault(trigger, 0);
  }
}
