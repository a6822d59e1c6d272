package dev.aegis.orchestrator.bench.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's own parts: the generator is repeatable and labels truly, the accounting adds up.
 */
class DecisionQualityBenchmarkTest {

  private static final BenchPolicy POLICY = BenchPolicy.DEFAULT;
  private static final StreamGenerator GENERATOR = new StreamGenerator(POLICY);

  private static Scenario scenario(String name) {
    return Scenario.catalogue(POLICY).stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theSameSeedGivesTheSameStreamAndAnotherSeedAnother() {
    Scenario noisy = scenario("noisy good");
    LabelledStream once = GENERATOR.generate(noisy, 7);
    LabelledStream again = GENERATOR.generate(noisy, 7);
    LabelledStream other = GENERATOR.generate(noisy, 8);

    assertThat(again.windows()).isEqualTo(once.windows());
    assertThat(other.windows()).isNotEqualTo(once.windows());
    assertThat(DecisionQualityBenchmark.runSeed(1, noisy, 3))
        .isEqualTo(DecisionQualityBenchmark.runSeed(1, noisy, 3))
        .isNotEqualTo(DecisionQualityBenchmark.runSeed(1, noisy, 4))
        .isNotEqualTo(DecisionQualityBenchmark.runSeed(1, scenario("good"), 3));
  }

  @Test
  void aStreamHasOneBaselineThenOneCanaryWindowPerIntervalAndTrafficFollowsTheSchedule() {
    LabelledStream stream = GENERATOR.generate(scenario("good"), 1);

    assertThat(stream.windows()).hasSize(2 * GENERATOR.streamWindows());
    for (int i = 0; i < GENERATOR.streamWindows(); i++) {
      SimWindow baseline = stream.windows().get(2 * i);
      SimWindow canary = stream.windows().get(2 * i + 1);
      assertThat(baseline.track()).isEqualTo(SimWindow.Track.BASELINE);
      assertThat(canary.track()).isEqualTo(SimWindow.Track.CANARY);
      assertThat(canary.end())
          .isEqualTo(baseline.end())
          .isEqualTo(stream.start().plus(POLICY.window().multipliedBy(i + 1)));
      assertThat(canary.weight()).isEqualTo(POLICY.weightAt(i));
    }
    long firstStep =
        stream.track(SimWindow.Track.CANARY).subList(0, 10).stream()
            .mapToLong(SimWindow::requests)
            .sum();
    long lastStep =
        stream.track(SimWindow.Track.CANARY).subList(20, 30).stream()
            .mapToLong(SimWindow::requests)
            .sum();
    assertThat((double) lastStep / firstStep).isBetween(8.0, 12.0); // 100% against 10%
  }

  @Test
  void aPlusThreePointStreamShowsTheCanaryFailingMoreThanTheBaselineInEveryRun() {
    Scenario errors = scenario("errors +3pp");
    assertThat(errors.label()).isEqualTo(Label.BAD);
    for (long seed = 0; seed < 20; seed++) {
      LabelledStream stream = GENERATOR.generate(errors, seed);
      int all = GENERATOR.streamWindows();
      double canary = stream.observedErrorRate(SimWindow.Track.CANARY, 0, all);
      double baseline = stream.observedErrorRate(SimWindow.Track.BASELINE, 0, all);
      assertThat(canary - baseline).as("seed %d", seed).isBetween(0.02, 0.04);
      assertThat(baseline).as("seed %d", seed).isBetween(0.003, 0.013);
    }
  }

  @Test
  void latencyLabelsAndDriftsShowInTheObservedValues() {
    int all = GENERATOR.streamWindows();
    LabelledStream slower = GENERATOR.generate(scenario("p95 +50%"), 3);
    assertThat(
            slower.observedP95(SimWindow.Track.CANARY, 0, all)
                / slower.observedP95(SimWindow.Track.BASELINE, 0, all))
        .isBetween(1.4, 1.6);

    LabelledStream drift = GENERATOR.generate(scenario("drift errors"), 3);
    double early =
        drift.observedErrorRate(SimWindow.Track.CANARY, 0, 5)
            - drift.observedErrorRate(SimWindow.Track.BASELINE, 0, 5);
    double late =
        drift.observedErrorRate(SimWindow.Track.CANARY, 30, all)
            - drift.observedErrorRate(SimWindow.Track.BASELINE, 30, all);
    assertThat(early).isLessThan(0.01);
    assertThat(late).isBetween(0.025, 0.035);

    LabelledStream shared = GENERATOR.generate(scenario("baseline degrades"), 3);
    assertThat(shared.label()).isEqualTo(Label.GOOD);
    double before = shared.observedP95(SimWindow.Track.BASELINE, 0, 8);
    double after = shared.observedP95(SimWindow.Track.BASELINE, 20, all);
    assertThat(after / before).isBetween(1.2, 1.4);
    assertThat(shared.observedP95(SimWindow.Track.CANARY, 20, all) / after).isBetween(0.95, 1.05);
  }

  @Test
  void lowTrafficStreamsHaveFewRequestsPerWindowAtTenPercent() {
    LabelledStream stream = GENERATOR.generate(scenario("low traffic good"), 5);
    List<SimWindow> firstStep = stream.track(SimWindow.Track.CANARY).subList(0, 10);
    double mean = firstStep.stream().mapToLong(SimWindow::requests).average().orElseThrow();
    assertThat(mean).isBetween(10.0, 50.0);
  }

  @Test
  void theSamplersHitTheirMeans() {
    SplittableRandom random = new SplittableRandom(11);
    long errors = 0;
    long requests = 0;
    for (int i = 0; i < 2000; i++) {
      long n = StreamGenerator.poisson(random, 40);
      requests += n;
      errors += StreamGenerator.binomial(random, n, 0.05);
    }
    assertThat(requests / 2000.0).isBetween(39.0, 41.0);
    assertThat((double) errors / requests).isBetween(0.045, 0.055);
    assertThat(StreamGenerator.binomial(random, 10, 1.0)).isEqualTo(10);
    assertThat(StreamGenerator.binomial(random, 10, 0.0)).isZero();
  }

  /** A judge that decides on a given canary window, by its index; never otherwise. */
  private record Scripted(int decideAt, Judge.Decision decision) implements Judge {
    @Override
    public Optional<Outcome> observe(SimWindow window) {
      if (window.track() == SimWindow.Track.CANARY && window.index() == decideAt) {
        return Optional.of(new Outcome(decision, window.end(), "scripted"));
      }
      return Optional.empty();
    }
  }

  @Test
  void theRunnerStopsAtTheFirstDecisionAndTalliesEachKindOfOutcome() {
    LabelledStream good = GENERATOR.generate(scenario("good"), 1);
    LabelledStream bad = GENERATOR.generate(scenario("errors +3pp"), 1);

    Optional<Judge.Outcome> caught =
        DecisionQualityBenchmark.judge(new Scripted(3, Judge.Decision.ROLLBACK), bad);
    assertThat(caught).map(Judge.Outcome::at).contains(bad.start().plus(Duration.ofMinutes(4)));
    assertThat(DecisionQualityBenchmark.judge(new Scripted(10_000, Judge.Decision.PROMOTE), good))
        .isEmpty();

    Tally tally = new Tally();
    tally.add(Label.BAD, bad.start(), caught); // caught at 4
    tally.add(
        Label.BAD,
        bad.start(),
        DecisionQualityBenchmark.judge(
            new Scripted(9, Judge.Decision.ROLLBACK), bad)); // caught at 10
    tally.add(
        Label.BAD,
        bad.start(),
        DecisionQualityBenchmark.judge(
            new Scripted(29, Judge.Decision.PROMOTE), bad)); // missed at 30
    tally.add(
        Label.GOOD,
        good.start(),
        DecisionQualityBenchmark.judge(
            new Scripted(1, Judge.Decision.ROLLBACK), good)); // false alarm at 2
    tally.add(
        Label.GOOD,
        good.start(),
        DecisionQualityBenchmark.judge(
            new Scripted(29, Judge.Decision.PROMOTE), good)); // promoted at 30
    tally.add(
        Label.GOOD,
        good.start(),
        DecisionQualityBenchmark.judge(new Scripted(5, Judge.Decision.PAUSE), good)); // paused
    tally.add(
        Label.GOOD,
        good.start(),
        DecisionQualityBenchmark.judge(
            new Scripted(10_000, Judge.Decision.PROMOTE), good)); // undecided

    assertThat(tally.runs()).isEqualTo(7);
    assertThat(tally.bad()).isEqualTo(3);
    assertThat(tally.good()).isEqualTo(4);
    assertThat(tally.badRolledBack()).isEqualTo(2);
    assertThat(tally.badPromoted()).isEqualTo(1);
    assertThat(tally.goodRolledBack()).isEqualTo(1);
    assertThat(tally.goodPromoted()).isEqualTo(1);
    assertThat(tally.paused()).isEqualTo(1);
    assertThat(tally.undecided()).isEqualTo(1);
    assertThat(tally.caughtShare()).isEqualTo(2.0 / 3);
    assertThat(tally.falseRollbackShare()).isEqualTo(0.25);
    assertThat(tally.pausedOrUndecidedShare()).isEqualTo(2.0 / 7);
    // decisions at 2, 4, 10, 30, 30 minutes; pauses and undecided runs have no time to decision
    assertThat(tally.decisionMinutes(0.5)).isEqualTo(10.0);
    assertThat(tally.decisionMinutes(0.9)).isEqualTo(30.0);
    assertThat(tally.catchMinutes(0.5)).isEqualTo(4.0);
  }

  @Test
  void theRunnerTalliesEveryRunOfEveryScenarioForEveryJudge() {
    List<Scenario> two = List.of(scenario("good"), scenario("errors +3pp"));
    List<DecisionQualityBenchmark.JudgeSpec> judges =
        List.of(
            new DecisionQualityBenchmark.JudgeSpec(
                "rolls back at once", p -> new Scripted(0, Judge.Decision.ROLLBACK)),
            new DecisionQualityBenchmark.JudgeSpec(
                "promotes on time",
                p -> new Scripted(p.scheduleWindows() - 1, Judge.Decision.PROMOTE)));

    DecisionQualityBenchmark.Results results =
        DecisionQualityBenchmark.run(POLICY, two, judges, 3, 42);

    Tally alarmist = results.overall("rolls back at once", null);
    assertThat(alarmist.runs()).isEqualTo(6);
    assertThat(alarmist.caughtShare()).isEqualTo(1.0);
    assertThat(alarmist.falseRollbackShare()).isEqualTo(1.0);
    assertThat(alarmist.decisionMinutes(0.5)).isEqualTo(1.0);
    Tally lenient = results.of("errors +3pp", "promotes on time");
    assertThat(lenient.badPromoted()).isEqualTo(3);
    assertThat(lenient.caughtShare()).isZero();
    assertThat(lenient.decisionMinutes(0.9)).isEqualTo(30.0);
    assertThat(DecisionQualityBenchmark.table(results))
        .contains("| errors +3pp | bad | rolls back at once | 100.0% | — |");
  }

  @Test
  void theQuantileIsTheNearestRank() {
    List<Double> values = new ArrayList<>(List.of(5.0, 1.0, 3.0, 2.0, 4.0));
    assertThat(Tally.quantile(values, 0.5)).isEqualTo(3.0);
    assertThat(Tally.quantile(values, 0.9)).isEqualTo(5.0);
    assertThat(Tally.quantile(List.of(), 0.5)).isNaN();
  }

  /** Windows of one interval each, canary only, with the given (requests, errors, p95). */
  private static List<SimWindow> canaryWindows(long[][] windows) {
    List<SimWindow> out = new ArrayList<>();
    Instant t = StreamGenerator.T0;
    for (int i = 0; i < windows.length; i++) {
      long[] w = windows[i];
      out.add(
          new SimWindow(
              SimWindow.Track.CANARY,
              i,
              t.plus(POLICY.window().multipliedBy(i)),
              t.plus(POLICY.window().multipliedBy(i + 1)),
              POLICY.weightAt(i),
              w[0],
              w[1],
              w[2] / 2.0,
              w[2],
              w[2] * 1.6));
    }
    return out;
  }

  private static Optional<Judge.Outcome> feed(Judge judge, List<SimWindow> windows) {
    for (SimWindow w : windows) {
      Optional<Judge.Outcome> o = judge.observe(w);
      if (o.isPresent()) {
        return o;
      }
    }
    return Optional.empty();
  }

  @Test
  void flaggerRollsBackOnTheFifthFailedIntervalEvenWithPassesBetween() {
    long[] pass = {1000, 5, 300};
    long[] fail = {1000, 50, 300};
    List<SimWindow> windows =
        canaryWindows(new long[][] {fail, pass, fail, fail, pass, fail, pass, fail, pass});

    Optional<Judge.Outcome> outcome = feed(new FlaggerReferenceJudge(POLICY), windows);

    assertThat(outcome).map(Judge.Outcome::decision).contains(Judge.Decision.ROLLBACK);
    assertThat(outcome).map(Judge.Outcome::at).contains(windows.get(7).end());
  }

  @Test
  void flaggerCountsAWindowWithoutRequestsAsAFailedCheckAndPromotesAfterTheWholeSchedule() {
    long[] pass = {1000, 5, 300};
    long[] empty = {0, 0, 0};
    long[][] script = new long[POLICY.scheduleWindows() + 1][];
    for (int i = 0; i < script.length; i++) {
      script[i] = i == 4 ? empty : pass;
    }
    Optional<Judge.Outcome> outcome =
        feed(new FlaggerReferenceJudge(POLICY, 1), canaryWindows(script));
    assertThat(outcome).map(Judge.Outcome::decision).contains(Judge.Decision.ROLLBACK);

    List<SimWindow> clean =
        canaryWindows(Stream.generate(() -> pass).limit(40).toArray(long[][]::new));
    Optional<Judge.Outcome> promoted = feed(new FlaggerReferenceJudge(POLICY), clean);
    assertThat(promoted).map(Judge.Outcome::decision).contains(Judge.Decision.PROMOTE);
    assertThat(promoted)
        .map(Judge.Outcome::at)
        .contains(clean.get(POLICY.scheduleWindows() - 1).end());
  }

  @Test
  void argoAbortsWhenAMetricFailsMoreThanFailureLimitTimesAndPausesOnANoDataMeasurement() {
    long[] pass = {1000, 5, 300};
    long[] slow = {1000, 5, 900};
    List<SimWindow> windows =
        canaryWindows(new long[][] {slow, pass, slow, slow, pass, slow, pass});
    Optional<Judge.Outcome> aborted = feed(new ArgoReferenceJudge(POLICY), windows);
    assertThat(aborted).map(Judge.Outcome::decision).contains(Judge.Decision.ROLLBACK);
    assertThat(aborted)
        .map(Judge.Outcome::at)
        .contains(windows.get(5).end()); // the 4th failure: > failureLimit 3

    List<SimWindow> gap = canaryWindows(new long[][] {pass, {0, 0, 0}, pass});
    Optional<Judge.Outcome> paused = feed(new ArgoReferenceJudge(POLICY), gap);
    assertThat(paused).map(Judge.Outcome::decision).contains(Judge.Decision.PAUSE);
    assertThat(paused).map(Judge.Outcome::at).contains(gap.get(1).end());
  }

  @Test
  void theAegisAdapterRollsBackAnObviouslyBrokenCandidateAndPromotesAFlawlessOne() {
    Scenario shape = scenario("good");
    Map<String, Optional<Judge.Outcome>> outcomes =
        Map.of(
            "broken",
                DecisionQualityBenchmark.judge(
                    new AegisJudge(POLICY), withCanaryErrors(GENERATOR.generate(shape, 2), 0.5)),
            "flawless",
                DecisionQualityBenchmark.judge(
                    new AegisJudge(POLICY), GENERATOR.generate(shape, 2)));

    assertThat(outcomes.get("broken"))
        .map(Judge.Outcome::decision)
        .contains(Judge.Decision.ROLLBACK);
    assertThat(outcomes.get("flawless"))
        .map(Judge.Outcome::decision)
        .contains(Judge.Decision.PROMOTE);
  }

  @Test
  void theAaSuiteIsTenGoodCellsWithoutShiftsFrom10To5000CanaryRequestsAtStepOne() {
    List<Scenario> cells = Scenario.aaSuite(POLICY);

    assertThat(cells).hasSize(10);
    assertThat(cells).allMatch(c -> c.label() == Label.GOOD);
    assertThat(cells)
        .allMatch(c -> c.candidate().equals(Scenario.Shift.NONE))
        .allMatch(c -> c.service().equals(Scenario.Shift.NONE));
    assertThat(cells.stream().map(Scenario::noise).distinct())
        .containsExactlyInAnyOrder(Scenario.NORMAL_NOISE, Scenario.HIGH_NOISE);
    for (Scenario cell : cells) {
      LabelledStream stream = GENERATOR.generate(cell, 3);
      double stepOne =
          stream.windows().stream()
              .filter(w -> w.track() == SimWindow.Track.CANARY)
              .limit(POLICY.windowsPerStep())
              .mapToLong(SimWindow::requests)
              .average()
              .orElseThrow();
      double expected = cell.traffic().min() * POLICY.weights().get(0) / 100;
      assertThat(cell.traffic().max()).isEqualTo(cell.traffic().min());
      assertThat(stepOne)
          .as(cell.name())
          .isCloseTo(expected, org.assertj.core.api.Assertions.within(5 * Math.sqrt(expected)));
    }
    assertThat(cells.stream().map(c -> c.traffic().min() / 10).distinct().sorted())
        .containsExactly(10.0, 40.0, 200.0, 1_000.0, 5_000.0);
  }

  @Test
  void thePeekingJudgeRollsBackOnTheFirstSignificantLookAndPromotesACleanRunOnSchedule() {
    long[] baseline = {1000, 5, 300};
    List<SimWindow> bad = pairedWindows(baseline, new long[] {1000, 50, 300}, 5);

    Optional<Judge.Outcome> rolledBack = feed(new PeekingReferenceJudge(POLICY), bad);

    assertThat(rolledBack).map(Judge.Outcome::decision).contains(Judge.Decision.ROLLBACK);
    assertThat(rolledBack)
        .as("the first look is at the step's second canary window")
        .map(Judge.Outcome::at)
        .contains(bad.get(3).end());

    List<SimWindow> clean = pairedWindows(baseline, baseline, POLICY.scheduleWindows() + 5);
    Optional<Judge.Outcome> promoted = feed(new PeekingReferenceJudge(POLICY), clean);
    assertThat(promoted).map(Judge.Outcome::decision).contains(Judge.Decision.PROMOTE);
    assertThat(promoted)
        .map(Judge.Outcome::at)
        .contains(clean.get(2 * POLICY.scheduleWindows() - 1).end());
  }

  @Test
  void aegisRollsBackAtMostAlphaOfFiveHundredAaRunsJudgedAfterEveryWindow() {
    DecisionQualityBenchmark.Results results =
        DecisionQualityBenchmark.run(
            POLICY,
            Scenario.aaSuite(POLICY),
            List.of(DecisionQualityBenchmark.AA_JUDGES.get(0)),
            50,
            DecisionQualityBenchmark.DEFAULT_SEED);

    Tally aegis = results.overall(DecisionQualityBenchmark.AEGIS, null);
    System.out.printf(
        "A/A sample: Aegis rolled back %d of %d good runs%n", aegis.goodRolledBack(), aegis.runs());
    assertThat(aegis.runs()).isEqualTo(500);
    assertThat(aegis.goodRolledBack())
        .isLessThanOrEqualTo((int) (DecisionQualityBenchmark.ALPHA * aegis.runs()));
  }

  /** {@code count} intervals, each a baseline window then a canary window. */
  private static List<SimWindow> pairedWindows(long[] baseline, long[] canary, int count) {
    List<SimWindow> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(simWindow(SimWindow.Track.BASELINE, i, baseline));
      out.add(simWindow(SimWindow.Track.CANARY, i, canary));
    }
    return out;
  }

