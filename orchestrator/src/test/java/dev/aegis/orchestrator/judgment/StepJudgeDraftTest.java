package dev.aegis.orchestrator.judgment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A draft judgment is the judge's judgment without its text: the same verdict, checks, numbers and
 * evidence, and, once read, the very same text. Steps are walked window by window as the lifecycle
 * core walks them (canary windows judged, baseline windows compared, tolerated failures carried),
 * under policies that reach every verdict and both sides of the minimum duration.
 */
class StepJudgeDraftTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static final Policy BASE =
      new Policy(
          List.of(
              new CanaryStep(10, Duration.ofSeconds(10)),
              new CanaryStep(100, Duration.ofSeconds(10))),
          new Slo(0.02, 3000),
          100,
          Duration.ofSeconds(30));

  private static final List<Policy> POLICIES =
      List.of(
          BASE,
          BASE.withAnalysis(Analysis.DEFAULT.withSequential(false)),
          BASE.withAnalysis(
              new Analysis(
                      0.98,
                      0.1,
                      0.1,
                      95,
                      75,
                      5,
                      3,
                      Duration.ofSeconds(30),
                      Analysis.OnInconclusive.PAUSE,
                      0)
                  .withPower(3, true)),
          BASE.withAnalysis(
              new Analysis(
                  0.98,
                  0.1,
                  0.1,
                  95,
                  75,
                  5,
                  3,
                  Duration.ofSeconds(8),
                  Analysis.OnInconclusive.FAIL,
                  2)),
          BASE.withAnalysis(
              new Analysis(
                  0.9,
                  0.5,
                  0.5,
                  95,
                  40,
                  20,
                  10,
                  Duration.ofSeconds(5),
                  Analysis.OnInconclusive.PAUSE,
                  1,
                  false,
                  null)));

  @Test
  void aDraftJudgesAsTheJudgeAndWritesTheSameTextWhenRead() {
    Random random = new Random(20261205);
    Set<Verdict> seen = EnumSet.noneOf(Verdict.class);
    int drafts = 0;
    int tolerated = 0;
    for (int scenario = 0; scenario < 600; scenario++) {
      Policy policy = POLICIES.get(scenario % POLICIES.size());
      int stepIndex = random.nextInt(policy.steps().size());
      double canaryErrors = pick(random, 0, 0.005, 0.03, 0.2);
      double canaryP95 = pick(random, 200, 260, 900, 3500, 10_000);
      double baselineErrors = pick(random, 0, 0.005, 0.03);
      boolean baseline = random.nextInt(4) != 0;
      long requests = pick(random, 5, 40, 200);
      List<ActiveFault> faults =
          random.nextInt(5) == 0
              ? List.of(
                  new ActiveFault(
                      "f-" + scenario,
                      "latency",
                      HealthWindow.Track.CANARY,
                      T0.plusSeconds(3),
                      T0.plusSeconds(6)))
              : List.of();
      StepProgress progress = StepProgress.startingAfter(null);
      for (int second = 0; second < 40; second++) {
        if (baseline) {
          HealthWindow reference =
              window(HealthWindow.Track.BASELINE, "v1", second, requests, baselineErrors, 220);
          progress = progress.compare(reference, ActiveFault.touching(faults, reference));
        }
        HealthWindow canary =
            window(
                HealthWindow.Track.CANARY,
                "v2",
                second,
                requests,
                canaryErrors * (0.5 + random.nextDouble()),
                canaryP95 * (0.8 + 0.4 * random.nextDouble()));
        progress = progress.anchoredBy(canary);
        StepProgress next =
            progress.add(canary, ActiveFault.touching(faults, canary), policy, stepIndex);

        Judgment full = StepJudge.judge(policy, stepIndex, next, canary.windowEnd());
        Judgment draft = StepJudge.draft(policy, stepIndex, next, canary.windowEnd());

        seen.add(full.verdict());
        assertSameJudgment(draft, full);
        if (full.verdict().isConclusive()) {
          assertThat(draft).isEqualTo(full);
          break;
        }
        drafts++;
        assertThat(draft.draft()).isNotNull();
        assertThat(draft.summary()).isNull();
        assertThat(draft.explained()).isEqualTo(full);
        assertThat(draft.explained()).isSameAs(draft.explained());
        progress = next.withFailures(draft.progress().failures());
        // Stored by reference: the row's progress (a tolerated failure counted), the failure
        // count the judge saw, the verdict and the time rebuild the same judgment.
        assertThat(draft.judged()).isSameAs(next);
        Judgment reread =
            Judgment.reread(
                policy,
                stepIndex,
                draft.verdict(),
                draft.at(),
                progress.withFailures(draft.judged().failures()),
                progress);
        assertThat(reread.verdict()).isEqualTo(draft.verdict());
        assertThat(reread.progress()).isEqualTo(draft.progress());
        assertThat(reread.explained()).isEqualTo(full);
        if (progress.failures() != next.failures()) {
          tolerated++;
        }
      }
    }
    assertThat(seen).containsAll(EnumSet.allOf(Verdict.class));
    assertThat(drafts).isGreaterThan(1000);
    assertThat(tolerated).as("drafts that counted a tolerated failure").isPositive();
  }

  /** Everything but the text: verdict, step, evidence, score, reference, chaos, each check. */
  private static void assertSameJudgment(Judgment draft, Judgment full) {
    assertThat(draft.verdict()).isEqualTo(full.verdict());
    assertThat(draft.step()).isEqualTo(full.step());
    assertThat(draft.weight()).isEqualTo(full.weight());
    assertThat(draft.progress()).isEqualTo(full.progress());
    assertThat(draft.minDurationSeconds()).isEqualTo(full.minDurationSeconds());
    assertThat(draft.at()).isEqualTo(full.at());
    assertThat(draft.score()).isEqualTo(full.score());
    assertThat(draft.comparedWith()).isEqualTo(full.comparedWith());
    assertThat(draft.chaos()).isEqualTo(full.chaos());
    assertThat(draft.checks())
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("explanation")
        .isEqualTo(full.checks());
  }

  private static HealthWindow window(
      HealthWindow.Track track,
      String version,
      int second,
      long requests,
      double errorRate,
      double p95) {
    return new HealthWindow(
        "checkout",
        version,
        track,
        T0.plusSeconds(second),
        T0.plusSeconds(second + 1),
        requests,
        Math.min(requests, Math.round(requests * errorRate)),
        p95 / 2,
        p95,
        p95 * 1.5,
        null,
        null,
        "shop");
  }

  private static double pick(Random random, double... values) {
    return values[random.nextInt(values.length)];
  }

  private static long pick(Random random, long... values) {
    return values[random.nextInt(values.length)];
  }
}
