package dev.aegis.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.chaos.BlastRadius.Exposure;
import dev.aegis.events.data.Track;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Only V1 canaries by default; production needs the flag and the role. */
class BlastRadiusTest {

  private static final Duration MAX = Duration.ofMinutes(30);
  private static final FaultTarget CANARY = new FaultTarget("demo", "checkout", Track.CANARY);
  private static final FaultTarget STABLE = new FaultTarget("demo", "checkout", Track.STABLE);
  private static final FaultTarget BASELINE = new FaultTarget("demo", "checkout", Track.BASELINE);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "a canary under analysis may be hit without any flag",
            CANARY,
            Duration.ofMinutes(5),
            Exposure.CANARY_UNDER_ANALYSIS,
            false,
            false,
            null),
        Arguments.of(
            "a canary no experiment analyses is production",
            CANARY,
            Duration.ofMinutes(5),
            Exposure.PRODUCTION,
            false,
            true,
            "production-not-requested"),
        Arguments.of(
            "stable without the production flag is refused",
            STABLE,
            Duration.ofMinutes(5),
            Exposure.CANARY_UNDER_ANALYSIS,
            false,
            true,
            "production-not-requested"),
        Arguments.of(
            "the baseline is production too",
            BASELINE,
            Duration.ofMinutes(5),
            Exposure.CANARY_UNDER_ANALYSIS,
            false,
            true,
            "production-not-requested"),
        Arguments.of(
            "stable with the flag but without the role is refused",
            STABLE,
            Duration.ofMinutes(5),
            Exposure.PRODUCTION,
            true,
            false,
            "production-not-allowed"),
        Arguments.of(
            "stable with the flag and the role is allowed",
            STABLE,
            Duration.ofMinutes(5),
            Exposure.PRODUCTION,
            true,
            true,
            null),
        Arguments.of(
            "a duration over the maximum is refused even on a canary",
            CANARY,
            Duration.ofMinutes(31),
            Exposure.CANARY_UNDER_ANALYSIS,
            false,
            false,
            "duration-too-long"),
        Arguments.of(
            "the maximum itself is allowed",
            CANARY,
            MAX,
            Exposure.CANARY_UNDER_ANALYSIS,
            false,
            false,
            null),
        Arguments.of(
            "a zero duration is refused",
            CANARY,
            Duration.ZERO,
            Exposure.CANARY_UNDER_ANALYSIS,
            false,
            false,
            "invalid-duration"),
        Arguments.of(
            "a negative duration is refused",
            CANARY,
            Duration.ofSeconds(-1),
            Exposure.CANARY_UNDER_ANALYSIS,
            false,
            false,
            "invalid-duration"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(
      String sentence,
      FaultTarget target,
      Duration duration,
      Exposure exposure,
      boolean production,
      boolean mayTouchProduction,
      String refusal) {
    FaultSpec spec = new FaultSpec(FaultKind.NETWORK_PARTITION, target, duration, null);

    var result = BlastRadius.check(spec, exposure, production, mayTouchProduction, MAX);

    assertThat(result.map(BlastRadius.Refusal::reason).orElse(null)).isEqualTo(refusal);
    result.ifPresent(r -> assertThat(r.message()).isNotBlank());
  }

  @Test
  void aRefusalSaysWhyTheTargetIsProduction() {
    var stable =
        BlastRadius.check(
                new FaultSpec(FaultKind.POD_KILL, STABLE, Duration.ofMinutes(1), null),
                Exposure.CANARY_UNDER_ANALYSIS,
                false,
                false,
                MAX)
            .orElseThrow();
    var idleCanary =
        BlastRadius.check(
                new FaultSpec(FaultKind.POD_KILL, CANARY, Duration.ofMinutes(1), null),
                Exposure.PRODUCTION,
                false,
                false,
                MAX)
            .orElseThrow();

    assertThat(stable.message())
        .contains("the stable track is production")
        .doesNotContain("under analysis");
    assertThat(idleCanary.message()).contains("no canary of it is under analysis");
  }
}
