package dev.aegis.orchestrator.bench.quality;

import java.time.Duration;
import java.util.List;

/**
 * The one canary policy every judge in the benchmark is held to, so that the comparison is fair:
 * the same step weights, the same step length (in windows of event time), the same absolute SLO.
 *
 * <p>Scaled like the demos: a window is one analysis interval, and each step lasts {@code
 * windowsPerStep} windows, so a candidate that passes every step on time is decided after {@link
 * #scheduleWindows()} windows.
 *
 * @param weights the canary's traffic share per step, in percent, rising, ending at 100
 * @param windowsPerStep how many windows (analysis intervals) each step lasts
 * @param window length of one health window, which is also the references' analysis interval
 * @param maxErrorRate a step or measurement passes only with an error rate below this (0..1)
 * @param maxP95Ms a step or measurement passes only with a p95 latency below this, in ms
 * @param minRequestsPerStep requests a step needs before Aegis judges it (Aegis only; the
 *     references have no such notion)
 */
record BenchPolicy(
    List<Integer> weights,
    int windowsPerStep,
    Duration window,
    double maxErrorRate,
    double maxP95Ms,
    long minRequestsPerStep) {

  /** 10% → 50% → 100%, ten one-minute windows each; error rate < 2%, p95 < 500 ms. */
  static final BenchPolicy DEFAULT =
      new BenchPolicy(List.of(10, 50, 100), 10, Duration.ofMinutes(1), 0.02, 500, 100);

  BenchPolicy {
    weights = List.copyOf(weights);
    if (weights.isEmpty() || weights.get(weights.size() - 1) != 100) {
      throw new IllegalArgumentException("weights must end at 100: " + weights);
    }
    if (windowsPerStep < 1) {
      throw new IllegalArgumentException("windowsPerStep must be positive");
    }
  }

  /** Windows a candidate needs when every step passes on time. */
  int scheduleWindows() {
    return weights.size() * windowsPerStep;
  }

  /**
   * The nominal canary weight during window {@code index}: the schedule of a candidate that passes
   * on time.
   */
  int weightAt(int index) {
    return weights.get(Math.min(index / windowsPerStep, weights.size() - 1));
  }

  /** Event time each step must be observed. */
  Duration stepDuration() {
    return window.multipliedBy(windowsPerStep);
  }
}
