package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.chaos.FaultKind;
import dev.aegis.chaos.FaultParameters;
import dev.aegis.chaos.FaultSpec;
import dev.aegis.chaos.FaultTarget;
import dev.aegis.events.data.Track;
import dev.aegis.orchestrator.persistence.ChaosRepository.Fault;
import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which faults an RCA names for a window: the announcements read from {@code aegis.chaos} and
 * Aegis's own injections, which count from the moment they are recorded, before their announcement
 * is read back.
 */
class ChaosFaultsIT extends FreshDatabaseTest {

  private static final Instant T0 = Instant.parse("2025-06-01T00:00:00Z");

  private final ChaosRepository faults = new ChaosRepository();
  private final ChaosInjectionRepository injections = new ChaosInjectionRepository();

  @Test
  @DisplayName("an injection not yet announced on aegis.chaos is already active for the RCA")
  void injectionCountsBeforeItsAnnouncement() {
    inject("f-1", "checkout", T0, T0.plusSeconds(300));

    List<Fault> active = between("shop", "checkout", T0.plusSeconds(60), T0.plusSeconds(120));

    assertThat(active).extracting(Fault::faultId).containsExactly("f-1");
    assertThat(active.get(0).kind()).isEqualTo("network-partition");
    assertThat(between("shop", "payments", T0, T0.plusSeconds(120))).isEmpty();
    assertThat(between("other", "checkout", T0, T0.plusSeconds(120))).isEmpty();
    assertThat(between("shop", "checkout", T0.plusSeconds(301), T0.plusSeconds(400))).isEmpty();
  }

  @Test
  @DisplayName(
      "an injection and its announcement are one fault; the announcement's clear time wins")
  void announcementAndInjectionAreOneFault() {
    inject("f-2", "checkout", T0, T0.plusSeconds(300));
    Fault announced =
        new Fault(
            "f-2",
            "shop",
            "checkout",
            "canary",
            "network-partition",
            T0,
            T0.plusSeconds(300),
            null);
    app.useTransaction(
        h -> {
          faults.injected(Tx.of(h), announced, "ev-1");
          faults.cleared(Tx.of(h), announced, T0.plusSeconds(90), "ev-2");
        });

    assertThat(between("shop", "checkout", T0, T0.plusSeconds(60)))
        .extracting(Fault::faultId)
        .containsExactly("f-2");
    assertThat(between("shop", "checkout", T0.plusSeconds(100), T0.plusSeconds(200))).isEmpty();
  }

  @Test
  @DisplayName("an injection that failed never counts; one that was reverted counts until then")
  void failedAndRevertedInjections() {
    inject("f-failed", "checkout", T0, T0.plusSeconds(300));
    inject("f-reverted", "checkout", T0, T0.plusSeconds(300));
    app.useTransaction(
        h -> {
          injections.fail(Tx.of(h), "f-failed", "no pods", T0.plusSeconds(1));
          injections.end(Tx.of(h), "f-reverted", "sre", "done", T0.plusSeconds(50));
        });

    assertThat(between("shop", "checkout", T0, T0.plusSeconds(40)))
        .extracting(Fault::faultId)
        .containsExactly("f-reverted");
    assertThat(between("shop", "checkout", T0.plusSeconds(60), T0.plusSeconds(120))).isEmpty();
  }

  private void inject(String id, String service, Instant start, Instant expires) {
    FaultSpec spec =
        new FaultSpec(
            FaultKind.NETWORK_PARTITION,
            new FaultTarget("shop", service, Track.CANARY),
            Duration.between(start, expires),
            FaultParameters.NONE);
    app.useTransaction(
        h -> injections.begin(Tx.of(h), id, spec, null, false, "chaos", null, start, expires));
  }

  private List<Fault> between(String namespace, String service, Instant from, Instant to) {
    return app.withHandle(h -> faults.activeBetween(Tx.of(h), namespace, service, from, to));
  }
}