  private static SimWindow simWindow(SimWindow.Track track, int i, long[] w) {
    Instant t = StreamGenerator.T0;
    return new SimWindow(
        track,
        i,
        t.plus(POLICY.window().multipliedBy(i)),
        t.plus(POLICY.window().multipliedBy(i + 1)),
        POLICY.weightAt(i),
        w[0],
        w[1],
        w[2] / 2.0,
        w[2],
        w[2] * 1.6);
  }

  /** The same stream with half of every canary window's requests failing. */
  private static LabelledStream withCanaryErrors(LabelledStream stream, double share) {
    List<SimWindow> windows =
        stream.windows().stream()
            .map(
                w ->
                    w.track() != SimWindow.Track.CANARY
                        ? w
                        : new SimWindow(
                            w.track(),
                            w.index(),
                            w.start(),
                            w.end(),
                            w.weight(),
                            w.requests(),
                            Math.round(w.requests() * share),
                            w.p50Ms(),
                            w.p95Ms(),
                            w.p99Ms()))
            .toList();
    return new LabelledStream(
        stream.scenario(),
        stream.seed(),
        Label.BAD,
        stream.start(),
        stream.baseErrorRate(),
        stream.baseP95Ms(),
        stream.trafficPerWindow(),
        windows);
  }
}
