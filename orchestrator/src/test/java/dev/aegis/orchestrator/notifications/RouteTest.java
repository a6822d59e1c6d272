package dev.aegis.orchestrator.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RouteTest {

  private static Notification n(String kind, String severity, String namespace, String service) {
    return new Notification(
        "e1",
        kind,
        severity,
        "t",
        "x",
        namespace,
        service,
        null,
        null,
        Instant.EPOCH,
        null,
        null,
        null,
        null);
  }

  private static final Route SHOP_PAYMENTS_WARNING =
      new Route(
          "r",
          List.of("c"),
          List.of("quarantined", "rolled-back"),
          List.of("shop"),
          List.of("payments"),
          "warning");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "a quarantine of payments in shop matches",
            n("quarantined", "critical", "shop", "payments"),
            true),
        Arguments.of(
            "another event kind does not", n("promoted", "critical", "shop", "payments"), false),
        Arguments.of(
            "another namespace does not", n("quarantined", "critical", "pay", "payments"), false),
        Arguments.of(
            "another service does not", n("quarantined", "critical", "shop", "ledger"), false),
        Arguments.of(
            "below the minimum severity does not",
            n("rolled-back", "info", "shop", "payments"),
            false),
        Arguments.of(
            "at the minimum severity matches",
            n("rolled-back", "warning", "shop", "payments"),
            true),
        Arguments.of(
            "without a namespace, a namespace filter does not match",
            n("quarantined", "critical", null, "payments"),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filters(String name, Notification notification, boolean matches) {
    assertThat(SHOP_PAYMENTS_WARNING.matches(notification)).isEqualTo(matches);
  }

  @Test
  void aRuleWithoutEventsTakesEveryRoutableKindButTests() {
    Route all = new Route("all", List.of("c"), null, null, null, null);
    assertThat(all.matches(n("dlq-growth", "warning", null, null))).isTrue();
    assertThat(all.matches(n("test", "info", null, null))).isFalse();
  }

  @Test
  void problemsNameTheField() {
    List<String> problems =
        RoutingRules.problems(
            List.of(
                new Route("ok", List.of("slack"), List.of("quarantined"), null, null, null),
                new Route(
                    "ok",
                    List.of("nowhere"),
                    List.of("exploded"),
                    List.of("Bad_NS"),
                    null,
                    "urgent")),
            Set.of("slack"));
    assertThat(problems)
        .containsExactly(
            "routes[1].name: 'ok' is used by an earlier rule",
            "routes[1].channels[0]: no such channel",
            "routes[1].events[0]: no such event; one of [quarantined, rolled-back, promoted, paused,"
                + " actuation-alarm, slo-alert-firing, slo-alert-resolved, dlq-growth, chaos-injected,"
                + " chaos-cleared]",
            "routes[1].namespaces[0]: not a DNS-1123 label",
            "routes[1].minSeverity: one of info, warning, critical");
  }
}
