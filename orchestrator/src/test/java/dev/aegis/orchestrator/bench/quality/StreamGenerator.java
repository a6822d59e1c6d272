package dev.aegis.orchestrator.bench.quality;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates labelled health streams, the same for the same (scenario, seed): one window per
 * analysis interval for the {@code baseline} and the {@code canary} track.
 *
 * <p>Per run it draws the service: a true error probability uniform in 0.5–1%, a true p95 uniform
 * in 200–350 ms, and a traffic level log-uniform in the scenario's range. Per window and track:
 *
 * <ul>
 *   <li><b>requests</b> ~ Poisson(traffic × weight), where weight is the policy's nominal schedule
 *       (the baseline is a deployment of the canary's size, so it gets the same share);
 *   <li><b>errors</b> ~ Binomial(requests, p), p = (true rate + shifts) × a mean-one log-normal
 *       factor (the scenario's error sigma: bursts of errors that a pure binomial would not
 *       produce);
 *   <li><b>p95</b> = (true p95 × shifts) × a mean-one log-normal factor whose sigma combines the
 *       scenario's p95 sigma with sampling noise that grows as requests shrink ({@code
 *       0.8/√requests}); p50 and p99 follow p95 at fixed ratios.
 * </ul>
 *
 * <p>Optional features of a scenario: a daily cycle of traffic and error rate ({@link
 * Scenario.Traffic}), a bimodal p95 ({@link Scenario.Bimodal}, one extra draw per window with
 * requests), error bursts shared by both tracks ({@link #burstWindows}, from a stream of their
 * own), shifts in every n-th window only ({@link Scenario.Shift}). A feature that is off draws
 * nothing, so the scenarios without it keep their streams.
 *
 * <p>The stream runs for twice the nominal schedule, so that a judge that holds or extends a step
 * still has windows to decide on; after the schedule, the canary stays at 100%. Traffic follows the
 * nominal schedule whatever a judge decides: a judge that holds a step longer sees the next step's
 * request counts. Rates, which all judges use, do not depend on the weight.
 */
final class StreamGenerator {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final double P95_SAMPLING = 0.8;

  private final BenchPolicy policy;
  private final double noiseScale;

  StreamGenerator(BenchPolicy policy) {
    this(policy, 1);
  }

  /**
   * @param noiseScale multiplies every scenario's noise sigmas: 1 is the corpus; 0 leaves only the
   *     binomial and sampling noise (a control for how much a judge's false alarms owe to
   *     overdispersion)
   */
  StreamGenerator(BenchPolicy policy, double noiseScale) {
    this.policy = policy;
    this.noiseScale = noiseScale;
  }

  BenchPolicy policy() {
    return policy;
  }

  int streamWindows() {
    return 2 * policy.scheduleWindows();
  }

  LabelledStream generate(Scenario scenario, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double baseErrorRate = uniform(random, 0.005, 0.010);
    double baseP95 = uniform(random, 200, 350);
    double traffic =
        Math.exp(
            uniform(
                random, Math.log(scenario.traffic().min()), Math.log(scenario.traffic().max())));
    boolean[] bursts = burstWindows(scenario, seed, streamWindows());
    List<SimWindow> windows = new ArrayList<>();
    for (int i = 0; i < streamWindows(); i++) {
      Instant start = T0.plus(policy.window().multipliedBy(i));
      Instant end = start.plus(policy.window());
      int weight = policy.weightAt(i);
      double requestsMean = traffic * weight / 100.0;
      double errorRate = scenario.service().errorRateAt(i, baseErrorRate);
      double p95 = baseP95 * scenario.service().p95FactorAt(i);
      if (scenario.traffic().diurnal()) {
        requestsMean *= scenario.traffic().diurnalFactor(i);
        errorRate *= scenario.traffic().diurnalFactor(i);
      }
      if (bursts[i]) {
        errorRate *= scenario.burst().errorFactor();
      }
      windows.add(
          window(
              random,
              scenario,
              SimWindow.Track.BASELINE,
              i,
              start,
              end,
              weight,
              requestsMean,
              errorRate,
              p95));
      windows.add(
          window(
              random,
              scenario,
              SimWindow.Track.CANARY,
              i,
              start,
              end,
              weight,
              requestsMean,
              scenario.candidate().errorRateAt(i, errorRate),
              p95 * scenario.candidate().p95FactorAt(i)));
    }
    return new LabelledStream(
        scenario, seed, scenario.label(), T0, baseErrorRate, baseP95, traffic, windows);
  }

  private SimWindow window(
      SplittableRandom random,
      Scenario scenario,
      SimWindow.Track track,
      int index,
      Instant start,
      Instant end,
      int weight,
      double requestsMean,
      double trueErrorRate,
      double trueP95) {
    long requests = poisson(random, requestsMean);
    double p =
        clamp(trueErrorRate * meanOneLogNormal(random, noiseScale * scenario.noise().errorSigma()));
    long errors = binomial(random, requests, p);
    if (requests == 0) {
      return new SimWindow(track, index, start, end, weight, 0, 0, 0, 0, 0);
    }
    double sigma =
        Math.sqrt(
            square(noiseScale * scenario.noise().p95Sigma()) + square(P95_SAMPLING) / requests);
    double p95 = trueP95 * meanOneLogNormal(random, sigma);
    Scenario.Bimodal bimodal = scenario.noise().bimodal();
    if (bimodal.present() && random.nextDouble() < bimodal.share(track)) {
      p95 *= bimodal.slowFactor();
    }
    return new SimWindow(
        track, index, start, end, weight, requests, errors, p95 * 0.5, p95, p95 * 1.6);
  }

  /**
   * Which windows of a run are shared error bursts ({@link Scenario.Burst}): drawn from a stream of
   * their own, split from the run's seed, so the main stream is the same with or without bursts and
   * a test can tell which windows burst. All false, without a draw, when the scenario has none.
   */
  static boolean[] burstWindows(Scenario scenario, long seed, int windows) {
    boolean[] bursts = new boolean[windows];
    if (!scenario.burst().present()) {
      return bursts;
    }
    SplittableRandom random = new SplittableRandom(seed).split();
    for (int i = 0; i < windows; i++) {
      bursts[i] = random.nextDouble() < scenario.burst().share();
    }
    return bursts;
  }

  /** exp(σZ − σ²/2): log-normal with mean exactly one, so noise never moves the true value. */
  static double meanOneLogNormal(SplittableRandom random, double sigma) {
    return sigma == 0 ? 1 : Math.exp(sigma * random.nextGaussian() - sigma * sigma / 2);
  }

  /**
   * Exact Poisson for small means (Knuth), normal approximation (rounded, ≥ 0) from a mean of 100.
   */
  static long poisson(SplittableRandom random, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean >= 100) {
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }
    double limit = Math.exp(-mean);
    long k = 0;
    double product = random.nextDouble();
    while (product > limit) {
      k++;
      product *= random.nextDouble();
    }
    return k;
  }

  /**
   * Exact Binomial(n, p) by geometric waiting times between successes: costs about n·p + 1 draws,
   * so a window of thousands of requests at a 1% error rate is cheap.
   */
  static long binomial(SplittableRandom random, long n, double p) {
    if (n <= 0 || p <= 0) {
      return 0;
    }
    if (p >= 1) {
      return n;
    }
    double logQ = Math.log1p(-p);
    long successes = 0;
    long position = 0;
    while (true) {
      // trials up to and including the next success: 1 + floor(log(U) / log(1 - p))
      double u = 1.0 - random.nextDouble(); // in (0, 1]
      position += 1 + (long) Math.floor(Math.log(u) / logQ);
      if (position > n) {
        return successes;
      }
      successes++;
    }
  }

  private static double uniform(SplittableRandom random, double from, double to) {
    return from + (to - from) * random.nextDouble();
  }

  private static double clamp(double p) {
    return Math.max(0, Math.min(1, p));
  }

  private static double square(double x) {
    return x * x;
  }
}
