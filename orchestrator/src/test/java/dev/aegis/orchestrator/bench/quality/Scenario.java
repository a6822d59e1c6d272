package dev.aegis.orchestrator.bench.quality;

import java.util.List;

/**
 * One family of labelled runs: how much traffic the service has, how noisy its windows are, how the
 * candidate differs from the baseline, and how the whole service (both tracks) changes during the
 * run. Each run draws its own service from these ranges (see {@link StreamGenerator}).
 *
 * @param traffic requests per window at 100% weight, drawn log-uniformly per run
 * @param noise how much windows scatter around the run's true values
 * @param candidate what only the canary track suffers
 * @param service what both tracks suffer (a shared dependency, the time of day)
 */
record Scenario(
    String name,
    Label label,
    String description,
    Traffic traffic,
    Noise noise,
    Shift candidate,
    Shift service) {

  /**
   * Requests per window with the whole service's traffic (weight 100%): a range drawn from per run.
   */
  record Traffic(double min, double max) {}

  /**
   * Window-to-window scatter. Each window's error probability and p95 are the run's true values
   * times a mean-one log-normal factor with these sigmas; p95 scatters more in windows with few
   * requests.
   */
  record Noise(double errorSigma, double p95Sigma) {}

  /**
   * A change of the true values: {@code errorDelta} added to the error probability (absolute) and
   * p95 multiplied by {@code p95Factor}, in full from window {@code rampTo} on, growing linearly
   * from nothing at window {@code rampFrom} (a step change when both are equal).
   */
  record Shift(double errorDelta, double p95Factor, int rampFrom, int rampTo) {
    static final Shift NONE = new Shift(0, 1, 0, 0);

    static Shift errors(double delta) {
      return new Shift(delta, 1, 0, 0);
    }

    static Shift latency(double factor) {
      return new Shift(0, factor, 0, 0);
    }

    /** How much of the shift applies in window {@code index}, 0..1. */
    double extent(int index) {
      if (rampTo <= rampFrom) {
        return index >= rampFrom ? 1 : 0;
      }
      return Math.max(0, Math.min(1, (index - rampFrom) / (double) (rampTo - rampFrom)));
    }

    double errorDeltaAt(int index) {
      return errorDelta * extent(index);
    }

    double p95FactorAt(int index) {
      return 1 + (p95Factor - 1) * extent(index);
    }
  }

  static final Traffic NORMAL_TRAFFIC = new Traffic(2_000, 10_000);
  static final Traffic LOW_TRAFFIC = new Traffic(150, 400);
  static final Noise NORMAL_NOISE = new Noise(0.2, 0.08);
  static final Noise HIGH_NOISE = new Noise(0.8, 0.3);

  /**
   * The corpus. Every run's service has a true error rate of 0.5–1% and a true p95 of 200–350 ms;
   * at normal traffic the canary sees 200–1 000 requests per window at 10%, at low traffic 15–40.
   */
  static List<Scenario> catalogue(BenchPolicy policy) {
    int schedule = policy.scheduleWindows();
    int secondStep = policy.windowsPerStep();
    return List.of(
        new Scenario(
            "good",
            Label.GOOD,
            "candidate identical to the baseline",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            Shift.NONE,
            Shift.NONE),
        new Scenario(
            "errors +1pp",
            Label.BAD,
            "canary error rate +1 percentage point from the start",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            Shift.errors(0.01),
            Shift.NONE),
        new Scenario(
            "errors +3pp",
            Label.BAD,
            "canary error rate +3 percentage points from the start",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            Shift.errors(0.03),
            Shift.NONE),
        new Scenario(
            "p95 +20%",
            Label.BAD,
            "canary p95 latency ×1.2 from the start",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            Shift.latency(1.2),
            Shift.NONE),
        new Scenario(
            "p95 +50%",
            Label.BAD,
            "canary p95 latency ×1.5 from the start",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            Shift.latency(1.5),
            Shift.NONE),
        new Scenario(
            "drift errors",
            Label.BAD,
            "canary error rate worsening linearly from +0 to +3pp over the nominal schedule",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            new Shift(0.03, 1, 0, schedule),
            Shift.NONE),
        new Scenario(
            "drift latency",
            Label.BAD,
            "canary p95 worsening linearly from ×1.0 to ×1.6 over the nominal schedule",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            new Shift(0, 1.6, 0, schedule),
            Shift.NONE),
        new Scenario(
            "noisy good",
            Label.GOOD,
            "candidate identical to the baseline, windows 4× as noisy",
            NORMAL_TRAFFIC,
            HIGH_NOISE,
            Shift.NONE,
            Shift.NONE),
        new Scenario(
            "low traffic good",
            Label.GOOD,
            "candidate identical to the baseline, 15–40 requests per window at 10%",
            LOW_TRAFFIC,
            NORMAL_NOISE,
            Shift.NONE,
            Shift.NONE),
        new Scenario(
            "low traffic +3pp",
            Label.BAD,
            "canary error rate +3pp, 15–40 requests per window at 10%",
            LOW_TRAFFIC,
            NORMAL_NOISE,
            Shift.errors(0.03),
            Shift.NONE),
        new Scenario(
            "baseline degrades",
            Label.GOOD,
            "both tracks degrade alike during step 2 (error rate +0.8pp, p95 ×1.3): a shared cause, not the candidate",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            Shift.NONE,
            new Shift(0.008, 1.3, secondStep - 2, secondStep + 6)));
  }

  /** Canary requests per window at step 1 (10%) of the A/A cells. */
  static final List<Integer> AA_CANARY_REQUESTS = List.of(10, 40, 200, 1_000, 5_000);

  /**
   * The A/A suite: candidates identical to their baseline, without shifts, one cell per canary
   * traffic at step 1 ({@link #AA_CANARY_REQUESTS}, fixed per cell) and noise (normal, high). Every
   * run is judged after every window; any rollback is false.
   */
  static List<Scenario> aaSuite(BenchPolicy policy) {
    int firstWeight = policy.weights().get(0);
    List<Scenario> cells = new java.util.ArrayList<>();
    for (Noise noise : List.of(NORMAL_NOISE, HIGH_NOISE)) {
      for (int canary : AA_CANARY_REQUESTS) {
        double full = canary * 100.0 / firstWeight;
        cells.add(
            new Scenario(
                String.format(
                    java.util.Locale.ROOT,
                    "A/A %d req %s",
                    canary,
                    noise == NORMAL_NOISE ? "calm" : "noisy"),
                Label.GOOD,
                "candidate identical to the baseline, "
                    + canary
                    + " canary requests per window at step 1",
                new Traffic(full, full),
                noise,
                Shift.NONE,
                Shift.NONE));
      }
    }
    return cells;
  }
}
