package dev.aegis.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.events.data.Track;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Defaults and ranges of each kind's parameters. */
class FaultDefaultsTest {

  private static final ChaosSettings SETTINGS = ChaosSettings.defaults();
  private static final FaultTarget TARGET = new FaultTarget("demo", "checkout", Track.CANARY);

  static Stream<Arguments> defaults() {
    return Stream.of(
        Arguments.of(
            "pod-kill takes half the pods, at most the configured maximum",
            FaultKind.POD_KILL,
            new FaultParameters(0.5, 10, null, null, null, null, null, null, null)),
        Arguments.of(
            "latency delays every request by 500 ms",
            FaultKind.LATENCY,
            new FaultParameters(null, null, 500L, null, 100.0, null, null, null, null)),
        Arguments.of(
            "abort fails every request with 503",
            FaultKind.ABORT,
            new FaultParameters(null, null, null, 503, 100.0, null, null, null, null)),
        Arguments.of(
            "cpu-stress runs one worker of the configured image",
            FaultKind.CPU_STRESS,
            new FaultParameters(
                null, null, null, null, null, null, 1, null, ChaosSettings.DEFAULT_STRESS_IMAGE)),
        Arguments.of(
            "memory-stress fills 256Mi with one worker",
            FaultKind.MEMORY_STRESS,
            new FaultParameters(
                null,
                null,
                null,
                null,
                null,
                null,
                1,
                "256Mi",
                ChaosSettings.DEFAULT_STRESS_IMAGE)),
        Arguments.of(
            "network-partition takes nothing", FaultKind.NETWORK_PARTITION, FaultParameters.NONE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaults")
  void fillsTheDefaultsOfEachKind(String sentence, FaultKind kind, FaultParameters expected) {
    assertThat(FaultDefaults.apply(kind, FaultParameters.NONE, SETTINGS)).isEqualTo(expected);
  }

  @Test
  void dependencyOutageDefaultsTo503AndKeepsTheDependency() {
    FaultParameters given =
        new FaultParameters(null, null, null, null, null, "payments", null, null, null);
    assertThat(FaultDefaults.apply(FaultKind.DEPENDENCY_OUTAGE, given, SETTINGS))
        .isEqualTo(new FaultParameters(null, null, null, 503, null, "payments", null, null, null));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "a share above 1 is refused",
            FaultKind.POD_KILL,
            new FaultParameters(1.5, null, null, null, null, null, null, null, null),
            "parameters.share must be in (0, 1]"),
        Arguments.of(
            "a share of 0 is refused",
            FaultKind.POD_KILL,
            new FaultParameters(0.0, null, null, null, null, null, null, null, null),
            "parameters.share"),
        Arguments.of(
            "maxPods over the configured maximum is refused",
            FaultKind.POD_KILL,
            new FaultParameters(null, 11, null, null, null, null, null, null, null),
            "parameters.maxPods must be in 1..10 (aegis.chaos.pod-kill-max-pods)"),
        Arguments.of(
            "a delay over a minute is refused",
            FaultKind.LATENCY,
            new FaultParameters(null, null, 60_001L, null, null, null, null, null, null),
            "parameters.delayMs must be in 1..60000"),
        Arguments.of(
            "a percent over 100 is refused",
            FaultKind.ABORT,
            new FaultParameters(null, null, null, null, 101.0, null, null, null, null),
            "parameters.percent must be in (0, 100]"),
        Arguments.of(
            "a success status is no abort",
            FaultKind.ABORT,
            new FaultParameters(null, null, null, 200, null, null, null, null, null),
            "parameters.httpStatus must be in 400..599"),
        Arguments.of(
            "a dependency outage needs its dependency",
            FaultKind.DEPENDENCY_OUTAGE,
            FaultParameters.NONE,
            "parameters.dependency is required"),
        Arguments.of(
            "a dependency must be a service name",
            FaultKind.DEPENDENCY_OUTAGE,
            new FaultParameters(null, null, null, null, null, "Payments!", null, null, null),
            "DNS-1123"),
        Arguments.of(
            "more than 32 CPU workers are refused",
            FaultKind.CPU_STRESS,
            new FaultParameters(null, null, null, null, null, null, 33, null, null),
            "parameters.workers must be in 1..32"),
        Arguments.of(
            "more than 8 memory workers are refused",
            FaultKind.MEMORY_STRESS,
            new FaultParameters(null, null, null, null, null, null, 9, null, null),
            "parameters.workers must be in 1..8"),
        Arguments.of(
            "memory that is no quantity is refused",
            FaultKind.MEMORY_STRESS,
            new FaultParameters(null, null, null, null, null, null, null, "lots", null),
            "Kubernetes quantity"),
        Arguments.of(
            "memory over 16Gi is refused",
            FaultKind.MEMORY_STRESS,
            new FaultParameters(null, null, null, null, null, null, null, "17Gi", null),
            "parameters.memory must be in 1Mi..16Gi"),
        Arguments.of(
            "an image with spaces is refused",
            FaultKind.CPU_STRESS,
            new FaultParameters(null, null, null, null, null, null, null, null, "a b"),
            "parameters.image"),
        Arguments.of(
            "a member pod-kill does not use is refused by name",
            FaultKind.POD_KILL,
            new FaultParameters(null, null, 100L, null, null, null, null, null, null),
            "parameters.delayMs is not used by pod-kill (it takes share, maxPods)"),
        Arguments.of(
            "latency takes no status",
            FaultKind.LATENCY,
            new FaultParameters(null, null, null, 503, null, null, null, null, null),
            "parameters.httpStatus is not used by latency"),
        Arguments.of(
            "a partition takes no parameters",
            FaultKind.NETWORK_PARTITION,
            new FaultParameters(null, null, null, null, 10.0, null, null, null, null),
            "parameters.percent is not used by network-partition (it takes no parameters)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesParametersOutOfRangeNamingTheMember(
      String sentence, FaultKind kind, FaultParameters given, String message) {
    assertThatThrownBy(() -> FaultDefaults.apply(kind, given, SETTINGS))
        .isInstanceOfSatisfying(
            FaultRefusedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(FaultRefusedException.INVALID_PARAMETERS);
              assertThat(e.getMessage()).contains(message);
            });
  }

  @Test
  void theSpecsDurationIsCheckedAgainstTheMaximum() {
    assertThatThrownBy(
            () ->
                FaultDefaults.apply(
                    new FaultSpec(
                        FaultKind.NETWORK_PARTITION, TARGET, Duration.ofMinutes(31), null),
                    SETTINGS))
        .isInstanceOfSatisfying(
            FaultRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(FaultRefusedException.DURATION_TOO_LONG));
    assertThatThrownBy(
            () ->
                FaultDefaults.apply(
                    new FaultSpec(FaultKind.NETWORK_PARTITION, TARGET, Duration.ZERO, null),
                    SETTINGS))
        .isInstanceOfSatisfying(
            FaultRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(FaultRefusedException.INVALID_DURATION));
  }

  @Test
  void aServiceCannotBeItsOwnDependency() {
    FaultSpec own =
        new FaultSpec(
            FaultKind.DEPENDENCY_OUTAGE,
            TARGET,
            Duration.ofMinutes(1),
            new FaultParameters(null, null, null, null, null, "checkout", null, null, null));
    assertThatThrownBy(() -> FaultDefaults.apply(own, SETTINGS))
        .hasMessageContaining("another service");
  }

  @Test
  void settingsFallBackToTheirDefaults() {
    assertThat(new ChaosSettings(null, 0, " ", null))
        .isEqualTo(
            new ChaosSettings(
                Duration.ofMinutes(30),
                10,
                "ghcr.io/colinianking/stress-ng:latest",
                ChaosMeshMode.AUTO));
  }
}
