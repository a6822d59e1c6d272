package dev.aegis.orchestrator.production.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.judgment.HealthWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProductionGuardTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final ProductionGuard guard = new ProductionGuard(GuardPolicy.defaults());
  private final List<GuardAction> actions = new ArrayList<>();
  private GuardState state = GuardState.CALM;

  /** Feeds one-minute stable windows from minute {@code from}, {@code count} of them. */
  private void feed(int from, int count, double errorRate, double p95, double cpu, int replicas) {
    for (int i = from; i < from + count; i++) {
      Instant start = T0.plusSeconds(60L * i);
      HealthWindow w =
          new HealthWindow(
              "ledger",
              "v7",
              HealthWindow.Track.STABLE,
              start,
              start.plusSeconds(60),
              1000,
              Math.round(1000 * errorRate),
              p95 / 2,
              p95,
              p95 * 1.5,
              cpu,
              0.5);
      ProductionGuard.Decision d = guard.observe(state, w, replicas);
      state = d.state();
      actions.addAll(d.actions());
    }
  }

  @Test
  @DisplayName("error rate above 5% for 5 minutes rolls production back once, with the evidence")
  void sustainedErrorsRollBack() {
    feed(0, 5, 0.08, 200, 0.4, 4);
    assertThat(actions).as("4 minutes of breach are not yet 5").isEmpty();

    feed(5, 1, 0.08, 200, 0.4, 4);
    assertThat(actions)
        .singleElement()
        .isInstanceOfSatisfying(
            GuardAction.RollBack.class,
            r -> {
              assertThat(r.badVersion()).isEqualTo("v7");
              assertThat(r.evidence().signal()).isEqualTo("error-rate");
              assertThat(r.evidence().observed()).isEqualTo(0.08);
              assertThat(r.evidence().threshold()).isEqualTo(0.05);
              assertThat(r.evidence().sustainedSeconds()).isEqualTo(300);
              assertThat(r.evidence().windows()).isEqualTo(6);
              assertThat(r.evidence().summary()).contains("8.0% errors > 5.0%");
            });

    feed(6, 20, 0.08, 200, 0.4, 4);
    assertThat(actions).as("cooldown: once per 30 minutes").hasSize(1);
  }

  @Test
  @DisplayName(
      "a short error spike, or errors between the low and high marks after a spike, never roll back")
  void spikesAndHysteresis() {
    feed(0, 3, 0.09, 200, 0.4, 4);
    feed(3, 1, 0.01, 200, 0.4, 4); // below the low mark: the breach ends
    feed(4, 4, 0.09, 200, 0.4, 4);
    assertThat(actions).isEmpty();
    assertThat(state.errorRate().since())
        .as("breach restarted after recovery")
        .isEqualTo(T0.plusSeconds(300));

    feed(8, 1, 0.04, 200, 0.4, 4); // between low (3%) and high (5%): still in breach
    assertThat(state.errorRate()).isNotNull();
  }

  @Test
  @DisplayName("p95 above 10 s scales up by 1.5x, a cooldown apart, never above the ceiling")
  void slowProductionScalesUpWithinTheCeiling() {
    feed(0, 3, 0.001, 12_000, 0.5, 8);
    assertThat(actions)
        .singleElement()
        .isInstanceOfSatisfying(
            GuardAction.ScaleUp.class,
            s -> {
              assertThat(s.from()).isEqualTo(8);
              assertThat(s.to()).isEqualTo(12);
              assertThat(s.evidence().signal()).isEqualTo("p95-latency");
            });

    feed(3, 5, 0.001, 12_000, 0.5, 12);
    assertThat(actions).as("within the 10-minute cooldown").hasSize(1);

    feed(8, 10, 0.001, 12_000, 0.5, 18);
    assertThat(actions).hasSize(2);
    assertThat(((GuardAction.ScaleUp) actions.get(1)).to()).as("ceiling 20").isEqualTo(20);

    feed(18, 30, 0.001, 12_000, 0.5, 20);
    assertThat(actions).as("at the ceiling nothing more happens").hasSize(2);
  }

  @Test
  @DisplayName("CPU above 90% scales up; a healthy service is left alone")
  void busyProductionScalesUp() {
    feed(0, 10, 0.001, 200, 0.5, 4);
    assertThat(actions).isEmpty();
    feed(10, 3, 0.001, 200, 0.95, 4);
    assertThat(actions)
        .singleElement()
        .isInstanceOfSatisfying(
            GuardAction.ScaleUp.class, s -> assertThat(s.evidence().signal()).isEqualTo("cpu"));
  }
}
