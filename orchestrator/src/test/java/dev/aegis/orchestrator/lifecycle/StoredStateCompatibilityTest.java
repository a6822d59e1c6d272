package dev.aegis.orchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.events.data.AnalysisSpec;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.orchestrator.application.InvalidSubmissionException;
import dev.aegis.orchestrator.application.PolicyMapper;
import dev.aegis.orchestrator.judgment.ActiveFault;
import dev.aegis.orchestrator.judgment.Analysis;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Sequential;
import dev.aegis.orchestrator.judgment.StepEvidence;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.judgment.Verdict;
import dev.aegis.orchestrator.persistence.StateJson;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * State stored before issue 4 still reads; new state round-trips; submitted analysis settings map.
 */
class StoredStateCompatibilityTest {

  @Test
  @DisplayName("a policy stored before analysis settings existed reads with the defaults")
  void oldPolicyGetsDefaultAnalysis() {
    String stored =
        "{\"steps\":[{\"weight\":100,\"minDuration\":\"PT10S\"}],\"slo\":{\"maxErrorRate\":0.02,"
            + "\"maxP95LatencyMs\":3000.0},\"minRequestsPerStep\":100,\"maxSilence\":\"PT30S\"}";

    Policy policy = StateJson.read(stored, Policy.class);

    assertThat(policy.analysis()).isEqualTo(Analysis.DEFAULT);
    assertThat(policy.severeErrorRate()).isEqualTo(0.1);
  }

