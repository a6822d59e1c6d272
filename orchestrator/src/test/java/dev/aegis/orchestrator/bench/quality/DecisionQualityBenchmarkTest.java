package dev.aegis.orchestrator.bench.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * A stream's windows folded into one number (track, index, requests, errors and the p95's bits),
   * so a test can pin whole streams.
   */
  static long fingerprint(LabelledStream stream) {
    long h = 17;
    for (SimWindow w : stream.windows()) {
      h = h * 31 + w.track().ordinal();
      h = h * 31 + w.index();
      h = h * 31 + w.requests();
      h = h * 31 + w.errors();
      h = h * 31 + Double.doubleToLongBits(w.p95Ms());
    }
    return h;
  }

  /** Seed 1's fingerprint of every scenario of the first corpus and of the A/A suite. */
  private static final Map<String, Long> FIRST_CORPUS_SEED_1 =
      Map.ofEntries(
          Map.entry("good", -8881861885171727045L),
          Map.entry("errors +1pp", -8878774195292829047L),
          Map.entry("errors +3pp", 406337766889716876L),
          Map.entry("p95 +20%", -3967357880770843241L),
          Map.entry("p95 +50%", -7506005429055374399L),
          Map.entry("drift errors", 8218682983840941831L),
          Map.entry("drift latency", 1470519840242402147L),
          Map.entry("noisy good", 7998436431570970398L),
          Map.entry("low traffic good", -8165781532010820258L),
          Map.entry("low traffic +3pp", -3799214478673297508L),
          Map.entry("baseline degrades", 5487981355282777733L),
          Map.entry("A/A 10 req calm", 6401633022887125418L),
          Map.entry("A/A 40 req calm", 8730063591323909584L),
          Map.entry("A/A 200 req calm", -677312083655984460L),
          Map.entry("A/A 1000 req calm", -3490608214989924917L),
          Map.entry("A/A 5000 req calm", -4339852413577150905L),
          Map.entry("A/A 10 req noisy", -5974443154851058663L),
          Map.entry("A/A 40 req noisy", -553226465954011841L),
          Map.entry("A/A 200 req noisy", 2140773224918225670L),
          Map.entry("A/A 1000 req noisy", -5433701409606701534L),
          Map.entry("A/A 5000 req noisy", -5695613815594945617L));

  @Test
  void theNewScenarioFeaturesLeaveTheExistingStreamsExactlyAsTheyWere() {
    LabelledStream good = GENERATOR.generate(scenario("good"), 1);
    List<SimWindow> first = good.windows().subList(0, 6);
    // (track, requests, errors, p95) of windows 0-2, as the generator gave them before the features
    assertThat(first)
        .extracting(SimWindow::track, SimWindow::requests, SimWindow::errors, SimWindow::p95Ms)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                SimWindow.Track.BASELINE, 1032L, 10L, 280.39701465637984),
            org.assertj.core.groups.Tuple.tuple(
                SimWindow.Track.CANARY, 948L, 10L, 280.7560603403338),
            org.assertj.core.groups.Tuple.tuple(
                SimWindow.Track.BASELINE, 925L, 8L, 332.92959329942084),
            org.assertj.core.groups.Tuple.tuple(
                SimWindow.Track.CANARY, 929L, 4L, 337.2650797178644),
            org.assertj.core.groups.Tuple.tuple(
                SimWindow.Track.BASELINE, 961L, 6L, 252.9866950517892),
            org.assertj.core.groups.Tuple.tuple(
                SimWindow.Track.CANARY, 961L, 9L, 285.7368381697003));

    List<Scenario> pinned = new ArrayList<>(Scenario.catalogue(POLICY).subList(0, 11));
    pinned.addAll(Scenario.aaSuite(POLICY));
    assertThat(pinned)
        .extracting(Scenario::name)
        .containsExactlyInAnyOrderElementsOf(FIRST_CORPUS_SEED_1.keySet());
    for (Scenario s : pinned) {
      assertThat(fingerprint(GENERATOR.generate(s, 1)))
          .as(s.name())
          .isEqualTo(FIRST_CORPUS_SEED_1.get(s.name()));
    }
  }

  @Test
  void theCorpusHasTheNewScenariosWithTheirTruth() {
    Map<String, Label> expected =
        Map.of(
            "low traffic +1pp", Label.BAD,
            "intermittent +3pp", Label.BAD,
            "bimodal latency good", Label.GOOD,
            "bimodal latency bad", Label.BAD,
            "shared burst good", Label.GOOD,
            "diurnal good", Label.GOOD,
            "low traffic +3x errors", Label.BAD);
    expected.forEach((name, label) -> assertThat(scenario(name).label()).as(name).isEqualTo(label));

    LabelledStream modest = GENERATOR.generate(scenario("low traffic +1pp"), 5);
    double stepOne =
        modest.track(SimWindow.Track.CANARY).subList(0, 10).stream()
            .mapToLong(SimWindow::requests)
            .average()
            .orElseThrow();
    assertThat(stepOne).isBetween(30.0, 95.0);
  }

  @Test
  void anIntermittentShiftDegradesOnlyEveryThirdWindow() {
    Scenario.Shift shift = scenario("intermittent +3pp").candidate();
    assertThat(List.of(0, 1, 2, 3, 4, 5, 6))
        .map(shift::extent)
        .containsExactly(1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0);

    long[] shifted =
        new long[4]; // canary errors, canary requests, baseline errors, baseline requests
    long[] others = new long[4];
    for (long seed = 0; seed < 20; seed++) {
      for (SimWindow w : GENERATOR.generate(scenario("intermittent +3pp"), seed).windows()) {
        long[] sums = w.index() % 3 == 0 ? shifted : others;
        int at = w.track() == SimWindow.Track.CANARY ? 0 : 2;
        sums[at] += w.errors();
        sums[at + 1] += w.requests();
      }
    }
    double shiftedGap = (double) shifted[0] / shifted[1] - (double) shifted[2] / shifted[3];
    double otherGap = (double) others[0] / others[1] - (double) others[2] / others[3];
    assertThat(shiftedGap).isBetween(0.025, 0.035);
    assertThat(otherGap).isBetween(-0.002, 0.002);
  }

  @Test
  void aSharedBurstHitsBothTracksInTheSameWindows() {
    Scenario burst = scenario("shared burst good");
    long[] inBurst =
        new long[4]; // canary errors, canary requests, baseline errors, baseline requests
    long[] outside = new long[4];
    int burstWindows = 0;
    int windows = 0;
    for (long seed = 0; seed < 20; seed++) {
      boolean[] bursts = StreamGenerator.burstWindows(burst, seed, GENERATOR.streamWindows());
      for (boolean b : bursts) {
        burstWindows += b ? 1 : 0;
        windows++;
      }
      for (SimWindow w : GENERATOR.generate(burst, seed).windows()) {
        long[] sums = bursts[w.index()] ? inBurst : outside;
        int at = w.track() == SimWindow.Track.CANARY ? 0 : 2;
        sums[at] += w.errors();
        sums[at + 1] += w.requests();
      }
    }
    assertThat((double) burstWindows / windows).isBetween(0.06, 0.14);
    double canaryRatio = ((double) inBurst[0] / inBurst[1]) / ((double) outside[0] / outside[1]);
    double baselineRatio = ((double) inBurst[2] / inBurst[3]) / ((double) outside[2] / outside[3]);
    assertThat(canaryRatio).as("canary, burst windows against the others").isBetween(4.0, 6.0);
    assertThat(baselineRatio).as("baseline, burst windows against the others").isBetween(4.0, 6.0);
    assertThat(StreamGenerator.burstWindows(scenario("good"), 1, 60)).doesNotContain(true);
  }

  @Test
  void diurnalTrafficOscillatesOnBothTracksOverTheRun() {
    Scenario diurnal = scenario("diurnal good");
    LabelledStream stream = GENERATOR.generate(diurnal, 4);
    double lowest = Double.MAX_VALUE;
    double highest = 0;
    // from window 20 on the weight is 100%: requests / traffic is the day's factor, 0.4 to 1.6
    for (SimWindow w : stream.windows()) {
      if (w.index() < 2 * POLICY.windowsPerStep()) {
        continue;
      }
      double level = w.requests() / stream.trafficPerWindow();
      assertThat(level)
          .as("%s window %d", w.track(), w.index())
          .isCloseTo(
              diurnal.traffic().diurnalFactor(w.index()),
              org.assertj.core.api.Assertions.within(0.1));
      lowest = Math.min(lowest, level);
      highest = Math.max(highest, level);
    }
    assertThat(lowest).isLessThan(0.5); // the trough, 0.4 at window 45
    assertThat(highest).isGreaterThan(1.2); // 1.52 at window 20, past the peak of 1.6 at window 15
    assertThat(diurnal.traffic().diurnalFactor(15))
        .isCloseTo(1.6, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void aBimodalLatencyIsSlowInItsShareOfWindows() {
    double[] good = slowShares(scenario("bimodal latency good"));
    double[] bad = slowShares(scenario("bimodal latency bad"));
    assertThat(good[0]).as("good, baseline").isBetween(0.14, 0.26);
    assertThat(good[1]).as("good, canary").isBetween(0.14, 0.26);
    assertThat(bad[0]).as("bad, baseline").isBetween(0.14, 0.26);
    assertThat(bad[1]).as("bad, canary").isBetween(0.42, 0.58);
  }

  /** Share of baseline and canary windows whose p95 is above 1.4 × the run's true p95. */
  private static double[] slowShares(Scenario scenario) {
    int[] slow = new int[2];
    int[] all = new int[2];
    for (long seed = 0; seed < 20; seed++) {
      LabelledStream stream = GENERATOR.generate(scenario, seed);
      for (SimWindow w : stream.windows()) {
        int at = w.track() == SimWindow.Track.BASELINE ? 0 : 1;
        all[at]++;
        slow[at] += w.p95Ms() > 1.4 * stream.baseP95Ms() ? 1 : 0;
      }
    }
    return new double[] {(double) slow[0] / all[0], (double) slow[1] / all[1]};
  }

  @Test
  void kayentaFailsAClearlyBadCandidateAtTheFirstStepEndAndPromotesAFlawlessOneAfterTheSchedule() {
    LabelledStream flawless = GENERATOR.generate(scenario("good"), 2);
    LabelledStream broken = withCanaryErrors(flawless, 0.5);

    Optional<Judge.Outcome> rolledBack =
        DecisionQualityBenchmark.judge(new KayentaReferenceJudge(POLICY), broken);
    assertThat(rolledBack).map(Judge.Outcome::decision).contains(Judge.Decision.ROLLBACK);
    assertThat(rolledBack)
        .as("fixed horizon: no look before the step's end")
        .map(Judge.Outcome::at)
        .contains(broken.start().plus(POLICY.stepDuration()));
    assertThat(rolledBack)
        .map(Judge.Outcome::detail)
        .hasValueSatisfying(d -> assertThat(d).contains("High: error rate"));

    Optional<Judge.Outcome> promoted =
        DecisionQualityBenchmark.judge(new KayentaReferenceJudge(POLICY), flawless);
    assertThat(promoted).map(Judge.Outcome::decision).contains(Judge.Decision.PROMOTE);
    assertThat(promoted)
        .map(Judge.Outcome::at)
        .contains(flawless.start().plus(POLICY.window().multipliedBy(POLICY.scheduleWindows())));
  }

  @Test
  void kayentaClassifiesHighOnlyAboveTheEffectSizeAndNeverALowerCanary() {
    double[] baseline = {300, 301, 302, 303, 304, 305, 306, 307, 308, 309};
    double[] slower = Arrays.stream(baseline).map(v -> v * 1.3).toArray();
    double[] slightly = Arrays.stream(baseline).map(v -> v + 20).toArray(); // mean ratio 1.066
    double[] faster = Arrays.stream(baseline).map(v -> v * 0.7).toArray();

    assertThat(KayentaReferenceJudge.classify(slower, baseline))
        .isEqualTo(KayentaReferenceJudge.Classification.HIGH);
    assertThat(KayentaReferenceJudge.classify(baseline.clone(), baseline))
        .isEqualTo(KayentaReferenceJudge.Classification.PASS);
    assertThat(KayentaReferenceJudge.classify(faster, baseline))
        .isEqualTo(KayentaReferenceJudge.Classification.PASS);
    // significant (every canary value above every baseline value, so the interval's lower end is
    // above a quarter of the estimate 20) but a mean ratio under allowedIncrease 1.1
    assertThat(KayentaReferenceJudge.lowerConfidenceAbove(slightly, baseline, 5)).isTrue();
    assertThat(KayentaReferenceJudge.classify(slightly, baseline))
        .isEqualTo(KayentaReferenceJudge.Classification.PASS);
    assertThat(KayentaReferenceJudge.hodgesLehmann(new double[] {5, 7}, new double[] {1, 2}))
        .isEqualTo(4.5);
  }

  @Test
  void theTallyGivesNearestRankMedianAndP90OfMinutesToQuarantineAndToPromote() {
    Instant start = StreamGenerator.T0;
    Tally tally = new Tally();
    for (int minutes : new int[] {7, 3, 12, 4, 20, 5, 9, 6, 30, 8}) {
      tally.add(
          Label.BAD,
          start,
          Optional.of(
              new Judge.Outcome(
                  Judge.Decision.ROLLBACK, start.plus(Duration.ofMinutes(minutes)), "")));
    }
    for (int minutes : new int[] {30, 40, 30}) {
      tally.add(
          Label.GOOD,
          start,
          Optional.of(
              new Judge.Outcome(
                  Judge.Decision.PROMOTE, start.plus(Duration.ofMinutes(minutes)), "")));
    }
    tally.add(
        Label.BAD,
        start,
        Optional.of(
            new Judge.Outcome(Judge.Decision.PAUSE, start.plus(Duration.ofMinutes(11)), "")));
    tally.add(
        Label.BAD,
        start,
        Optional.of(
            new Judge.Outcome(Judge.Decision.PROMOTE, start.plus(Duration.ofMinutes(30)), "")));

    // quarantined at 3 4 5 6 7 8 9 12 20 30: rank ceil(0.5 × 10) = 5 → 7, rank 9 → 20
    assertThat(tally.catchMinutes(0.5)).isEqualTo(7.0);
    assertThat(tally.catchMinutes(0.9)).isEqualTo(20.0);
    // good ones promoted at 30 30 40; the bad one promoted at 30 is a miss, not a promotion
    assertThat(tally.promoteMinutes(0.5)).isEqualTo(30.0);
    assertThat(tally.promoteMinutes(0.9)).isEqualTo(40.0);
    assertThat(tally.caughtShare()).isEqualTo(10.0 / 12);
    assertThat(tally.pausedShare()).isEqualTo(1.0 / 15);
    assertThat(DecisionQualityBenchmark.summaryCell(Label.BAD, tally))
        .isEqualTo("83.3% caught, 6.7% paused, 7 / 20");
    assertThat(DecisionQualityBenchmark.summaryCell(Label.GOOD, tally))
        .isEqualTo("0.0% rolled back, 6.7% paused, 30");
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
