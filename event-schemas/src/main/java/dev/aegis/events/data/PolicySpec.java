package dev.aegis.events.data;

import java.time.Duration;
import java.util.List;

/**
 * Per-experiment overrides of the seed canary policy. Every member may be {@code null}, meaning the
 * orchestrator's default for it.
 *
 * @param steps canary steps, weights strictly ascending and ending at 100
 * @param slo the objective each step must meet
 * @param minRequestsPerStep requests a step must see before it can pass, {@code >= 0}
 * @param maxSilence how long a step may go without a health window before it is held, positive
 * @param quarantine what is left of a quarantined candidate: {@code scale-to-zero} or {@code
 *     keep-isolated}
 * @param analysis overrides of the analysis settings (comparison with the baseline, score, severe
 *     breaches, extension)
 */
public record PolicySpec(
    List<StepSpec> steps,
    SloSpec slo,
    Long minRequestsPerStep,
    Duration maxSilence,
    String quarantine,
    AnalysisSpec analysis) {

  public PolicySpec {
    steps = steps == null ? null : List.copyOf(steps);
  }

  /** A policy that leaves the analysis settings to the defaults. */
  public PolicySpec(
      List<StepSpec> steps,
      SloSpec slo,
      Long minRequestsPerStep,
      Duration maxSilence,
      String quarantine) {
    this(steps, slo, minRequestsPerStep, maxSilence, quarantine, null);
  }

  /** A policy that leaves the quarantine shape to the default (scale to zero). */
  public PolicySpec(
      List<StepSpec> steps, SloSpec slo, Long minRequestsPerStep, Duration maxSilence) {
    this(steps, slo, minRequestsPerStep, maxSilence, null, null);
  }
}
