package dev.aegis.orchestrator.production.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules, the defaults and what a policy refuses. */
class SloPolicyTest {

  @Test
  @DisplayName(
      "the default policy is the workbook's: 99.9%, page 14.4× 1h/5m and 6× 6h/30m, ticket 3× 1d/2h and 1× 3d/6h")
  void defaultsAreTheWorkbooks() {
    SloPolicy policy = SloPolicy.DEFAULT;

    assertThat(policy.objective()).isEqualTo(0.999);
    assertThat(policy.errorBudget()).isCloseTo(0.001, within(1e-12));
    assertThat(policy.rules())
        .extracting(AlertRule::name, AlertRule::severity, AlertRule::factor)
        .containsExactly(
            Tuple.tuple("page-1h-5m", Severity.PAGE, 14.4),
            Tuple.tuple("page-6h-30m", Severity.PAGE, 6.0),
            Tuple.tuple("ticket-1d-2h", Severity.TICKET, 3.0),
            Tuple.tuple("ticket-3d-6h", Severity.TICKET, 1.0));
    assertThat(policy.minCoverage()).isEqualTo(0.5);
    assertThat(policy.minRequests()).isEqualTo(1);
    assertThat(policy.windows())
        .containsExactly(
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(1),
            Duration.ofHours(2),
            Duration.ofHours(6),
            Duration.ofDays(1),
            Duration.ofDays(3));
  }

  @Test
  @DisplayName(
      "each workbook rule spends the documented share of a 30-day budget in its long window")
  void factorsMatchBudgetShares() {
    double period = Duration.ofDays(30).toMinutes();
    assertThat(share(AlertRule.PAGE_1H_5M, period)).isCloseTo(0.02, within(1e-12));
    assertThat(share(AlertRule.PAGE_6H_30M, period)).isCloseTo(0.05, within(1e-12));
    assertThat(share(AlertRule.TICKET_1D_2H, period)).isCloseTo(0.10, within(1e-12));
    assertThat(share(AlertRule.TICKET_3D_6H, period)).isCloseTo(0.10, within(1e-12));
  }

  private static double share(AlertRule rule, double periodMinutes) {
    return rule.factor() * rule.longWindow().toMinutes() / periodMinutes;
  }

  static Stream<Arguments> labels() {
    return Stream.of(
        Arguments.of(Duration.ofDays(3), "3d"),
        Arguments.of(Duration.ofHours(36), "36h"),
        Arguments.of(Duration.ofMinutes(90), "90m"),
        Arguments.of(Duration.ofSeconds(5), "5s"),
        Arguments.of(Duration.ofMillis(1500), "1500ms"));
  }

  @ParameterizedTest(name = "a window of {0} is labelled {1}")
  @MethodSource("labels")
  void windowLabels(Duration window, String label) {
    assertThat(AlertRule.label(window)).isEqualTo(label);
  }

  @Test
  @DisplayName(
      "a rule refuses a short window not shorter than its long one, a factor of zero and a name that is not kebab-case")
  void ruleRefusesNonsense() {
    assertThatThrownBy(
            () -> AlertRule.of(Severity.PAGE, Duration.ofMinutes(5), Duration.ofMinutes(5), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shorter");
    assertThatThrownBy(
            () -> AlertRule.of(Severity.PAGE, Duration.ofHours(1), Duration.ofMinutes(5), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("factor");
    assertThatThrownBy(
            () ->
                new AlertRule(
                    "Page_1h", Severity.PAGE, Duration.ofHours(1), Duration.ofMinutes(5), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kebab-case");
  }

  @Test
  @DisplayName(
      "a policy refuses an objective outside (0, 1), no rules, duplicate rule names and coverage outside (0, 1]")
  void policyRefusesNonsense() {
    List<AlertRule> rules = List.of(AlertRule.PAGE_1H_5M);
    assertThatThrownBy(() -> SloPolicy.workbook(1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SloPolicy.workbook(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SloPolicy.DEFAULT.withRules(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> SloPolicy.DEFAULT.withRules(List.of(AlertRule.PAGE_1H_5M, AlertRule.PAGE_1H_5M)))
        .hasMessageContaining("unique");
    assertThatThrownBy(() -> SloPolicy.DEFAULT.withRules(rules).withMinCoverage(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SloPolicy.DEFAULT.withMinCoverage(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SloPolicy.DEFAULT.withMinRequests(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName(
      "memory is fixed per window: the 3-day window is kept in 72-minute buckets, the 5-minute one in 5-second buckets")
  void bucketsAreSizedBySpan() {
    WindowRing threeDays = new WindowRing(Duration.ofDays(3), SloPolicy.DEFAULT_BUCKETS_PER_WINDOW);
    WindowRing fiveMinutes =
        new WindowRing(Duration.ofMinutes(5), SloPolicy.DEFAULT_BUCKETS_PER_WINDOW);

    assertThat(threeDays.width()).isEqualTo(Duration.ofMinutes(72).toMillis());
    assertThat(fiveMinutes.width()).isEqualTo(5_000);
  }
}
