package dev.aegis.chaos;

import java.time.Duration;
import java.util.Optional;

/**
 * Who may hit what, as a pure function. By default only a V1 canary under analysis can be hit.
 * Production (the stable track, or a service with no canary running) needs both the request's
 * explicit {@code production} flag and a principal allowed to touch production.
 */
public final class BlastRadius {

  /** What the target is at the moment of the request. */
  public enum Exposure {
    /** The target is a canary of an experiment in CANARY or PAUSED. */
    CANARY_UNDER_ANALYSIS,
    /** The target is production, or a track with no experiment analysing it. */
    PRODUCTION
  }

  /**
   * Why a request is refused: a stable kebab-case code and a message saying what would allow it.
   */
  public record Refusal(String reason, String message) {}

  private BlastRadius() {}

  public static Optional<Refusal> check(
      FaultSpec spec,
      Exposure exposure,
      boolean productionRequested,
      boolean mayTouchProduction,
      Duration maxDuration) {
    if (spec.duration() == null || spec.duration().isNegative() || spec.duration().isZero()) {
      return Optional.of(
          new Refusal("invalid-duration", "a fault needs a positive duration, e.g. PT5M"));
    }
    if (spec.duration().compareTo(maxDuration) > 0) {
      return Optional.of(
          new Refusal(
              "duration-too-long",
              "duration "
                  + spec.duration()
                  + " is over the maximum "
                  + maxDuration
                  + " (aegis.chaos.max-duration)"));
    }
    boolean production = spec.target().isProduction() || exposure == Exposure.PRODUCTION;
    if (!production) {
      return Optional.empty();
    }
    if (!productionRequested) {
      String why =
          spec.target().isProduction()
              ? "the " + spec.target().track().wire() + " track is production"
              : "no canary of it is under analysis";
      return Optional.of(
          new Refusal(
              "production-not-requested",
              "the target "
                  + describe(spec.target())
                  + " is production ("
                  + why
                  + "); only V1 canaries can be hit unless the request sets \"production\":"
                  + " true"));
    }
    if (!mayTouchProduction) {
      return Optional.of(
          new Refusal(
              "production-not-allowed",
              "faults on production need the admin role, or both"
                  + " the chaos-engineer and sre roles"));
    }
    return Optional.empty();
  }

  private static String describe(FaultTarget target) {
    return target.namespace() + "/" + target.service() + " (" + target.track().wire() + ")";
  }
}