  @Test
  @DisplayName(
      "progress stored before samples existed reads with no samples and no tolerated failures")
  void oldProgressReads() {
    String stored =
        "{\"windows\":2,\"requests\":200,\"errors\":1,\"p95RequestWeightedSum\":50000.0,"
            + "\"p95Sum\":500.0,\"maxP95Ms\":250.0,\"observed\":\"PT10S\",\"firstWindowStart\":\"2026-01-01T00:00:00Z\","
            + "\"coveredUntil\":\"2026-01-01T00:00:10Z\"}";

    StepProgress progress = StateJson.read(stored, StepProgress.class);

    assertThat(progress.samples()).isEqualTo(StepEvidence.EMPTY);
    assertThat(progress.failures()).isZero();
    assertThat(progress.requests()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "an experiment with samples, chaos and an explained judgment round-trips through its JSON")
  void newStateRoundTrips() {
    Experiment e = marginalRun();

    Experiment read =
        new Experiment(
            e.id(),
            e.service(),
            e.namespace(),
            e.candidate(),
            StateJson.read(StateJson.write(e.policy()), Policy.class),
            e.phase(),
            e.stepIndex(),
            StateJson.read(StateJson.write(e.progress()), StepProgress.class),
            StateJson.read(StateJson.write(e.lastJudgment()), Judgment.class),
            e.productionVersion(),
            e.revision(),
            e.submittedAt(),
            e.stepEnteredAt(),
            e.lastWindowAt(),
            e.silent(),
            e.actuation());

    assertThat(read).isEqualTo(e);
    assertThat(StateJson.write(e.lastJudgment()))
        .doesNotContain("\"evidence\"")
        .contains("\"pValue\"");
  }

  private static Experiment marginalRun() {
    // Pass 100 / marginal 50: a slower canary scores a marginal 50 and holds, keeping its samples.
    Policy marginal =
        Fixtures.SECONDS.withAnalysis(new Analysis(0.98, 0.1, 0.1, 100, 50, 5, 3, null, null, 0));
    Experiment e =
        Experiment.submitted(
            "exp-1", "checkout", "shop", Fixtures.CANDIDATE, marginal, "v1", Fixtures.T0);
    e = Fixtures.CORE.decide(e, new LifecycleInput.Submit(null), Fixtures.T0).after();
    ActiveFault fault = Fixtures.fault("f-1", HealthWindow.Track.CANARY, 0, 3);
    for (int i = 0; i < 10; i++) {
      e =
          Fixtures.CORE
              .decide(
                  e,
                  Fixtures.observe(
                      Fixtures.window(HealthWindow.Track.BASELINE, "v1", i, 1, 100, 0, 200)),
                  Fixtures.T0)
              .after();
      e =
          Fixtures.CORE
              .decide(
                  e,
                  new LifecycleInput.Observe(Fixtures.canary(i, 1, 100, 0, 300), List.of(fault)),
                  Fixtures.T0)
              .after();
    }
    assertThat(e.lastJudgment().verdict()).isEqualTo(Verdict.HOLD);
    return e;
  }

  @Test
  @DisplayName(
      "progress stored before the anytime tests reads with fresh sequential state and no recorded shift")
  void progressStoredBeforeIssue14ReadsWithFreshSequentialState() {
    String stored =
        "{\"boundary\":\"2026-01-01T00:00:00Z\",\"windows\":2,\"requests\":200,\"errors\":1,"
            + "\"p95RequestWeightedSum\":50000.0,\"p95Sum\":500.0,\"maxP95Ms\":250.0,\"observed\":\"PT10S\","
            + "\"firstWindowStart\":\"2026-01-01T00:00:00Z\",\"coveredUntil\":\"2026-01-01T00:00:10Z\","
            + "\"failures\":1}";

    StepProgress progress = StateJson.read(stored, StepProgress.class);

    assertThat(progress.sequential()).isEqualTo(Sequential.START);
    assertThat(progress.shift()).isNull();
    assertThat(progress.failures()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "analysis settings stored before the anytime tests read as the defaults: sequential on, no settle time")
  void analysisStoredBeforeIssue14ReadsAsTheDefault() {
    String stored =
        "{\"confidence\":0.98,\"errorRateTolerance\":0.1,\"latencyTolerance\":0.1,\"passScore\":95.0,"
            + "\"marginalScore\":75.0,\"severeErrorRateFactor\":5.0,\"severeLatencyFactor\":3.0,"
            + "\"onInconclusive\":\"PAUSE\",\"failureLimit\":0}";

    Analysis analysis = StateJson.read(stored, Analysis.class);

    assertThat(analysis).isEqualTo(Analysis.DEFAULT);
    assertThat(analysis.sequential()).isTrue();
    assertThat(analysis.settleTime()).isEqualTo(Duration.ZERO);
  }

  @Test
  @DisplayName("sequential state with bets and a recorded shift round-trips through its JSON")
  void sequentialStateRoundTrips() {
    StepProgress progress = marginalRun().progress();
    assertThat(progress.sequential().latency().bets()).isPositive();

    StepProgress read = StateJson.read(StateJson.write(progress), StepProgress.class);

    assertThat(read.sequential()).isEqualTo(progress.sequential());
    assertThat(read.shift()).isEqualTo(progress.shift());
  }

  @Test
  @DisplayName(
      "submitted analysis settings override the defaults member by member; invalid ones name their field")
  void submittedAnalysisMaps() {
    PolicySpec spec =
        new PolicySpec(
            null,
            null,
            null,
            null,
            null,
            new AnalysisSpec(
                0.99, null, 0.2, null, null, null, null, Duration.ofMinutes(5), "fail", 2));

    Analysis analysis = PolicyMapper.toPolicy(spec, Policy.DEFAULT).analysis();

    assertThat(analysis)
        .isEqualTo(
            new Analysis(
                0.99,
                0.10,
                0.2,
                95,
                75,
                5,
                3,
                Duration.ofMinutes(5),
                Analysis.OnInconclusive.FAIL,
                2));
    PolicySpec anytime =
        new PolicySpec(
            null,
            null,
            null,
            null,
            null,
            new AnalysisSpec(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                Duration.ofSeconds(30),
                4.0,
                true));
    Policy seeded =
        Policy.DEFAULT.withAnalysis(Analysis.DEFAULT.withSettleTime(Duration.ofSeconds(45)));
    Analysis mapped = PolicyMapper.toPolicy(anytime, seeded).analysis();
    assertThat(mapped.sequential()).isFalse();
    assertThat(mapped.settleTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(mapped.detectableErrorRatio()).isEqualTo(4.0);
    assertThat(mapped.requirePower()).isTrue();
    assertThat(PolicyMapper.toPolicy(spec, seeded).analysis().settleTime())
        .as("an override of other members keeps the configured settle time")
        .isEqualTo(Duration.ofSeconds(45));

    PolicySpec tooSmall =
        new PolicySpec(
            null,
            null,
            null,
            null,
            null,
            new AnalysisSpec(
                null, null, null, null, null, null, null, null, null, null, null, null, 1.05,
                null));
    assertThatThrownBy(() -> PolicyMapper.toPolicy(tooSmall, Policy.DEFAULT))
        .isInstanceOf(InvalidSubmissionException.class)
        .satisfies(
            x ->
                assertThat(((InvalidSubmissionException) x).field())
                    .isEqualTo("policy.analysis.detectableErrorRatio"));

    PolicySpec invalid =
        new PolicySpec(
            null,
            null,
            null,
            null,
            null,
            new AnalysisSpec(null, null, null, 80.0, 90.0, null, null, null, null, null));
    assertThatThrownBy(() -> PolicyMapper.toPolicy(invalid, Policy.DEFAULT))
        .isInstanceOf(InvalidSubmissionException.class)
        .satisfies(
            x ->
                assertThat(((InvalidSubmissionException) x).field())
                    .isEqualTo("policy.analysis.marginalScore"));
  }
}
