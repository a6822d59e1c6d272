package dev.aegis.orchestrator.standalone.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aegis.events.data.Track;
import dev.aegis.orchestrator.standalone.demo.DemoCatalogue.Behaviour;
import dev.aegis.orchestrator.standalone.demo.FaultEffects.Effect;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How the simulator's windows feel a fault and a shortage of pods. */
class FaultEffectsTest {

  private static final Behaviour HEALTHY = new Behaviour(0.004, 180);

  @Test
  @DisplayName("without a fault and with every pod ready, a version behaves as the catalogue says")
  void noFaultNoChange() {
    assertThat(WorkloadSimulator.hurt(HEALTHY, Map.of(), "checkout", Track.CANARY, 1.0))
        .isEqualTo(HEALTHY);
  }

  @Test
  @DisplayName("a fault hurts only the track it is on")
  void onlyTheFaultedTrack() {
    Map<String, Effect> partition =
        Map.of(FaultEffects.key("checkout", Track.CANARY), new Effect(1.0, 1, 0));

    assertThat(
            WorkloadSimulator.hurt(HEALTHY, partition, "checkout", Track.CANARY, 1.0).errorRate())
        .isEqualTo(1.0);
    assertThat(WorkloadSimulator.hurt(HEALTHY, partition, "checkout", Track.STABLE, 1.0))
        .isEqualTo(HEALTHY);
    assertThat(WorkloadSimulator.hurt(HEALTHY, partition, "payments", Track.CANARY, 1.0))
        .isEqualTo(HEALTHY);
  }

  @Test
  @DisplayName(
      "losing a pod in five is absorbed; below half the pods the rest are overloaded; with none every request fails")
  void podShortage() {
    assertThat(WorkloadSimulator.hurt(HEALTHY, Map.of(), "checkout", Track.CANARY, 0.8))
        .isEqualTo(HEALTHY);
    Behaviour short4 = WorkloadSimulator.hurt(HEALTHY, Map.of(), "checkout", Track.CANARY, 0.25);
    assertThat(short4.p95Ms()).isCloseTo(360, within(0.001));
    assertThat(short4.errorRate()).isCloseTo(0.004 + 0.05, within(1e-9));
    assertThat(WorkloadSimulator.hurt(HEALTHY, Map.of(), "checkout", Track.CANARY, 0).errorRate())
        .isEqualTo(1.0);
  }

  @Test
  @DisplayName("effects add up, errors never above 100%, latency factors multiply and delays add")
  void effectsCombine() {
    Effect both = new Effect(0.7, 3.0, 0).plus(new Effect(0.6, 1.5, 800));

    assertThat(both.addedErrorRate()).isEqualTo(1.0);
    assertThat(both.latencyFactor()).isEqualTo(4.5);
    assertThat(both.addedLatencyMs()).isEqualTo(800);
  }

  @Test
  @DisplayName("Istio durations read as milliseconds; an unreadable one as none")
  void istioDurations() {
    assertThat(FaultEffects.millis("800ms")).isEqualTo(800);
    assertThat(FaultEffects.millis("2s")).isEqualTo(2000);
    assertThat(FaultEffects.millis("1.5s")).isEqualTo(1500);
    assertThat(FaultEffects.millis("soon")).isZero();
  }
}
