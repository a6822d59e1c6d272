package dev.aegis.operators.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusProjectionTest {

  static final Instant T1 = Instant.parse("2025-01-31T12:00:00.250Z");
  static final Instant T2 = Instant.parse("2025-01-31T12:05:00Z");
  static final Instant T3 = Instant.parse("2025-01-31T13:00:00Z");

  static ExperimentStatusView view(
      String phase, int step, int weight, boolean pending, String rcaId) {
    return new ExperimentStatusView(
        "exp-1", phase, step, weight, phase + " reason", pending, rcaId, T1);
  }

  static ExperimentStatus accepted() {
    return StatusProjection.accepted(null, "exp-1", 1, T1);
  }

  static String since(ExperimentStatus status, ConditionType type) {
    return status.condition(type).orElseThrow().lastTransitionTime();
  }

  @Test
  void acceptanceRecordsTheIdAndTheAnsweredGenerationStampedToTheSecond() {
    ExperimentStatus status = accepted();

    assertThat(status.experimentId()).isEqualTo("exp-1");
    assertThat(status.phase()).isEqualTo("SUBMITTED");
    assertThat(status.observedGeneration()).isEqualTo(1);
    assertThat(status.conditions())
        .extracting(ExperimentCondition::type, ExperimentCondition::status)
        .extracting(t -> t.toList().toString())
        .containsExactly("[Submitted, True]", "[Progressing, True]");
    assertThat(since(status, ConditionType.SUBMITTED)).isEqualTo("2025-01-31T12:00:00Z");
    assertThat(status.running()).isTrue();
  }

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusHolds() {
    ExperimentStatus step1 =
        StatusProjection.observed(accepted(), view("CANARY", 1, 10, false, null), T2);
    ExperimentStatus step2 =
        StatusProjection.observed(step1, view("CANARY", 2, 50, false, null), T3);

    assertThat(since(step2, ConditionType.PROGRESSING))
        .isEqualTo(since(accepted(), ConditionType.PROGRESSING));
    assertThat(since(step2, ConditionType.ACTUATION_PENDING)).isEqualTo(T2.toString());
    assertThat(step2.condition(ConditionType.PROGRESSING).orElseThrow().reason())
        .isEqualTo("Canary");
    assertThat(step2.step()).isEqualTo(2);
    assertThat(step2.weight()).isEqualTo(50);
  }

  @Test
  void anUnchangedViewProjectsAnEqualStatusSoNothingIsWritten() {
    ExperimentStatus once =
        StatusProjection.observed(accepted(), view("CANARY", 1, 10, true, null), T2);

    assertThat(StatusProjection.observed(once, view("CANARY", 1, 10, true, null), T3))
        .isEqualTo(once);
  }

  @Test
  void aFlipStampsTheNewTime() {
    ExperimentStatus pending =
        StatusProjection.observed(accepted(), view("CANARY", 1, 10, true, null), T2);
    ExperimentStatus applied =
        StatusProjection.observed(pending, view("CANARY", 1, 10, false, null), T3);

    assertThat(pending.condition(ConditionType.ACTUATION_PENDING).orElseThrow().reason())
        .isEqualTo("CommandsWaiting");
    assertThat(since(applied, ConditionType.ACTUATION_PENDING)).isEqualTo(T3.toString());
  }

  @Test
  void promotionEndsProgressingAndAddsPromoted() {
    ExperimentStatus promoted =
        StatusProjection.observed(accepted(), view("PROMOTED", 3, 100, false, null), T2);

    assertThat(promoted.running()).isFalse();
    assertThat(promoted.condition(ConditionType.PROMOTED))
        .hasValueSatisfying(
            c -> {
              assertThat(c.status()).isEqualTo("True");
              assertThat(c.lastTransitionTime()).isEqualTo(T2.toString());
            });
    assertThat(promoted.condition(ConditionType.QUARANTINED)).isEmpty();
  }

  @Test
  void quarantineNamesTheRcaRecord() {
    ExperimentStatus quarantined =
        StatusProjection.observed(accepted(), view("QUARANTINED", 1, 0, false, "rca-7"), T2);

    assertThat(quarantined.rcaId()).isEqualTo("rca-7");
    assertThat(quarantined.running()).isFalse();
    assertThat(quarantined.condition(ConditionType.QUARANTINED).orElseThrow().message())
        .contains("rca-7");
    assertThat(quarantined.condition(ConditionType.SUBMITTED))
        .isEqualTo(accepted().condition(ConditionType.SUBMITTED));
  }

  @Test
  void aRefusalRemembersTheGenerationAndIsNotRunning() {
    ExperimentStatus refused = StatusProjection.refused(null, "image is quarantined", 1, T1);
    ExperimentStatus refusedAgain =
        StatusProjection.refused(refused, "image is still quarantined", 2, T2);

    assertThat(refused.phase()).isEqualTo("REFUSED");
    assertThat(refused.message()).isEqualTo("image is quarantined");
    assertThat(refused.running()).isFalse();
    assertThat(refusedAgain.observedGeneration()).isEqualTo(2);
    assertThat(since(refusedAgain, ConditionType.SUBMITTED))
        .isEqualTo(since(refused, ConditionType.SUBMITTED));
  }

  @Test
  void acceptanceAfterARefusalFlipsSubmitted() {
    ExperimentStatus refused = StatusProjection.refused(null, "bad image", 1, T1);
    ExperimentStatus accepted = StatusProjection.accepted(refused, "exp-2", 2, T2);

    assertThat(accepted.condition(ConditionType.SUBMITTED))
        .hasValueSatisfying(
            c -> {
              assertThat(c.status()).isEqualTo("True");
              assertThat(c.lastTransitionTime()).isEqualTo(T2.toString());
            });
  }

  @Test
  void anExperimentUnknownToTheOrchestratorTurnsProgressingUnknownAndKeepsTheRest() {
    ExperimentStatus canary =
        StatusProjection.observed(accepted(), view("CANARY", 2, 50, false, null), T2);
    ExperimentStatus lost = StatusProjection.notFound(canary, T3);

    assertThat(lost.condition(ConditionType.PROGRESSING))
        .hasValueSatisfying(
            c -> {
              assertThat(c.status()).isEqualTo("Unknown");
              assertThat(c.reason()).isEqualTo("ExperimentNotFound");
            });
    assertThat(lost.running()).isTrue();
    assertThat(lost.weight()).isEqualTo(50);
    assertThat(lost.condition(ConditionType.SUBMITTED))
        .isEqualTo(canary.condition(ConditionType.SUBMITTED));
  }

  @ParameterizedTest(name = "phase {0} gives reason {1}")
  @CsvSource({
    "CANARY, Canary",
    "ROLLING_BACK, RollingBack",
    "SUBMITTED, Submitted",
    "QUEUED, Queued"
  })
  void progressingReasonIsThePhaseInCamelCase(String phase, String reason) {
    assertThat(ConditionReason.ofPhase(phase)).isEqualTo(reason);
  }
}
