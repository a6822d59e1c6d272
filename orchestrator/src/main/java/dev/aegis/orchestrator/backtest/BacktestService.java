package dev.aegis.orchestrator.backtest;

import dev.aegis.events.data.PolicySpec;
import dev.aegis.orchestrator.application.InvalidSubmissionException;
import dev.aegis.orchestrator.application.PolicyMapper;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.lifecycle.Candidate;
import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.lifecycle.Decision;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.lifecycle.Transition;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.HealthWindowRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Policy backtest: replays the health windows recorded for a service through the real core under a
 * given policy and reports what it would have decided and when, next to what Aegis actually decided
 * then. The core is pure and judges on event time, so a replay is fast and gives the same answer
 * every time.
 *
 * <p>Each candidate version that had canary windows in the range is one run: a fresh experiment
 * under the policy, started at that version's first canary window, fed every window of the service
 * (canary, baseline, stable) from then on, in event-time order. Commands are taken as applied at
 * once (a backtest judges the analysis, not the cluster).
 */
public class BacktestService {

  /** At most this many windows are replayed per request. */
  public static final int MAX_WINDOWS = 200_000;

  private final Transactions transactions;
  private final LifecycleCore core;
  private final Policy defaults;
  private final HealthWindowRepository health;
  private final ExperimentRepository experiments;

  public BacktestService(
      Transactions transactions,
      LifecycleCore core,
      Policy defaults,
      HealthWindowRepository health,
      ExperimentRepository experiments) {
    this.transactions = transactions;
    this.core = core;
    this.defaults = defaults;
    this.health = health;
    this.experiments = experiments;
  }

  /**
   * @param namespace optional; needed when a service of that name is managed in several namespaces
   */
  public record Request(
      String service,
      PolicySpec policy,
      Instant from,
      Instant to,
      String version,
      String namespace) {
    public Request(String service, PolicySpec policy, Instant from, Instant to, String version) {
      this(service, policy, from, to, version, null);
    }
  }

  /**
   * @param outcome PROMOTED, QUARANTINED, ABORTED, PAUSED, or UNDECIDED when the recorded windows
   *     ran out first
   * @param decidedAt event time of the deciding window, or null
   * @param timeline the transitions the policy would have made, stamped with event time
   * @param lastJudgment the last judgment, with its evidence
   * @param actual what Aegis actually decided for this version, if it ran an experiment on it
   */
  public record Run(
      String version,
      int windows,
      String outcome,
      Instant startedAt,
      Instant decidedAt,
      Long secondsToDecision,
      List<Step> timeline,
      Judgment lastJudgment,
      Actual actual) {}

  public record Step(
      String from, String to, String trigger, int step, int weight, String reason, Instant at) {}

  public record Actual(String experimentId, String phase, Instant decidedAt) {}

  public record Report(
      String service, Policy policy, Instant from, Instant to, int windows, List<Run> runs) {}

  public Report run(Request request) {
    if (request.service() == null || request.service().isBlank()) {
      throw new InvalidSubmissionException("service", "service is required");
    }
    if (request.from() == null || request.to() == null || !request.from().isBefore(request.to())) {
      throw new InvalidSubmissionException(
          request.from() == null ? "from" : "to", "from and to are required, with from before to");
    }
    Policy policy = PolicyMapper.toPolicy(request.policy(), defaults);
    return transactions.withHandle(
        h -> {
          String namespace =
              new ServiceRepository()
                  .resolve(h, request.namespace(), request.service())
                  .map(ServiceRepository.ManagedService::namespace)
                  .orElse(request.namespace());
          List<HealthWindow> windows =
              health.ofService(
                  h, namespace, request.service(), request.from(), request.to(), MAX_WINDOWS);
          List<String> versions =
              request.version() != null
                  ? List.of(request.version())
                  : windows.stream()
                      .filter(w -> w.track() == HealthWindow.Track.CANARY)
                      .map(HealthWindow::version)
                      .distinct()
                      .toList();
          List<Run> runs = new ArrayList<>();
          for (String version : versions) {
            runs.add(replay(h, namespace, request.service(), version, policy, windows));
          }
          return new Report(
              request.service(), policy, request.from(), request.to(), windows.size(), runs);
        });
  }

  private Run replay(
      Tx h,
      String namespace,
      String service,
      String version,
      Policy policy,
      List<HealthWindow> windows) {
    Optional<HealthWindow> first =
        windows.stream()
            .filter(w -> w.track() == HealthWindow.Track.CANARY && w.version().equals(version))
            .findFirst();
    Actual actual = actual(h, namespace, service, version);
    if (first.isEmpty()) {
      return new Run(version, 0, "UNDECIDED", null, null, null, List.of(), null, actual);
    }
    Instant start = first.get().windowStart();
    Experiment e =
        Experiment.submitted(
            "backtest:" + service + ":" + version,
            service,
            "backtest",
            new Candidate(version, "(backtest)"),
            policy,
            null,
            start);
    List<Step> timeline = new ArrayList<>();
    e = apply(e, new LifecycleInput.Submit(null), start, timeline);
    int fed = 0;
    for (HealthWindow w : windows) {
      if (w.windowEnd().isBefore(start) || e.phase().isSettled() || e.phase() == Phase.PAUSED) {
        continue;
      }
      fed++;
      e = apply(e, new LifecycleInput.Observe(w), w.windowEnd(), timeline);
    }
    boolean decided = e.phase().isSettled() || e.phase() == Phase.PAUSED;
    Instant decidedAt =
        decided && !timeline.isEmpty() ? timeline.get(timeline.size() - 1).at() : null;
    return new Run(
        version,
        fed,
        decided ? e.phase().name() : "UNDECIDED",
        start,
        decidedAt,
        decidedAt == null ? null : Duration.between(start, decidedAt).toSeconds(),
        timeline,
        e.lastJudgment(),
        actual);
  }

  /**
   * Applies one input, then reports every rollback it commanded as applied (a backtest has no
   * cluster).
   */
  private Experiment apply(Experiment e, LifecycleInput input, Instant at, List<Step> timeline) {
    Decision d = core.decide(e, input, at);
    if (d.isRefused()) {
      return e;
    }
    record(d, timeline);
    Experiment after = d.after();
    for (Command c : d.commands()) {
      if (c instanceof Command.RollBackCandidate) {
        Decision settled =
            core.decide(
                after,
                new LifecycleInput.ActuationReport(
                    c.id(), c.kind().wire(), LifecycleInput.ActuationOutcome.APPLIED, "backtest"),
                at);
        if (!settled.isRefused()) {
          record(settled, timeline);
          after = settled.after();
        }
      }
    }
    return after;
  }

  private static void record(Decision d, List<Step> timeline) {
    for (Transition t : d.transitions()) {
      timeline.add(
          new Step(
              t.from() == null ? null : t.from().name(),
              t.to().name(),
              t.trigger().name(),
              t.step(),
              t.weight(),
              t.reason(),
              t.at()));
    }
  }

  private Actual actual(Tx h, String namespace, String service, String version) {
    return experiments
        .latestDecision(h, namespace, service, version)
        .map(d -> new Actual(d.experimentId(), d.phase(), d.decidedAt()))
        .orElse(null);
  }
}
