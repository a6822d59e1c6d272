package dev.aegis.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.events.EventType;
import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class AdmissionTest {

  private static final KafkaTrustProperties TRUST =
      new KafkaTrustProperties(
          Map.of(
              "health-reported",
              List.of("/monitors/*", "/aegis/simulator"),
              "experiment-submitted",
              List.of("/ci/*"),
              "chaos-injected",
              List.of("/chaos/tool")),
          Map.of("/monitors/prod-*", "User:monitor", "/monitors/prod-eu", "User:monitor-eu"),
          Map.of(
              "/ci/shop",
              List.of("shop"),
              "/ci/platform*",
              List.of("*"),
              "User:release",
              List.of("payments")),
          TrustedPrincipalInterceptor.DEFAULT_HEADER);
  private static final Map<String, byte[]> NONE = Map.of();

  private static final Object HEALTH = "health data is not read";

  static Stream<Arguments> cases() {
    return Stream.of(
        row(
            "an allowed prefix admits a source under it",
            EventType.HEALTH_REPORTED,
            "/monitors/dev",
            NONE,
            HEALTH,
            null),
        row(
            "an exact entry admits its source",
            EventType.HEALTH_REPORTED,
            "/aegis/simulator",
            NONE,
            HEALTH,
            null),
        row(
            "a source on no list is untrusted",
            EventType.HEALTH_REPORTED,
            "/intruder",
            NONE,
            HEALTH,
            "untrusted-source"),
        row(
            "a prefix does not match a longer look-alike before its star",
            EventType.HEALTH_REPORTED,
            "/monitorsX",
            NONE,
            HEALTH,
            "untrusted-source"),
        row(
            "a source allowed for another type is untrusted for this one",
            EventType.CHAOS_INJECTED,
            "/monitors/dev",
            NONE,
            HEALTH,
            "untrusted-source"),
        row(
            "a type without an entry admits nothing once any type is listed",
            EventType.CHAOS_CLEARED,
            "/chaos/tool",
            NONE,
            HEALTH,
            "untrusted-source"),
        row(
            "a bound source without the header is untrusted",
            EventType.HEALTH_REPORTED,
            "/monitors/prod-us",
            NONE,
            HEALTH,
            "untrusted-source"),
        row(
            "a bound source with another principal is untrusted",
            EventType.HEALTH_REPORTED,
            "/monitors/prod-us",
            principal("User:chaos"),
            HEALTH,
            "untrusted-source"),
        row(
            "a bound source with its principal is admitted",
            EventType.HEALTH_REPORTED,
            "/monitors/prod-us",
            principal("User:monitor"),
            HEALTH,
            null),
        row(
            "the most specific binding decides",
            EventType.HEALTH_REPORTED,
            "/monitors/prod-eu",
            principal("User:monitor"),
            HEALTH,
            "untrusted-source"),
        row(
            "a submitter may use its namespace",
            EventType.EXPERIMENT_SUBMITTED,
            "/ci/shop",
            NONE,
            submission("shop"),
            null),
        row(
            "a submitter may not use another namespace",
            EventType.EXPERIMENT_SUBMITTED,
            "/ci/shop",
            NONE,
            submission("payments"),
            "forbidden-namespace"),
        row(
            "a star submitter may use every namespace",
            EventType.EXPERIMENT_SUBMITTED,
            "/ci/platform-team",
            NONE,
            submission("anything"),
            null),
        row(
            "an allowed source with no submitter entry may use no namespace",
            EventType.EXPERIMENT_SUBMITTED,
            "/ci/other",
            NONE,
            submission("shop"),
            "forbidden-namespace"),
        row(
            "an unbound principal header grants nothing",
            EventType.EXPERIMENT_SUBMITTED,
            "/ci/other",
            principal("User:release"),
            submission("payments"),
            "forbidden-namespace"),
        row(
            "Aegis's own types are left to the unexpected-type check",
            EventType.LIFECYCLE_TRANSITIONED,
            "/intruder",
            NONE,
            HEALTH,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judges(
      String sentence,
      EventType type,
      String source,
      Map<String, byte[]> headers,
      Object data,
      String refusal) {
    Admission.Verdict verdict = new Admission(TRUST).judge(type, source, headers, data);
    if (refusal == null) {
      assertThat(verdict).isInstanceOf(Admission.Admitted.class);
    } else {
      assertThat(verdict)
          .isInstanceOfSatisfying(
              Admission.Refused.class,
              r -> {
                assertThat(r.reason().code()).isEqualTo(refusal);
                assertThat(r.detail()).contains(source);
              });
    }
  }

  @Test
  @DisplayName("a submission from a bound source is scoped by its verified principal too")
  void verifiedPrincipalCountsForNamespaces() {
    Admission admission =
        new Admission(
            new KafkaTrustProperties(
                Map.of(),
                Map.of("/release/*", "User:release"),
                Map.of("User:release", List.of("payments")),
                TrustedPrincipalInterceptor.DEFAULT_HEADER));
    assertThat(
            admission.judge(
                EventType.EXPERIMENT_SUBMITTED,
                "/release/bot",
                principal("User:release"),
                submission("payments")))
        .isEqualTo(new Admission.Admitted("User:release"));
    assertThat(
            admission.judge(
                EventType.EXPERIMENT_SUBMITTED,
                "/release/bot",
                principal("User:release"),
                submission("shop")))
        .isInstanceOf(Admission.Refused.class);
  }

  @Test
  @DisplayName("with nothing configured every source and namespace is admitted")
  void openByDefault() {
    Admission admission =
        new Admission(new KafkaTrustProperties(null, null, null, "h")).warnIfOpen();
    assertThat(
            admission.judge(
                EventType.EXPERIMENT_SUBMITTED, "/anyone", NONE, submission("kube-system")))
        .isInstanceOf(Admission.Admitted.class);
  }

  @Test
  @DisplayName("a key that names no input type, or a star inside a pattern, fails at start")
  void badConfigurationFails() {
    assertThatThrownBy(
            () -> new KafkaTrustProperties(Map.of("health", List.of("/x")), null, null, "h"))
        .hasMessageContaining("health-reported");
    assertThatThrownBy(
            () ->
                new KafkaTrustProperties(
                    Map.of("lifecycle-transitioned", List.of("/x")), null, null, "h"))
        .hasMessageContaining("publishes");
    assertThatThrownBy(
            () ->
                new Admission(
                    new KafkaTrustProperties(
                        Map.of("health-reported", List.of("/a*b")), null, null, "h")))
        .hasMessageContaining("only at the end");
  }

  @Test
  @DisplayName("the allow-list binds from environment variables and from bracketed keys in files")
  void binds() {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of(
                    "AEGIS_KAFKA_TRUST_SOURCES_HEALTHREPORTED", "/monitors/*,/aegis/simulator")));
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                "file",
                Map.of(
                    "aegis.kafka.trust.sources[dev.aegis.experiment.submitted.v1][0]", "/ci/*",
                    "aegis.kafka.trust.principals[/monitors/prod-*]", "User:monitor",
                    "aegis.kafka.trust.submitters[/ci/shop]", "shop,shop-staging")));
    ConfigurationPropertySources.attach(environment);

    KafkaTrustProperties bound =
        Binder.get(environment).bind("aegis.kafka.trust", KafkaTrustProperties.class).get();

    assertThat(bound.sourcesByType())
        .containsEntry(EventType.HEALTH_REPORTED, List.of("/monitors/*", "/aegis/simulator"))
        .containsEntry(EventType.EXPERIMENT_SUBMITTED, List.of("/ci/*"));
    assertThat(bound.principals()).containsEntry("/monitors/prod-*", "User:monitor");
    assertThat(bound.submitters()).containsEntry("/ci/shop", List.of("shop", "shop-staging"));
  }

  private static Arguments row(
      String sentence,
      EventType type,
      String source,
      Map<String, ?> headers,
      Object data,
      String refusal) {
    return Arguments.of(sentence, type, source, headers, data, refusal);
  }

  private static Map<String, byte[]> principal(String value) {
    return Map.of(
        TrustedPrincipalInterceptor.DEFAULT_HEADER, value.getBytes(StandardCharsets.UTF_8));
  }

  private static ExperimentSubmitted submission(String namespace) {
    return new ExperimentSubmitted(
        "svc", namespace, new Candidate("v2", "registry.local/svc:v2"), null);
  }
}
