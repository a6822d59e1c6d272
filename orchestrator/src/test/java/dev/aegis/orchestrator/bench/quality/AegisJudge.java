package dev.aegis.orchestrator.bench.quality;

import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Slo;
import dev.aegis.orchestrator.lifecycle.Candidate;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.statemachine.LifecycleStateMachine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Aegis's real lifecycle core, as the orchestrator runs it: a {@link LifecycleCore} on the
 * transition table derived from the Spring Statemachine definition, an experiment submitted to a
 * free service, and every window of both tracks fed as {@link LifecycleInput.Observe} at its own
 * event time. The judge reads the phase after each decision: ROLLING_BACK or QUARANTINED is a
 * rollback, PROMOTED a promotion, PAUSED a hold for a human.
 *
 * <p>This class is the ONLY place in the benchmark that touches the core's types, so that a change
 * of the core's API (its judge is being extended) is absorbed here and nowhere else.
 */
final class AegisJudge implements Judge {

  private static final String SERVICE = "bench";
  private static final String PRODUCTION_VERSION = "v1";
  private static final Candidate CANDIDATE = new Candidate("v2", "registry.local/bench:v2");

  /** Deriving the table exercises a Spring state machine: done once, shared (it is immutable). */
  private static final class Table {
    static final LifecycleCore CORE = new LifecycleCore(LifecycleStateMachine.transitionTable());
  }

  private final LifecycleCore core = Table.CORE;
  private Experiment experiment;

  AegisJudge(BenchPolicy policy) {
    this(policy, "bench-experiment");
  }

  AegisJudge(BenchPolicy policy, String experimentId) {
    this(policy, experimentId, true);
  }

  /**
   * Aegis with its anytime-valid tests on, or off: off is the fixed-horizon judge of issue 4, which
   * tests only once a step's minimum duration has run out.
   */
  AegisJudge(BenchPolicy policy, boolean sequential) {
    this(policy, "bench-experiment", sequential);
  }

  private AegisJudge(BenchPolicy policy, String experimentId, boolean sequential) {
    Policy corePolicy = policy(policy);
    Experiment submitted =
        Experiment.submitted(
            experimentId,
            SERVICE,
            "bench",
            CANDIDATE,
            corePolicy.withAnalysis(corePolicy.analysis().withSequential(sequential)),
            PRODUCTION_VERSION,
            StreamGenerator.T0);
    this.experiment =
        core.decide(submitted, new LifecycleInput.Submit(null), StreamGenerator.T0).after();
    if (experiment.phase() != Phase.CANARY) {
      throw new IllegalStateException(
          "a submitted experiment on a free service should start its canary, is "
              + experiment.phase());
    }
  }

  /**
   * The benchmark's policy in the core's terms; maxSilence is irrelevant (no wall-clock timer is
   * fed).
   */
  static Policy policy(BenchPolicy bench) {
    List<CanaryStep> steps =
        bench.weights().stream()
            .map(weight -> new CanaryStep(weight, bench.stepDuration()))
            .toList();
    return new Policy(
        steps,
        new Slo(bench.maxErrorRate(), bench.maxP95Ms()),
        bench.minRequestsPerStep(),
        Duration.ofMinutes(15));
  }

  @Override
  public Optional<Outcome> observe(SimWindow window) {
    experiment =
        core.decide(experiment, new LifecycleInput.Observe(toCore(window)), window.end()).after();
    Decision verdict =
        switch (experiment.phase()) {
          case ROLLING_BACK, QUARANTINED, ABORTED, RELEASED -> Decision.ROLLBACK;
          case PROMOTED -> Decision.PROMOTE;
          case PAUSED -> Decision.PAUSE;
          case SUBMITTED, QUEUED, CANARY -> null;
        };
    if (verdict == null) {
      return Optional.empty();
    }
    String why =
        experiment.lastJudgment() == null
            ? experiment.phase().name()
            : experiment.lastJudgment().summary();
    return Optional.of(new Outcome(verdict, window.end(), why));
  }

  private static HealthWindow toCore(SimWindow window) {
    boolean canary = window.track() == SimWindow.Track.CANARY;
    return new HealthWindow(
        SERVICE,
        canary ? CANDIDATE.version() : PRODUCTION_VERSION,
        canary ? HealthWindow.Track.CANARY : HealthWindow.Track.BASELINE,
        window.start(),
        window.end(),
        window.requests(),
        window.errors(),
        window.p50Ms(),
        window.p95Ms(),
        window.p99Ms(),
        null,
        null);
  }
}
