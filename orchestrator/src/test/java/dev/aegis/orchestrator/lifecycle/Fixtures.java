package dev.aegis.orchestrator.lifecycle;

import dev.aegis.orchestrator.judgment.ActiveFault;
import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Slo;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.statemachine.LifecycleStateMachine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Shared test values: a policy scaled to seconds and experiments in any phase. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final TransitionTable TABLE = LifecycleStateMachine.transitionTable();
  static final LifecycleCore CORE = new LifecycleCore(TABLE);
  static final Candidate CANDIDATE = new Candidate("v2", "registry.local/checkout:v2");
  static final Policy SECONDS =
      new Policy(
          List.of(
              new CanaryStep(10, Duration.ofSeconds(10)),
              new CanaryStep(50, Duration.ofSeconds(10)),
              new CanaryStep(100, Duration.ofSeconds(10))),
          new Slo(0.02, 3000),
          100,
          Duration.ofSeconds(30));

  private Fixtures() {}

  static Experiment submitted() {
    return Experiment.submitted("exp-1", "checkout", "shop", CANDIDATE, SECONDS, "v1", T0);
  }

  /** The rollback an experiment in ROLLING_BACK (see {@link #inPhase}) waits for. */
  static final String AWAITED_ROLLBACK = "exp-1:3:0";

  /**
   * An experiment sitting in {@code phase} on step 1, as if the lifecycle had brought it there; in
   * ROLLING_BACK it waits for {@link #AWAITED_ROLLBACK}, to settle into QUARANTINED.
   */
  static Experiment inPhase(Phase phase) {
    Experiment e = submitted();
    Actuation actuation =
        phase == Phase.ROLLING_BACK
            ? new Actuation(AWAITED_ROLLBACK, Phase.QUARANTINED, 0, null, false)
            : Actuation.NONE;
    return new Experiment(
        e.id(),
        e.service(),
        e.namespace(),
        e.candidate(),
        e.policy(),
        phase,
        0,
        StepProgress.startingAfter(null),
        null,
        e.productionVersion(),
        3,
        T0,
        T0,
        null,
        false,
        actuation);
  }

  /**
   * A canary window of the candidate: {@code seconds} long, starting {@code offset} seconds after
   * T0.
   */
  static HealthWindow canary(long offset, long seconds, long requests, long errors, double p95) {
    return window(
        HealthWindow.Track.CANARY, CANDIDATE.version(), offset, seconds, requests, errors, p95);
  }

  static HealthWindow window(
      HealthWindow.Track track,
      String version,
      long offset,
      long seconds,
      long requests,
      long errors,
      double p95) {
    return new HealthWindow(
        "checkout",
        version,
        track,
        T0.plusSeconds(offset),
        T0.plusSeconds(offset + seconds),
        requests,
        errors,
        p95 / 2,
        p95,
        p95 * 1.5,
        0.4,
        0.5);
  }

  /** A chaos fault on {@code track}, active from {@code from} to {@code to} seconds after T0. */
  static ActiveFault fault(String id, HealthWindow.Track track, long from, long to) {
    return new ActiveFault(id, "latency", track, T0.plusSeconds(from), T0.plusSeconds(to));
  }

  static LifecycleInput.Observe observe(HealthWindow window) {
    return new LifecycleInput.Observe(window);
  }
}
