package dev.aegis.orchestrator.bench.quality;

import java.util.List;

/**
 * One family of labelled runs: how much traffic the service has, how noisy its windows are, how the
 * candidate differs from the baseline, and how the whole service (both tracks) changes during the
 * run. Each run draws its own service from these ranges (see {@link StreamGenerator}).
 *
 * <p>The features added after the first corpus (a diurnal cycle, a bimodal latency, intermittent
 * shifts, shared error bursts) are off by default, and the generator draws no random number for a
 * feature that is off: the scenarios that do not use them keep their streams to the bit.
 *
 * @param traffic requests per window at 100% weight, drawn log-uniformly per run, and its daily
 *     cycle
 * @param noise how much windows scatter around the run's true values
 * @param candidate what only the canary track suffers
 * @param service what both tracks suffer (a shared dependency, the time of day)
 * @param burst error bursts both tracks suffer in the same windows
 */
record Scenario(
    String name,
    Label label,
    String description,
    Traffic traffic,
    Noise noise,
    Shift candidate,
    Shift service,
    Burst burst) {

  Scenario(
      String name,
      Label label,
      String description,
      Traffic traffic,
      Noise noise,
      Shift candidate,
      Shift service) {
    this(name, label, description, traffic, noise, candidate, service, Burst.NONE);
  }

  /**
   * Requests per window with the whole service's traffic (weight 100%): a range drawn from per run.
   * With a {@code diurnalAmplitude}, window {@code i}'s traffic and both tracks' error rate are
   * multiplied by {@code 1 + amplitude · sin(2πi / diurnalPeriod)} (the time of day: more load,
   * more errors).
   */
  record Traffic(double min, double max, double diurnalAmplitude, int diurnalPeriod) {
    Traffic(double min, double max) {
      this(min, max, 0, 0);
    }

    boolean diurnal() {
      return diurnalAmplitude != 0 && diurnalPeriod > 0;
    }

    /** The daily cycle's factor in window {@code index}; exactly 1 without a cycle. */
    double diurnalFactor(int index) {
      return diurnal() ? 1 + diurnalAmplitude * Math.sin(2 * Math.PI * index / diurnalPeriod) : 1;
    }
  }

  /**
   * Window-to-window scatter. Each window's error probability and p95 are the run's true values
   * times a mean-one log-normal factor with these sigmas; p95 scatters more in windows with few
   * requests. A {@code bimodal} latency puts some windows in a slow mode on top of that.
   */
  record Noise(double errorSigma, double p95Sigma, Bimodal bimodal) {
    Noise(double errorSigma, double p95Sigma) {
      this(errorSigma, p95Sigma, Bimodal.NONE);
    }
  }

  /**
   * A latency with two modes: independently per window and track, the p95 is multiplied by {@code
   * slowFactor} with probability {@code baselineShare} (baseline track) or {@code canaryShare}
   * (canary track). A candidate that is slow more often than its baseline has a larger share.
   */
  record Bimodal(double slowFactor, double baselineShare, double canaryShare) {
    static final Bimodal NONE = new Bimodal(1, 0, 0);

    boolean present() {
      return baselineShare > 0 || canaryShare > 0;
    }

    double share(SimWindow.Track track) {
      return track == SimWindow.Track.CANARY ? canaryShare : baselineShare;
    }
  }

  /**
   * Error bursts of the whole service: each window is a burst window with probability {@code
   * share}, drawn once per window for both tracks, and a burst window's true error rate is
   * multiplied by {@code errorFactor} on both tracks.
   */
  record Burst(double share, double errorFactor) {
    static final Burst NONE = new Burst(0, 1);

    boolean present() {
      return share > 0;
    }
  }

  /**
   * A change of the true values: the error probability multiplied by {@code errorFactor} and then
   * {@code errorDelta} added (absolute), and p95 multiplied by {@code p95Factor}, in full from
   * window {@code rampTo} on, growing linearly from nothing at window {@code rampFrom} (a step
   * change when both are equal). With {@code every} above 1 the shift applies only in windows whose
   * index is a multiple of {@code every} (an intermittent fault), and not at all in the others.
   */
  record Shift(
      double errorDelta,
      double p95Factor,
      int rampFrom,
      int rampTo,
      int every,
      double errorFactor) {
    static final Shift NONE = new Shift(0, 1, 0, 0);

    Shift(double errorDelta, double p95Factor, int rampFrom, int rampTo) {
      this(errorDelta, p95Factor, rampFrom, rampTo, 1, 1);
    }

    static Shift errors(double delta) {
      return new Shift(delta, 1, 0, 0);
    }

    static Shift errorsTimes(double factor) {
      return new Shift(0, 1, 0, 0, 1, factor);
    }

    static Shift latency(double factor) {
      return new Shift(0, factor, 0, 0);
    }

    /** The same shift, only in windows {@code i} with {@code i % every == 0}. */
    Shift onlyEvery(int period) {
      return new Shift(errorDelta, p95Factor, rampFrom, rampTo, period, errorFactor);
    }

    /** How much of the shift applies in window {@code index}, 0..1. */
    double extent(int index) {
      if (every > 1 && index % every != 0) {
        return 0;
      }
      if (rampTo <= rampFrom) {
        return index >= rampFrom ? 1 : 0;
      }
      return Math.max(0, Math.min(1, (index - rampFrom) / (double) (rampTo - rampFrom)));
    }

    double errorDeltaAt(int index) {
      return errorDelta * extent(index);
    }

    /** The error rate {@code rate} under this shift in window {@code index}. */
    double errorRateAt(int index, double rate) {
      return errorFactor == 1
          ? rate + errorDeltaAt(index)
          : rate * (1 + (errorFactor - 1) * extent(index)) + errorDeltaAt(index);
    }

    double p95FactorAt(int index) {
      return 1 + (p95Factor - 1) * extent(index);
    }
  }

  static final Traffic NORMAL_TRAFFIC = new Traffic(2_000, 10_000);
  static final Traffic LOW_TRAFFIC = new Traffic(150, 400);
  static final Traffic MODEST_TRAFFIC = new Traffic(400, 800);
  static final Noise NORMAL_NOISE = new Noise(0.2, 0.08);
  static final Noise HIGH_NOISE = new Noise(0.8, 0.3);

  /**
   * The corpus. Every run's service has a true error rate of 0.5–1% and a true p95 of 200–350 ms;
   * at normal traffic the canary sees 200–1 000 requests per window at 10%, at low traffic 15–40,
   * at modest traffic 40–80.
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
            new Shift(0.008, 1.3, secondStep - 2, secondStep + 6)),
        new Scenario(
            "low traffic +1pp",
            Label.BAD,
            "canary error rate +1pp, 40–80 requests per window at 10%",
            MODEST_TRAFFIC,
            NORMAL_NOISE,
            Shift.errors(0.01),
            Shift.NONE),
        new Scenario(
            "intermittent +3pp",
            Label.BAD,
            "canary error rate +3pp in every third window only (i % 3 == 0)",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            Shift.errors(0.03).onlyEvery(3),
            Shift.NONE),
        new Scenario(
            "bimodal latency good",
            Label.GOOD,
            "candidate identical to the baseline; per window and track, p95 ×1.8 with probability 0.2",
            NORMAL_TRAFFIC,
            new Noise(
                NORMAL_NOISE.errorSigma(), NORMAL_NOISE.p95Sigma(), new Bimodal(1.8, 0.2, 0.2)),
            Shift.NONE,
            Shift.NONE),
        new Scenario(
            "bimodal latency bad",
            Label.BAD,
            "p95 ×1.8 with probability 0.2 per baseline window, 0.5 per canary window",
            NORMAL_TRAFFIC,
            new Noise(
                NORMAL_NOISE.errorSigma(), NORMAL_NOISE.p95Sigma(), new Bimodal(1.8, 0.2, 0.5)),
            Shift.NONE,
            Shift.NONE),
        new Scenario(
            "shared burst good",
            Label.GOOD,
            "candidate identical to the baseline; the same 10% of windows get ×5 errors on both tracks",
            NORMAL_TRAFFIC,
            NORMAL_NOISE,
            Shift.NONE,
            Shift.NONE,
            new Burst(0.10, 5)),
        new Scenario(
            "diurnal good",
            Label.GOOD,
            "candidate identical to the baseline; traffic and error rate × (1 + 0.6 sin(2πi/60)) on both tracks",
            new Traffic(NORMAL_TRAFFIC.min(), NORMAL_TRAFFIC.max(), 0.6, 60),
            NORMAL_NOISE,
            Shift.NONE,
            Shift.NONE),
        new Scenario(
            "low traffic +3x errors",
            Label.BAD,
            "canary error rate ×3, 15–40 requests per window at 10%",
            LOW_TRAFFIC,
            NORMAL_NOISE,
            Shift.errorsTimes(3),
            Shift.NONE));
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
