package dev.aegis.orchestrator.bench.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decision quality of Aegis's canary judge next to reference judges written from the documented
 * rules of Kayenta, Flagger and Argo Rollouts, on a corpus of labelled health streams (see {@link
 * Scenario#catalogue}, {@link StreamGenerator}): how many bad candidates each catches, how many
 * good ones it rolls back, how many it leaves to a human, and how long (in event time) it takes to
 * decide.
 *
 * <p>Run: {@code ./mvnw -q -pl orchestrator -am test-compile exec:java@quality} with optional
 * {@code -Dquality.suite=corpus|aa|all} (the labelled corpus, the A/A suite of {@link
 * Scenario#aaSuite}, or both; default corpus), {@code -Dquality.runs=200} (runs per scenario or A/A
 * cell), {@code -Dquality.seed=20260101} and {@code -Dquality.noiseScale=1} (0: binomial and
 * sampling noise only, a control). The same runs and seed always give the same table: every run's
 * stream is drawn from its own seed, derived from the base seed, the scenario's name and the run's
 * number, and every judge sees the same streams.
 */
public final class DecisionQualityBenchmark {

  static final int DEFAULT_RUNS = 200;
  static final long DEFAULT_SEED = 20260101L;

  /** A judge under test, by name, made fresh for every run. */
  record JudgeSpec(String name, Function<BenchPolicy, Judge> factory) {}

  static final String ISSUE_4 = "Aegis issue 4 (fixed-horizon, Kayenta-style)";

  static final String KAYENTA = "Kayenta (ref)";

  static final List<JudgeSpec> JUDGES =
      List.of(
          new JudgeSpec("Aegis", AegisJudge::new),
          new JudgeSpec(ISSUE_4, p -> new AegisJudge(p, false)),
          new JudgeSpec(KAYENTA, KayentaReferenceJudge::new),
          new JudgeSpec("Flagger (ref)", FlaggerReferenceJudge::new),
          new JudgeSpec("Argo Rollouts (ref)", ArgoReferenceJudge::new));

  static final String AEGIS = "Aegis";

  /**
   * The A/A suite's judges: Aegis, its fixed-horizon judge of issue 4, those same tests looked at
   * after every window, and the references.
   */
  static final List<JudgeSpec> AA_JUDGES =
      List.of(
          new JudgeSpec(AEGIS, AegisJudge::new),
          new JudgeSpec(ISSUE_4, p -> new AegisJudge(p, false)),
          new JudgeSpec("Issue-4 tests, peeking every window", PeekingReferenceJudge::new),
          new JudgeSpec(KAYENTA, KayentaReferenceJudge::new),
          new JudgeSpec("Flagger (ref)", FlaggerReferenceJudge::new),
          new JudgeSpec("Argo Rollouts (ref)", ArgoReferenceJudge::new));

  /** The policy's α: the A/A false-rollback rate Aegis must stay under. */
  static final double ALPHA = 0.02;

  /** Tallies by scenario name, then by judge name, in the order given. */
  record Results(
      List<Scenario> scenarios, List<JudgeSpec> judges, Map<String, Map<String, Tally>> tallies) {

    Tally of(String scenario, String judge) {
      return tallies.get(scenario).get(judge);
    }

    /** One judge over every scenario with the given label (null: all). */
    Tally overall(String judge, Label label) {
      Tally sum = new Tally();
      for (Scenario s : scenarios) {
        if (label == null || s.label() == label) {
          sum.addAll(of(s.name(), judge));
        }
      }
      return sum;
    }
  }

  private DecisionQualityBenchmark() {}

  public static void main(String[] args) {
    int runs = Integer.getInteger("quality.runs", DEFAULT_RUNS);
    long seed = Long.getLong("quality.seed", DEFAULT_SEED);
    double noiseScale = Double.parseDouble(System.getProperty("quality.noiseScale", "1"));
    String suite = System.getProperty("quality.suite", "corpus");
    if (!List.of("corpus", "aa", "all").contains(suite)) {
      throw new IllegalArgumentException("quality.suite must be corpus, aa or all, was " + suite);
    }
    BenchPolicy policy = BenchPolicy.DEFAULT;
    if (!suite.equals("aa")) {
      corpus(policy, runs, seed, noiseScale);
    }
    if (!suite.equals("corpus")) {
      aa(policy, runs, seed, noiseScale);
    }
  }

  /** The A/A suite: every run good, judged after every window; any rollback is false. */
  static void aa(BenchPolicy policy, int runs, long seed, double noiseScale) {
    long began = System.nanoTime();
    Results results =
        run(
            new StreamGenerator(policy, noiseScale),
            Scenario.aaSuite(policy),
            AA_JUDGES,
            runs,
            seed);
    double seconds = (System.nanoTime() - began) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "A/A suite: %d runs per cell, %d cells, seed %d, noise scale %s; every window judged%n%n",
        runs,
        results.scenarios().size(),
        seed,
        noiseScale);
    System.out.println(aaTable(results));
    System.out.println();
    Tally aegis = results.overall(AEGIS, null);
    System.out.printf(
        Locale.ROOT,
        "A/A false rollbacks ≤ α (%.1f %%): %s (Aegis %s of %d runs, Wilson 95%% upper bound %s)%n",
        ALPHA * 100,
        aegis.goodRolledBack() <= ALPHA * aegis.runs() ? "yes" : "no",
        finePercent(aegis.goodRolledBack(), aegis.runs()),
        aegis.runs(),
        upperPercent(aegis.goodRolledBack(), aegis.runs()));
    System.out.printf(
        Locale.ROOT,
        "(%d streams × %d judges in %.1f s)%n",
        runs * results.scenarios().size(),
        results.judges().size(),
        seconds);
  }

  /**
   * Per A/A cell and judge: false rollbacks (with the Wilson 95% upper bound), paused, promoted;
   * then each judge over all cells.
   */
  static String aaTable(Results results) {
    List<String> lines = new ArrayList<>();
    lines.add("| cell | judge | false rollback | ≤ (95%) | paused | promoted |");
    lines.add("|---|---|---:|---:|---:|---:|");
    for (Scenario s : results.scenarios()) {
      for (JudgeSpec j : results.judges()) {
        lines.add(aaRow(s.name(), j.name(), results.of(s.name(), j.name())));
      }
    }
    for (JudgeSpec j : results.judges()) {
      lines.add(aaRow("**all cells**", j.name(), results.overall(j.name(), null)));
    }
    return String.join("\n", lines);
  }

  private static String aaRow(String cell, String judge, Tally t) {
    return String.join(
        " | ",
        "| " + cell,
        judge,
        finePercent(t.goodRolledBack(), t.runs()),
        upperPercent(t.goodRolledBack(), t.runs()),
        finePercent(t.paused() + t.undecided(), t.runs()),
        finePercent(t.goodPromoted(), t.runs()) + " |");
  }

  /** The Wilson score 95% upper bound of {@code part / whole}. */
  static double wilsonUpper(int part, int whole) {
    if (whole == 0) {
      return Double.NaN;
    }
    double z = 1.959964;
    double n = whole;
    double p = part / n;
    double centre = p + z * z / (2 * n);
    double spread = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    return (centre + spread) / (1 + z * z / n);
  }

  private static String upperPercent(int part, int whole) {
    return whole == 0 ? "—" : String.format(Locale.ROOT, "%.2f%%", 100 * wilsonUpper(part, whole));
  }

  /** The labelled corpus. */
  static void corpus(BenchPolicy policy, int runs, long seed, double noiseScale) {
    long began = System.nanoTime();
    Results results =
        run(
            new StreamGenerator(policy, noiseScale),
            Scenario.catalogue(policy),
            JUDGES,
            runs,
            seed);
    double seconds = (System.nanoTime() - began) / 1e9;
    System.out.println(header(policy, runs, seed, noiseScale));
    System.out.println(table(results));
    System.out.println();
    System.out.println(summaryTable(results));
    System.out.println();
    System.out.println(overallTable(results));
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "(%d streams × %d judges in %.1f s)%n",
        runs * results.scenarios().size(),
        results.judges().size(),
        seconds);
  }

  /** Runs every scenario × {@code runs} seeds through every judge. */
  static Results run(
      BenchPolicy policy, List<Scenario> scenarios, List<JudgeSpec> judges, int runs, long seed) {
    return run(new StreamGenerator(policy), scenarios, judges, runs, seed);
  }

  static Results run(
      StreamGenerator generator,
      List<Scenario> scenarios,
      List<JudgeSpec> judges,
      int runs,
      long seed) {
    BenchPolicy policy = generator.policy();
    Map<String, Map<String, Tally>> tallies = new LinkedHashMap<>();
    for (Scenario scenario : scenarios) {
      Map<String, Tally> byJudge = new LinkedHashMap<>();
      judges.forEach(j -> byJudge.put(j.name(), new Tally()));
      for (int run = 0; run < runs; run++) {
        LabelledStream stream = generator.generate(scenario, runSeed(seed, scenario, run));
        for (JudgeSpec spec : judges) {
          byJudge
              .get(spec.name())
              .add(stream.label(), stream.start(), judge(spec.factory().apply(policy), stream));
        }
      }
      tallies.put(scenario.name(), byJudge);
    }
    return new Results(scenarios, judges, tallies);
  }

  /** Feeds the stream to the judge in event-time order until it decides; empty if it never does. */
  static Optional<Judge.Outcome> judge(Judge judge, LabelledStream stream) {
    for (SimWindow window : stream.windows()) {
      Optional<Judge.Outcome> outcome = judge.observe(window);
      if (outcome.isPresent()) {
        return outcome;
      }
    }
    return Optional.empty();
  }

  /**
   * A run's seed: the base seed, the scenario's name (String.hashCode is fixed by the JLS) and the
   * run.
   */
  static long runSeed(long base, Scenario scenario, int run) {
    long x = base * 0x9E3779B97F4A7C15L + scenario.name().hashCode() * 0xC2B2AE3D27D4EB4FL + run;
    x ^= x >>> 33;
    x *= 0xFF51AFD7ED558CCDL;
    x ^= x >>> 33;
    x *= 0xC4CEB9FE1A85EC53L;
    x ^= x >>> 33;
    return x;
  }

  static String header(BenchPolicy policy, int runs, long seed, double noiseScale) {
    return String.format(
        Locale.ROOT,
        "Decision quality: %d runs per scenario, seed %d, noise scale %s; policy steps %s%% × %d windows of %s, "
            + "error rate < %.1f%%, p95 < %.0f ms, min %d requests per step (Aegis); Kayenta confidence %.2f, "
            + "allowedIncrease %.2f, scores %.0f/%.0f; Flagger threshold %d; "
            + "Argo failureLimit %d, inconclusiveLimit %d%n",
        runs,
        seed,
        noiseScale,
        policy.weights(),
        policy.windowsPerStep(),
        policy.window(),
        policy.maxErrorRate() * 100,
        policy.maxP95Ms(),
        policy.minRequestsPerStep(),
        KayentaReferenceJudge.CONFIDENCE,
        KayentaReferenceJudge.ALLOWED_INCREASE,
        KayentaReferenceJudge.PASS_SCORE,
        KayentaReferenceJudge.MARGINAL_SCORE,
        FlaggerReferenceJudge.DEFAULT_THRESHOLD,
        ArgoReferenceJudge.DEFAULT_FAILURE_LIMIT,
        ArgoReferenceJudge.DEFAULT_INCONCLUSIVE_LIMIT);
  }

  /**
   * Per scenario and judge, as a Markdown table: outcomes, then minutes (= windows) to any
   * decision, to quarantine a bad candidate and to promote a good one.
   */
  static String table(Results results) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "| scenario | truth | judge | bad caught | good rolled back | promoted | paused | undecided "
            + "| median min to decision | p90 | median min to quarantine | p90 | median min to promote |");
    lines.add("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Scenario s : results.scenarios()) {
      for (JudgeSpec j : results.judges()) {
        Tally t = results.of(s.name(), j.name());
        boolean bad = s.label() == Label.BAD;
        lines.add(
            String.join(
                " | ",
                "| " + s.name(),
                s.label().name().toLowerCase(Locale.ROOT),
                j.name(),
                bad ? percent(t.badRolledBack(), t.bad()) : "—",
                bad ? "—" : percent(t.goodRolledBack(), t.good()),
                percent(t.badPromoted() + t.goodPromoted(), t.runs()),
                percent(t.paused(), t.runs()),
                percent(t.undecided(), t.runs()),
                minutes(t.decisionMinutes(0.5)),
                minutes(t.decisionMinutes(0.9)),
                minutes(t.catchMinutes(0.5)),
                minutes(t.catchMinutes(0.9)),
                minutes(t.promoteMinutes(0.5)) + " |"));
      }
    }
    return String.join("\n", lines);
  }

  /**
   * One row per scenario, one column per judge. A bad scenario's cell: caught %, paused % and the
   * median / p90 minutes to quarantine; a good one's: rolled back %, paused % and the median
   * minutes to promote.
   */
  static String summaryTable(Results results) {
    List<String> lines = new ArrayList<>();
    StringBuilder head = new StringBuilder("| scenario | truth |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (JudgeSpec j : results.judges()) {
      head.append(' ').append(j.name()).append(" |");
      rule.append("---|");
    }
    lines.add(head.toString());
    lines.add(rule.toString());
    for (Scenario s : results.scenarios()) {
      StringBuilder row =
          new StringBuilder(
              "| " + s.name() + " | " + s.label().name().toLowerCase(Locale.ROOT) + " |");
      for (JudgeSpec j : results.judges()) {
        row.append(' ').append(summaryCell(s.label(), results.of(s.name(), j.name()))).append(" |");
      }
      lines.add(row.toString());
    }
    lines.add(
        "\nBad: caught %, paused %, median / p90 minutes to quarantine. "
            + "Good: rolled back %, paused %, median minutes to promote. 1 window = 1 minute.");
    return String.join("\n", lines);
  }

  static String summaryCell(Label label, Tally t) {
    if (label == Label.BAD) {
      return String.format(
          Locale.ROOT,
          "%s caught, %s paused, %s / %s",
          percent(t.badRolledBack(), t.bad()),
          percent(t.paused(), t.runs()),
          minutes(t.catchMinutes(0.5)),
          minutes(t.catchMinutes(0.9)));
    }
    return String.format(
        Locale.ROOT,
        "%s rolled back, %s paused, %s",
        percent(t.goodRolledBack(), t.good()),
        percent(t.paused(), t.runs()),
        minutes(t.promoteMinutes(0.5)));
  }

  /** Per judge over the whole corpus, as a Markdown table. */
  static String overallTable(Results results) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "| judge | bad caught | good rolled back | paused or undecided | median min to decision | p90 "
            + "| median min to catch a bad one | p90 | median min to promote a good one |");
    lines.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (JudgeSpec j : results.judges()) {
      Tally bad = results.overall(j.name(), Label.BAD);
      Tally good = results.overall(j.name(), Label.GOOD);
      Tally all = results.overall(j.name(), null);
      lines.add(
          String.join(
              " | ",
              "| " + j.name(),
              percent(bad.badRolledBack(), bad.bad()),
              percent(good.goodRolledBack(), good.good()),
              percent(all.paused() + all.undecided(), all.runs()),
              minutes(all.decisionMinutes(0.5)),
              minutes(all.decisionMinutes(0.9)),
              minutes(bad.catchMinutes(0.5)),
              minutes(bad.catchMinutes(0.9)),
              minutes(good.promoteMinutes(0.5)) + " |"));
    }
    return String.join("\n", lines);
  }

  private static String finePercent(int part, int whole) {
    return whole == 0 ? "—" : String.format(Locale.ROOT, "%.2f%%", 100.0 * part / whole);
  }

  private static String percent(int part, int whole) {
    return whole == 0 ? "—" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }

  private static String minutes(double value) {
    return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%.0f", value);
  }
}
